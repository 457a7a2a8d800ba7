import { createServer, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HttpNode } from './http.node';
import { ivrTestKit } from '../ivr-test-kit';
import type { IvrFlowsService } from '../flow/ivr-flows.service';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

describe(HttpNode.name, () => {
  let server: Server;
  let base: string;
  const seen: Seen[] = [];
  let flows: IvrFlowsService;

  beforeAll(async () => {
    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        seen.push({ method: req.method!, url: req.url!, headers: req.headers, body });
        if (req.url!.startsWith('/slow')) return void setTimeout(() => res.end('{}'), 2_000);
        if (req.url!.startsWith('/down')) return void res.writeHead(503).end('maintenance');
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ customer: { name: 'Ada', tier: 'gold', id: 42 } }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  beforeEach(() => {
    seen.length = 0;
    // The test servers listen on loopback, which the node may reach only when listed (issue 13).
    flows = ivrTestKit({ options: { httpMaxTimeoutMs: 5_000, httpAllow: ['127.0.0.1'] } }).flows;
  });

  async function flowWith(path: string, extra: Record<string, unknown> = {}): Promise<string> {
    const f = await flows.create(`f-${Math.random()}`, {
      nodes: [
        { id: 'dip', type: 'http', url: `${base}${path}`, next: 'ok', onError: 'fallback', ...extra },
        { id: 'ok', type: 'hangup', cause: 16 },
        { id: 'fallback', type: 'hangup', cause: 41 },
      ],
    });
    return f.id;
  }

  it('sends the templated request and maps response fields into variables', async () => {
    const id = await flowWith('/lookup?caller={{callerNumber}}', {
      method: 'GET',
      headers: { 'x-account': '{{account}}' },
      responseMap: { customerName: 'customer.name', tier: 'customer.tier', customerId: 'customer.id' },
      statusVariable: 'httpStatus',
    });
    const r = await flows.simulate(id, { callerNumber: '+49 30 123', variables: { account: 'A-7' } });
    expect(seen[0]).toMatchObject({ method: 'GET', url: '/lookup?caller=%2B49%2030%20123', headers: expect.objectContaining({ 'x-account': 'A-7' }) });
    expect(r.path.map((s) => [s.nodeId, s.result])).toEqual([['dip', 'http-200'], ['ok', 'cause-16']]);
    expect(r.variables).toMatchObject({ customerName: 'Ada', tier: 'gold', customerId: '42', httpStatus: '200' });
  });

  it('takes the error branch on timeout', async () => {
    const id = await flowWith('/slow', { timeoutMs: 500 });
    const r = await flows.simulate(id, {});
    expect(r.path.map((s) => [s.nodeId, s.result])).toEqual([['dip', 'timeout'], ['fallback', 'cause-41']]);
    expect(seen).toHaveLength(1);
  });

  it('takes the error branch on a non-2xx answer', async () => {
    const id = await flowWith('/down');
    const r = await flows.simulate(id, {});
    expect(r.path.map((s) => [s.nodeId, s.result])).toEqual([['dip', 'http-503'], ['fallback', 'cause-41']]);
  });

  it('takes the error branch when nothing listens', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const f = await flows.create('refused', { nodes: [{ id: 'dip', type: 'http', url: `http://127.0.0.1:${port}/`, next: 'ok', onError: 'fallback' }, { id: 'ok', type: 'hangup' }, { id: 'fallback', type: 'hangup', cause: 41 }] });
    const r = await flows.simulate(f.id, {});
    expect(r.path[0].result).toBe('network-error');
  });

  it('posts a templated JSON body when the call is live', async () => {
    const kit = ivrTestKit({ options: { httpAllow: ['127.0.0.1'] } });
    const sut = kit.registry.get('http') as HttpNode;
    const cfg = sut.configSchema.parse({ url: `${base}/notes`, method: 'POST', body: { from: '{{callerNumber}}', note: 'pin {{pin}}' }, next: 'x' });
    const { SimulatedIvrContext } = await import('../runtime/simulated-ivr.context');
    const ctx = Object.assign(new SimulatedIvrContext({ callerNumber: '5551234', variables: { pin: '1234' } }), { simulated: false });
    await expect(sut.execute(ctx, cfg)).resolves.toEqual({ next: 'x', result: 'http-200' });
    expect(seen[0]).toMatchObject({ method: 'POST', headers: expect.objectContaining({ 'content-type': 'application/json' }) });
    expect(JSON.parse(seen[0].body)).toEqual({ from: '5551234', note: 'pin 1234' });
  });

  it('does not send non-GET requests in simulate', async () => {
    const id = await flowWith('/notes', { method: 'POST', body: 'x' });
    const r = await flows.simulate(id, {});
    expect(r.path[0].result).toBe('skipped-in-simulation');
    expect(seen).toHaveLength(0);
  });

  it('refuses a timeout above the configured maximum at validation', async () => {
    await expect(flowWith('/lookup', { timeoutMs: 5_001 })).rejects.toMatchObject({ errors: [{ nodeId: 'dip', field: 'timeoutMs', message: expect.stringMatching(/at most 5000 ms/) }] });
  });
});

/**
 * Issue 13 item 5 (SSRF): the node reaches only what the allow-list permits — checked for IP
 * literals, after DNS resolution and on every redirect — reads bounded bodies, and answers the
 * same `network-error` for blocked, refused and unreachable, so flows cannot map internal ports.
 */
describe(`${HttpNode.name} outbound policy (issue 13)`, () => {
  const servers: Server[] = [];
  const hits: string[] = [];
  let port: number;
  let other: number;
  let v6: number;
  let streamed = { written: 0, finished: false };

  /** A server on `host` that records each request as `<host> <url>` and answers with `handle`. */
  async function serve(host: string, handle: (url: string, res: import('node:http').ServerResponse) => void): Promise<number> {
    const s = createServer((req, res) => {
      hits.push(`${host} ${req.url}`);
      handle(req.url!, res);
    });
    await new Promise<void>((r) => s.listen(0, host, r));
    servers.push(s);
    return (s.address() as AddressInfo).port;
  }

  beforeAll(async () => {
    other = await serve('127.0.0.2', (_u, res) => void res.setHeader('content-type', 'application/json').end('{"secret":"internal"}'));
    v6 = await serve('::1', (_u, res) => void res.setHeader('content-type', 'application/json').end('{"secret":"internal"}'));
    port = await serve('127.0.0.1', (url, res) => {
      if (url === '/to-other') return void res.writeHead(302, { location: `http://127.0.0.2:${other}/metadata` }).end();
      if (url.startsWith('/loop')) return void res.writeHead(302, { location: `/loop${url.length}` }).end();
      if (url === '/post-redirect') return void res.writeHead(307, { location: '/json' }).end();
      if (url === '/huge') {
        // 64 MB without content-length: only a streaming cap stops it.
        streamed = { written: 0, finished: false };
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = (): void => {
          while (streamed.written < 64 * 1024 * 1024) {
            streamed.written += chunk.length;
            if (!res.write(chunk)) return void res.once('drain', pump);
          }
          streamed.finished = true;
          res.end();
        };
        res.on('close', () => undefined);
        return pump();
      }
      res.setHeader('content-type', 'application/json');
      res.end('{"tier":"gold"}');
    });
  });

  afterAll(async () => {
    for (const s of servers) {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
    }
  });

  beforeEach(() => {
    hits.length = 0;
  });

  async function dip(url: string, options: Parameters<typeof ivrTestKit>[0] = {}, extra: Record<string, unknown> = {}) {
    const { flows } = ivrTestKit({ options: { httpMaxTimeoutMs: 5_000, ...options?.options } });
    const f = await flows.create(`p-${Math.random()}`, {
      nodes: [
        { id: 'dip', type: 'http', url, responseMap: { tier: 'tier', secret: 'secret' }, statusVariable: 'status', timeoutMs: 3_000, next: 'ok', onError: 'fallback', ...extra },
        { id: 'ok', type: 'hangup', cause: 16 },
        { id: 'fallback', type: 'hangup', cause: 41 },
      ],
    });
    return flows.simulate(f.id, {});
  }

  it.each([
    ['loopback by address', () => `http://127.0.0.1:${port}/json`],
    ['loopback by name (checked after DNS resolution)', () => `http://localhost:${port}/json`],
    ['loopback in another spelling', () => `http://0x7f000001:${port}/json`],
    ['IPv6 loopback', () => `http://[::1]:${v6}/json`],
    ['IPv4-mapped IPv6 loopback', () => `http://[::ffff:127.0.0.1]:${port}/json`],
    ['the unspecified address (= this host)', () => `http://0.0.0.0:${port}/json`],
    ['the cloud metadata address (link-local)', () => 'http://169.254.169.254/latest/meta-data/'],
    ['a private range', () => 'http://10.255.255.1/'],
  ])('refuses %s by default: nothing is sent, nothing comes back into the call', async (_label, url) => {
    const r = await dip(url());
    expect(r.path.map((s) => [s.nodeId, s.result])).toEqual([['dip', 'network-error'], ['fallback', 'cause-41']]);
    expect(r.variables).toEqual({});
    expect(hits).toEqual([]);
  });

  it('answers a blocked open port exactly like a closed one (no port scan through flows)', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const open = await dip(`http://127.0.0.1:${port}/json`);
    const shut = await dip(`http://127.0.0.1:${closedPort}/json`);
    expect(open).toEqual(shut);
  });

  it('reaches a listed address, and checks a redirect target again (not listed → refused, never contacted)', async () => {
    const allowed = { options: { httpAllow: ['127.0.0.1'] } };
    expect((await dip(`http://127.0.0.1:${port}/json`, allowed)).variables).toEqual({ tier: 'gold', status: '200' });
    const r = await dip(`http://127.0.0.1:${port}/to-other`, allowed);
    expect(r.path[0].result).toBe('network-error');
    expect(r.variables).toEqual({});
    expect(hits).toEqual([`127.0.0.1 /json`, `127.0.0.1 /to-other`]);
  });

  it('lists CIDRs and host names too (127.0.0.0/8 lets the redirect through; "localhost" is reached by name)', async () => {
    expect((await dip(`http://127.0.0.1:${port}/to-other`, { options: { httpAllow: ['127.0.0.0/8'] } })).variables).toEqual({ secret: 'internal', status: '200' });
    expect((await dip(`http://localhost:${port}/json`, { options: { httpAllow: ['localhost'] } })).variables).toEqual({ tier: 'gold', status: '200' });
  });

  it('follows at most httpMaxRedirects redirects', async () => {
    const r = await dip(`http://127.0.0.1:${port}/loop`, { options: { httpAllow: ['127.0.0.1'], httpMaxRedirects: 2 } });
    expect(r.path[0].result).toBe('too-many-redirects');
    expect(hits).toHaveLength(3);
  });

  it('does not follow a redirect of a non-GET request (it would repeat a side effect elsewhere)', async () => {
    const { registry } = ivrTestKit({ options: { httpAllow: ['127.0.0.1'] } });
    const sut = registry.get('http') as HttpNode;
    const { SimulatedIvrContext } = await import('../runtime/simulated-ivr.context');
    const ctx = Object.assign(new SimulatedIvrContext({}), { simulated: false });
    const cfg = sut.configSchema.parse({ url: `http://127.0.0.1:${port}/post-redirect`, method: 'POST', body: 'x', next: 'n' });
    await expect(sut.execute(ctx, cfg)).rejects.toMatchObject({ result: 'http-307' });
    expect(hits).toEqual(['127.0.0.1 /post-redirect']);
  });

  it('stops reading an answer at httpMaxBodyBytes (a 64 MB body is cut, not buffered)', async () => {
    const r = await dip(`http://127.0.0.1:${port}/huge`, { options: { httpAllow: ['127.0.0.1'], httpMaxBodyBytes: 256 * 1024 } });
    expect(r.path[0].result).toBe('response-too-large');
    await new Promise((res) => setTimeout(res, 100));
    expect(streamed.finished).toBe(false);
    expect(streamed.written).toBeLessThan(16 * 1024 * 1024);
  });

  it('refuses public addresses too when httpAllowPublic is false (strict allow-list)', async () => {
    const r = await dip('http://93.184.215.14/', { options: { httpAllowPublic: false } });
    expect(r.path[0].result).toBe('network-error');
  });
});
