import { IvrFlowValidator, MAX_FLOW_ISSUES } from './ivr-flow.validator';
import { parseIvrFlow } from './ivr-flow.parser';
import type { IvrFlowDefinition, IvrFlowIssue } from './ivr-flow.types';
import { ivrTestKit, twoLevelMenuFlow } from '../ivr-test-kit';
import { IvrFlowInvalidError, IvrFlowParseError } from '../ivr.errors';

const issue = (issues: IvrFlowIssue[], nodeId: string, field?: string) => issues.find((i) => i.nodeId === nodeId && (field === undefined || i.field === field));

describe(IvrFlowValidator.name, () => {
  const { registry, flows } = ivrTestKit();
  const sut = new IvrFlowValidator(registry);

  it('accepts the two-level menu', () => {
    const r = sut.validate(twoLevelMenuFlow({ sales: 'q1', hardware: 'q2', software: 'q3' }));
    expect(r).toEqual({ valid: true, errors: [], warnings: [] });
  });

  it('rejects an unknown node type, naming node and field', () => {
    const r = sut.validate({ nodes: [{ id: 'a', type: 'teleport', next: 'b' }, { id: 'b', type: 'hangup' }] });
    expect(r.valid).toBe(false);
    expect(issue(r.errors, 'a', 'type')?.message).toMatch(/unknown node type "teleport"/);
  });

  it('rejects a dangling goto', () => {
    const r = sut.validate({ nodes: [{ id: 'a', type: 'goto', node: 'nowhere' }] });
    expect(issue(r.errors, 'a', 'node')?.message).toMatch(/"nowhere", which does not exist/);
  });

  it('rejects dangling menu options and onError', () => {
    const r = sut.validate({ nodes: [{ id: 'm', type: 'menu', prompts: ['sound:x'], options: [{ digit: '1', next: 'ghost' }], onError: 'void' }] });
    expect(issue(r.errors, 'm', 'options.0.next')).toBeDefined();
    expect(issue(r.errors, 'm', 'onError')).toBeDefined();
  });

  it('warns about unreachable nodes without rejecting the flow', () => {
    const r = sut.validate({ nodes: [{ id: 'a', type: 'hangup' }, { id: 'orphan', type: 'play', prompts: ['sound:x'] }] });
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual([{ nodeId: 'orphan', message: expect.stringMatching(/cannot be reached/) }]);
  });

  it('warns when a node that may fail (http) has no onError', () => {
    const r = sut.validate({ nodes: [{ id: 'dip', type: 'http', url: 'http://crm/x', next: 'bye' }, { id: 'bye', type: 'hangup' }] });
    expect(r.valid).toBe(true);
    expect(r.warnings).toEqual([{ nodeId: 'dip', field: 'onError', message: expect.stringMatching(/set onError/) }]);
  });

  it('rejects a digit used twice in a menu', () => {
    const r = sut.validate({
      nodes: [
        { id: 'm', type: 'menu', prompts: ['sound:x'], options: [{ digit: '1', next: 'h' }, { digit: '2', next: 'h' }, { digit: '1', next: 'h' }] },
        { id: 'h', type: 'hangup' },
      ],
    });
    expect(issue(r.errors, 'm', 'options.2.digit')?.message).toMatch(/digit "1" is used twice/);
  });

  it('rejects a loop with no exit', () => {
    const r = sut.validate({
      nodes: [
        { id: 'a', type: 'play', prompts: ['sound:x'], next: 'b' },
        { id: 'b', type: 'set', variables: { n: '1' }, next: 'c' },
        { id: 'c', type: 'goto', node: 'a' },
      ],
    });
    expect(r.valid).toBe(false);
    expect(issue(r.errors, 'a')?.message).toMatch(/loop with no exit/);
    expect(issue(r.errors, 'c', 'node')?.message).toMatch(/c → a/);
  });

  it('accepts a loop that has an exit (a menu that hangs up after its retries)', () => {
    const r = sut.validate({
      nodes: [
        { id: 'm', type: 'menu', prompts: ['sound:x'], options: [{ digit: '1', next: 'again' }] },
        { id: 'again', type: 'goto', node: 'm' },
      ],
    });
    expect(r.errors).toEqual([]);
  });

  it('rejects missing required config and bad values, naming the field', () => {
    const r = sut.validate({
      nodes: [
        { id: 'q', type: 'queue' },
        { id: 'g', type: 'gather', variable: 'pin', next: 'q', timeoutMs: -5 },
        { id: 'p', type: 'play', prompts: ['hello.wav'] },
        { id: 'h', type: 'http', url: 'http://x', timeoutMs: 60_000, next: 'q' },
      ],
    });
    expect(issue(r.errors, 'q', 'queue')?.message).toBe('is required');
    expect(issue(r.errors, 'g', 'timeoutMs')).toBeDefined();
    expect(issue(r.errors, 'p', 'prompts.0')?.message).toMatch(/not a prompt URI/);
    expect(issue(r.errors, 'h', 'timeoutMs')?.message).toMatch(/at most 10000 ms/);
  });

  it('rejects duplicate node ids and a missing start node', () => {
    const r = sut.validate({ start: 'nope', nodes: [{ id: 'a', type: 'hangup' }, { id: 'a', type: 'hangup' }] });
    expect(issue(r.errors, 'a', 'id')?.message).toMatch(/used twice/);
    expect(r.errors.find((i) => i.field === 'start')).toBeDefined();
  });

  it('rejects unknown fields (typos) of built-in nodes', () => {
    const r = sut.validate({ nodes: [{ id: 'h', type: 'hangup', casue: 17 }] });
    expect(issue(r.errors, 'h', 'casue')?.message).toMatch(/unknown field/);
  });

  describe('size (issue 13: linear, capped)', () => {
    const gotoCycle = (n: number): IvrFlowDefinition => ({ nodes: Array.from({ length: n }, (_, i) => ({ id: `g${i}`, type: 'goto', node: `g${(i + 1) % n}` })) });
    const chain = (n: number): IvrFlowDefinition => ({
      nodes: Array.from({ length: n }, (_, i) => (i === n - 1 ? { id: `n${i}`, type: 'hangup' } : { id: `n${i}`, type: 'play', prompts: ['sound:x'], next: `n${i + 1}` })),
    });

    /** How many times other work (a setImmediate chain) got to run while `fn` ran: 0 = it held the event loop throughout. */
    async function interleavings(fn: () => Promise<unknown>): Promise<number> {
      let ticks = 0;
      let running = true;
      const tick = (): void => {
        if (!running) return;
        ticks++;
        setImmediate(tick);
      };
      setImmediate(tick);
      await fn();
      running = false;
      return ticks;
    }

    it('reports at most 100 errors of an exit-less 5,000-goto cycle, then counts the rest; each loop message stays short', () => {
      const r = sut.validate(gotoCycle(5_000));
      expect(r.errors).toHaveLength(MAX_FLOW_ISSUES + 1);
      expect(r.errors[0]).toEqual({ nodeId: 'g0', field: 'node', message: expect.stringMatching(/loop with no exit: every path from "g0" \(g0 → g1 → .* → …\)/) });
      expect(r.errors[MAX_FLOW_ISSUES]).toEqual({ message: 'and 4900 more errors (only the first 100 are listed)' });
      expect(Math.max(...r.errors.map((e) => e.message.length))).toBeLessThan(300);
    });

    it('caps warnings the same way (5,000 unreachable nodes)', () => {
      const def = chain(5_000);
      def.start = 'n4999';
      const r = sut.validate(def);
      expect(r.valid).toBe(true);
      expect(r.warnings).toHaveLength(MAX_FLOW_ISSUES + 1);
      expect(r.warnings[MAX_FLOW_ISSUES].message).toMatch(/^and 4899 more warnings/);
    });

    it('keeps each message short whatever the flow echoes (long targets, start, types, many unknown keys)', () => {
      const long = 'x'.repeat(100_000);
      const unknown = Object.fromEntries(Array.from({ length: 1_000 }, (_, i) => [`k${i}`, 1]));
      const r = sut.validate({ start: long, nodes: [{ id: 'a', type: 'goto', node: long }, { id: 'b', type: long }, { id: 'c', type: 'hangup', ...unknown }] });
      expect(r.errors.map((e) => e.field)).toEqual(expect.arrayContaining(['start', 'node', 'type', 'k0']));
      expect(Math.max(...r.errors.map((e) => e.message.length))).toBeLessThan(400);
    });

    it('accepts a 5,000-node flow (the default IVR_MAX_FLOW_NODES) and refuses 5,001 with one error', () => {
      expect(sut.validate(chain(5_000))).toEqual({ valid: true, errors: [], warnings: [] });
      expect(sut.validate(chain(5_001))).toEqual({ valid: false, errors: [{ field: 'nodes', message: 'a flow may have at most 5000 nodes (IVR_MAX_FLOW_NODES); this one has 5001' }], warnings: [] });
      expect(new IvrFlowValidator(registry, { maxFlowNodes: 10 }).validate(chain(11)).errors[0].message).toMatch(/at most 10 nodes/);
    });

    it('validating a 5,000-node flow on save lets other work run at least every 100 nodes (calls are not stalled)', async () => {
      const big = chain(5_000);
      const cycle = gotoCycle(5_000);
      expect(await interleavings(() => flows.validateDefinition(big))).toBeGreaterThanOrEqual(49);
      expect(await interleavings(() => flows.validateDefinition(cycle))).toBeGreaterThanOrEqual(49);
      await expect(flows.create('big-chain', big)).resolves.toMatchObject({ name: 'big-chain' });
      await expect(flows.create('big-cycle', cycle)).rejects.toMatchObject({ errors: expect.arrayContaining([{ message: 'and 4900 more errors (only the first 100 are listed)' }]) });
    });
  });

  describe('on save (IvrFlowsService)', () => {
    const yaml = `
start: main
nodes:
  - id: main
    type: menu
    prompts: [sound:main]
    options:
      - { digit: "1", next: bye }
      - { digit: "1", next: bye }
  - id: bye
    type: hangup
`;

    it('parses YAML and rejects an invalid flow with errors naming node and field', async () => {
      const err: unknown = await flows.create('dup', yaml).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(IvrFlowInvalidError);
      expect((err as IvrFlowInvalidError).errors).toEqual([{ nodeId: 'main', field: 'options.1.digit', message: expect.stringMatching(/used twice/) }]);
      expect((err as IvrFlowInvalidError).message).toMatch(/node "main" field "options.1.digit"/);
    });

    it('stores a valid YAML flow as its object form', async () => {
      const created = await flows.create('ok', yaml.replace('{ digit: "1", next: bye }\n      - { digit: "1"', '{ digit: "1", next: bye }\n      - { digit: "2"'));
      expect(created.draft.nodes.map((n) => n.id)).toEqual(['main', 'bye']);
    });

    it('rejects text that is not YAML/JSON', async () => {
      await expect(flows.create('bad', 'nodes: [unclosed')).rejects.toBeInstanceOf(IvrFlowParseError);
      expect(() => parseIvrFlow('just a string')).toThrow(IvrFlowParseError);
    });

    it('rejects a goto into a flow that does not exist', async () => {
      const def: IvrFlowDefinition = { nodes: [{ id: 'g', type: 'goto', flow: 'no-such-flow' }] };
      const r = await flows.validateDefinition(def);
      expect(issue(r.errors, 'g', 'flow')?.message).toMatch(/does not exist/);
    });
  });
});
