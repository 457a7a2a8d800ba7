import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, IntervalHistogram } from 'node:perf_hooks';
import { ControlPlaneHarness } from '../support/control-plane.harness';

/**
 * Issue 13 items 3, 4 and 5 through the REST API of the whole control plane (as main.ts wires it, pbx-sim
 * beside it, real SQLite):
 * - flow validation is linear, bounded in nodes (IVR_MAX_FLOW_NODES) and in issues reported;
 * - `branch.matches` / `gather.pattern` run on a linear-time engine (RE2 semantics), and
 *   patterns it cannot run (backreferences, lookaround) are refused at save with node and field;
 * - the `http` node (simulate included) reaches no loopback/private/link-local address unless
 *   IVR_HTTP_ALLOW lists it, and answers a blocked open port exactly like a closed one.
 * Stalls are measured with perf_hooks.monitorEventLoopDelay (bound: 100 ms, as the fuzz suite).
 */
const STALL_LIMIT_MS = 100;

/** `n` goto nodes in a ring: every node loops forever, none can end the flow. */
const gotoCycle = (n: number) => ({ nodes: Array.from({ length: n }, (_, i) => ({ id: `g${i}`, type: 'goto', node: `g${(i + 1) % n}` })) });

/** A valid chain of `n` nodes: `goto` → `goto` → … → `hangup` (short ids: the JSON body limit is 100 kB). */
const validChain = (n: number) => ({
  nodes: Array.from({ length: n }, (_, i) => (i === n - 1 ? { id: `${i}`, type: 'hangup' } : { id: `${i}`, type: 'goto', node: `${i + 1}` })),
});

describe('IVR hardening (issue 13) over REST', () => {
  let t: ControlPlaneHarness;
  let loop: IntervalHistogram;
  const post = (body: object) => t.http().post('/ivr/flows').send(body);

  beforeAll(async () => {
    // A lower node limit than the default 5,000 (see ivr-flow.validator.spec.ts for it), so that
    // flows at and over the limit fit the JSON body limit.
    t = await ControlPlaneHarness.start({ pbx: 'asterisk', db: 'sqlite', env: { IVR_MAX_FLOW_NODES: '2000' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  /** Runs `fn` and returns the worst event-loop delay seen meanwhile, ms. */
  async function maxStallMs(fn: () => Promise<unknown>): Promise<number> {
    loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    // The histogram skips the first tick after enable(): a stall before it would go unseen.
    await new Promise((r) => setTimeout(r, 30));
    try {
      await fn();
      // The histogram's timer records a stall when it fires after it: give it the chance.
      await new Promise((r) => setTimeout(r, 50));
    } finally {
      loop.disable();
    }
    return loop.max / 1e6;
  }

  describe('flow validation (item 3)', () => {
    it('rejects an exit-less cycle of 2,000 gotos with at most 100 issues plus a count of the rest', async () => {
      const res = await post({ name: 'cycle', definition: gotoCycle(2_000) });
      expect(res.status).toBe(400);
      const errors = res.body.details.errors as { nodeId?: string; message: string }[];
      expect(errors).toHaveLength(101);
      expect(errors[0].message).toMatch(/loop with no exit/);
      expect(errors[100].message).toMatch(/and 1900 more/);
      expect(JSON.stringify(res.body).length).toBeLessThan(100_000);
    });

    it('accepts a valid 2,000-node chain (the configured limit) and validates it again without stalling the event loop', async () => {
      const created = await post({ name: 'chain-2000', definition: validChain(2_000) });
      expect(created.status).toBe(201);
      // The stored draft: what is measured is the flow validation, not the JSON body's way through
      // the global ValidationPipe (class-transformer copies a body in ~35 µs per node).
      let res!: Awaited<ReturnType<typeof post>>;
      const stall = await maxStallMs(async () => (res = await t.http().post(`/ivr/flows/${created.body.id}/validate`).send({})));
      expect(res.body).toEqual({ valid: true, errors: [], warnings: [] });
      expect(stall).toBeLessThan(STALL_LIMIT_MS);
    });

    it('refuses a flow over the node limit (IVR_MAX_FLOW_NODES) with one error, before checking its nodes', async () => {
      const res = await post({ name: 'chain-2001', definition: validChain(2_001) });
      expect(res.status).toBe(400);
      expect(res.body.details.errors).toEqual([{ field: 'nodes', message: expect.stringMatching(/at most 2000 nodes.*IVR_MAX_FLOW_NODES.*2001/) }]);
    });
  });

  describe('regular expressions (item 4)', () => {
    const branchFlow = (matches: string) => ({
      nodes: [
        { id: 'b', type: 'branch', conditions: [{ when: { variable: 'x', matches }, next: 'yes' }], default: 'no' },
        { id: 'yes', type: 'hangup', cause: 16 },
        { id: 'no', type: 'hangup', cause: 17 },
      ],
    });
    const gatherFlow = (pattern: string) => ({
      nodes: [
        { id: 'pin', type: 'gather', variable: 'pin', max: 64, pattern, next: 'ok', onFailure: 'bad' },
        { id: 'ok', type: 'hangup', cause: 16 },
        { id: 'bad', type: 'hangup', cause: 17 },
      ],
    });

    it('runs the catastrophic `^(a+)+$` on a 26-character variable (0.4 s with a backtracking engine) in a simulate without stalling', async () => {
      const created = await post({ name: 'redos-branch', definition: branchFlow('^(a+)+$') }).expect(201);
      let res!: Awaited<ReturnType<typeof post>>;
      const stall = await maxStallMs(async () => (res = await t.http().post(`/ivr/flows/${created.body.id}/simulate`).send({ variables: { x: `${'a'.repeat(25)}b` } })));
      expect(res.status).toBe(200);
      expect(res.body.path.map((s: { nodeId: string; result: string }) => [s.nodeId, s.result])).toEqual([['b', 'default'], ['no', 'cause-17']]);
      expect(stall).toBeLessThan(STALL_LIMIT_MS);
    });

    it('runs a gather pattern on the caller\'s digits without stalling (nested quantifier, 26 keys)', async () => {
      const created = await post({ name: 'redos-gather', definition: gatherFlow('^(\\d+)+$') }).expect(201);
      let res!: Awaited<ReturnType<typeof post>>;
      const stall = await maxStallMs(async () => (res = await t.http().post(`/ivr/flows/${created.body.id}/simulate`).send({ digits: `${'1'.repeat(25)}*` })));
      expect(res.status).toBe(200);
      expect(res.body.path[0]).toMatchObject({ nodeId: 'pin', result: 'invalid' });
      expect(stall).toBeLessThan(STALL_LIMIT_MS);
    });

    it.each([
      ['a backreference', '(a)\\1'],
      ['a lookahead', '^(?=1)\\d+$'],
      ['a negative lookbehind', '(?<!0)1'],
    ])('refuses %s at save, naming node and field', async (_label, pattern) => {
      const b = await post({ name: `re-b-${pattern}`, definition: branchFlow(pattern) }).expect(400);
      expect(b.body.details.errors).toEqual([{ nodeId: 'b', field: 'conditions.0.when.matches', message: expect.stringMatching(/linear-time/) }]);
      const g = await post({ name: `re-g-${pattern}`, definition: gatherFlow(pattern) }).expect(400);
      expect(g.body.details.errors).toEqual([{ nodeId: 'pin', field: 'pattern', message: expect.stringMatching(/linear-time/) }]);
    });

    it('still matches ordinary patterns (RE2 semantics: search, anchors, classes)', async () => {
      const created = await post({ name: 're-ok', definition: gatherFlow('^\\d{4}$') }).expect(201);
      const sim = (digits: string) => t.http().post(`/ivr/flows/${created.body.id}/simulate`).send({ digits }).expect(200);
      expect((await sim('1234#')).body.path[0].result).toBe('collected-terminator');
      expect((await sim('12345#')).body.path[0].result).toBe('invalid');
    });
  });

  describe('http node (item 5)', () => {
    let internal: Server;
    let port: number;
    const hits: string[] = [];

    beforeAll(async () => {
      internal = createServer((req, res) => {
        hits.push(req.url!);
        res.setHeader('content-type', 'application/json').end('{"secret":"s3cr3t","status":"internal"}');
      });
      await new Promise<void>((r) => internal.listen(0, '127.0.0.1', r));
      port = (internal.address() as AddressInfo).port;
    });
    afterAll(async () => {
      internal.closeAllConnections();
      await new Promise((r) => internal.close(r));
    });

    const dipFlow = (url: string) => ({
      nodes: [
        { id: 'dip', type: 'http', url, responseMap: { leaked: 'secret' }, statusVariable: 'status', next: 'ok', onError: 'fallback' },
        { id: 'ok', type: 'hangup', cause: 16 },
        { id: 'fallback', type: 'hangup', cause: 41 },
      ],
    });
    const simulate = async (url: string) => {
      const created = await post({ name: `dip-${Math.random()}`, definition: dipFlow(url) }).expect(201);
      return (await t.http().post(`/ivr/flows/${created.body.id}/simulate`).send({}).expect(200)).body;
    };

    it('simulate of a flow pointing at an internal service fetches nothing and returns nothing of it', async () => {
      for (const url of [`http://127.0.0.1:${port}/`, `http://localhost:${port}/`, `http://[::ffff:127.0.0.1]:${port}/`, 'http://169.254.169.254/latest/meta-data/']) {
        const sim = await simulate(url);
        expect(sim.path.map((s: { nodeId: string; result: string }) => [s.nodeId, s.result])).toEqual([['dip', 'network-error'], ['fallback', 'cause-41']]);
        expect(sim.variables).toEqual({});
      }
      expect(hits).toEqual([]);
    });

    it('answers an open internal port exactly like a closed one', async () => {
      const closed = createServer();
      await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
      const closedPort = (closed.address() as AddressInfo).port;
      await new Promise((r) => closed.close(r));
      const open = await simulate(`http://127.0.0.1:${port}/`);
      const shut = await simulate(`http://127.0.0.1:${closedPort}/`);
      expect(open).toEqual(shut);
    });
  });
});
