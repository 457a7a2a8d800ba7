import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';
import fc from 'fast-check';
import request from 'supertest';
import { io, Socket } from 'socket.io-client';
import { MESSAGE_METADATA } from '@nestjs/websockets/constants';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { AgentsGateway } from '../../apps/control-plane/src/realtime/agents.gateway';
import { SupervisorsGateway } from '../../apps/control-plane/src/realtime/supervisors.gateway';

/**
 * Issue 13 "Done when": generated bodies, query strings, path ids and Socket.IO payloads thrown
 * at EVERY operation of the OpenAPI document (read from /docs-json, so a new endpoint is fuzzed
 * without editing this file), with and without the admin's token: never a 500, never a crash,
 * never an event-loop stall over 100 ms (perf_hooks.monitorEventLoopDelay over the whole run).
 * fast-check seeds are printed on failure (re-run with the seed to reproduce).
 */

/** Generated runs per operation and auth mode: enough to hit nulls, deep values and odd strings, bounded for CI. */
const RUNS = 12;
const STALL_LIMIT_MS = 100;
/** Every command of the `/agents` gateway (agents.gateway.ts @SubscribeMessage). */
const AGENT_COMMANDS = ['agent.setState', 'transfer.start', 'transfer.complete', 'transfer.swap', 'transfer.conference', 'transfer.cancel'];
/** Every command of the `/supervisors` gateway (supervisors.gateway.ts @SubscribeMessage). */
const SUPERVISOR_COMMANDS = ['queues.subscribe', 'supervision.start', 'supervision.mode', 'supervision.stop'];

type Operation = { method: 'get' | 'post' | 'put' | 'patch' | 'delete'; path: string };

/** Strings that have broken parsers and PBX builders before: control characters, NUL, huge numbers, injection. */
const nasty = fc.constantFrom(
  '', ' ', '\u0000', '%00', '\r\n', 'a\nb', '1000\n\napi show channels\n\n', '${jndi:x}', '../../etc/passwd', '1e300', '-1', 'NaN',
  '9'.repeat(400), '\u202e', '😀', 'null', '[]', '{}', '<script>', "' OR 1=1 --", '^(a+)+$',
);
const scalar = fc.oneof(fc.string({ maxLength: 40 }), nasty, fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const json: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom('name', 'state', 'strategy', 'enabled', 'endpoint', 'did', 'definition', 'nodes', '__proto__', 'constructor')), tie('value'), { maxKeys: 6 }),
})).value;
/** Deep nesting (the 3,000-deep body) and a body that is not JSON at all. */
const deep = (n: number) => '['.repeat(n) + ']'.repeat(n);
const query = fc.dictionary(fc.constantFrom('page', 'limit', 'pageSize', 'callerNumber', 'disposition', 'from', 'to', 'status', 'queueId', 'agentId', 'q', 'details'), fc.oneof(nasty, fc.string({ maxLength: 20 }), fc.integer().map(String)), { maxKeys: 4 });
const pathId = fc.oneof(fc.uuid(), nasty.filter((s) => s.length > 0 && !s.includes('/')), fc.string({ minLength: 1, maxLength: 20 }).filter((s) => !s.includes('/')));

describe('API fuzz (issue 13)', () => {
  let h: ControlPlaneHarness;
  let operations: Operation[];
  let loop: IntervalHistogram;

  beforeAll(async () => {
    h = await ControlPlaneHarness.start({ pbx: 'asterisk', db: 'sqlite' });
    const doc = (await request(h.app.getHttpServer()).get('/docs-json').expect(200)).body as { paths: Record<string, Record<string, unknown>> };
    operations = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).filter((m): m is Operation['method'] => ['get', 'post', 'put', 'patch', 'delete'].includes(m)).map((method) => ({ method, path })));
    loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
  });
  afterAll(async () => {
    loop?.disable();
    await h?.close();
  });

  const send = (op: Operation, path: string, token: string | undefined, body: unknown, raw?: string) => {
    let t = request(h.app.getHttpServer())[op.method](path).timeout(10_000);
    if (token) t = t.set('Authorization', `Bearer ${token}`);
    if (raw !== undefined) return t.set('Content-Type', 'application/json').send(raw);
    if (op.method === 'get' || op.method === 'delete') return t;
    // supertest sends only objects as JSON: scalars and null go as raw JSON text.
    return body !== null && typeof body === 'object' ? t.send(body as object) : t.set('Content-Type', 'application/json').send(JSON.stringify(body) ?? 'null');
  };
  const fill = (path: string, id: string) => path.replace(/\{[^}]+\}/g, () => encodeURIComponent(id));
  const expectNo500 = (op: Operation, res: request.Response, input: unknown) => {
    if (res.status >= 500) throw new Error(`${op.method.toUpperCase()} ${op.path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)} for ${JSON.stringify(input).slice(0, 300)}`);
  };

  it('reads every operation from the OpenAPI document', () => {
    expect(operations.length).toBeGreaterThan(20);
    expect(operations).toEqual(expect.arrayContaining([{ method: 'post', path: '/auth/login' }, { method: 'get', path: '/calls' }]));
  });

  it.each([
    ['without a token', false],
    ['as admin', true],
  ])('never answers 500 to generated bodies, queries and ids (%s)', async (_label, authed) => {
    for (const op of operations) {
      await fc.assert(
        fc.asyncProperty(json, query, pathId, async (body, q, id) => {
          const qs = new URLSearchParams(q).toString();
          const res = await send(op, fill(op.path, id) + (qs ? `?${qs}` : ''), authed ? h.adminToken : undefined, body);
          expectNo500(op, res, { body, q, id });
        }),
        { numRuns: RUNS },
      );
    }
  });

  it('answers deep and malformed JSON with 4xx on every body operation, authenticated or not', async () => {
    for (const op of operations.filter((o) => o.method !== 'get' && o.method !== 'delete')) {
      for (const token of [undefined, h.adminToken]) {
        for (const raw of [deep(5000), '{"a":' + deep(3000) + '}', '{"name": "x",', '\u0000']) {
          const res = await send(op, fill(op.path, '00000000-0000-4000-8000-000000000000'), token, undefined, raw);
          expectNo500(op, res, raw.slice(0, 40));
          expect(res.status).toBeGreaterThanOrEqual(400);
        }
      }
    }
  });

  it('fuzzes every Socket.IO command the gateways declare', () => {
    const commands = (gateway: { prototype: object }) =>
      Object.values(Object.getOwnPropertyDescriptors(gateway.prototype))
        .map((d) => (typeof d.value === 'function' ? (Reflect.getMetadata(MESSAGE_METADATA, d.value) as string | undefined) : undefined))
        .filter(Boolean);
    expect(commands(AgentsGateway).sort()).toEqual([...AGENT_COMMANDS].sort());
    expect(commands(SupervisorsGateway).sort()).toEqual([...SUPERVISOR_COMMANDS].sort());
  });

  it.each([
    ['/agents', AGENT_COMMANDS],
    ['/supervisors', SUPERVISOR_COMMANDS],
  ])('acks every %s command with ok or a coded error for generated payloads, and keeps the connection', async (namespace, commands) => {
    const socket: Socket = io(`${h.url}${namespace}`, { auth: { token: h.adminToken }, transports: ['websocket'], reconnection: false });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...commands), json, async (event, payload) => {
          const ack = await socket.timeout(5000).emitWithAck(event, payload).catch((err: Error) => ({ timeout: err.message }));
          if (ack && typeof ack === 'object' && 'timeout' in ack) throw new Error(`${event} got no ack for ${JSON.stringify(payload)}`);
          expect(ack).toHaveProperty('ok');
          if ((ack as { ok: boolean }).ok === false) expect((ack as { error: { code: string } }).error.code).not.toBe('internal-error');
          expect(socket.connected).toBe(true);
        }),
        { numRuns: 60 },
      );
    } finally {
      socket.disconnect();
    }
  });

  it(`stayed responsive: no event-loop stall over ${STALL_LIMIT_MS} ms during the run, and /health still answers`, async () => {
    await request(h.app.getHttpServer()).get('/health').expect(200);
    expect(loop.max / 1e6).toBeLessThan(STALL_LIMIT_MS);
  });
});
