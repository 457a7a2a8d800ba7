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
    flows = ivrTestKit({ options: { httpMaxTimeoutMs: 5_000 } }).flows;
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
    const kit = ivrTestKit();
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
