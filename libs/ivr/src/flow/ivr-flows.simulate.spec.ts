import { IvrFlowsService } from './ivr-flows.service';
import { ivrTestKit, twoLevelMenuFlow } from '../ivr-test-kit';

const QUEUES = { sales: 'queue-sales', hardware: 'queue-hw', software: 'queue-sw' };

describe(`${IvrFlowsService.name} simulate`, () => {
  let sut: IvrFlowsService;
  let flowId: string;

  beforeEach(async () => {
    sut = ivrTestKit().flows;
    flowId = (await sut.create('main', twoLevelMenuFlow(QUEUES))).id;
  });

  it('walks a two-level menu with one invalid digit and one timeout to the right queue', async () => {
    const r = await sut.simulate(flowId, { digits: ['9', '2', '', '1'] });
    expect(r.path).toEqual([
      { nodeId: 'main', type: 'menu', result: 'digit-2 (after invalid-9)', digits: '92' },
      { nodeId: 'support', type: 'menu', result: 'digit-1 (after timeout)', digits: '1' },
      { nodeId: 'hardware', type: 'queue', result: 'queue-queue-hw', digits: '' },
    ]);
    expect(r.ended).toEqual({ reason: 'queued', nodeId: 'hardware', result: 'queue-queue-hw' });
    expect(r.actions.filter((a) => a.action === 'hand-off')).toEqual([{ action: 'hand-off', nodeId: 'hardware', target: { type: 'queue', id: 'queue-hw', priority: 5 } }]);
    // The invalid digit replays the menu after the invalid prompt; the timeout after the no-input prompt.
    const plays = r.actions.filter((a) => a.action === 'play').map((a) => (a.action === 'play' ? a.prompts : []));
    expect(plays).toEqual([['sound:main-menu'], ['sound:invalid', 'sound:main-menu'], ['sound:support-menu'], ['sound:no-input', 'sound:support-menu']]);
  });

  it('treats a digit string as type-ahead (barge-in through both menus)', async () => {
    const r = await sut.simulate(flowId, { digits: '22' });
    expect(r.path.map((s) => s.nodeId)).toEqual(['main', 'support', 'software']);
    expect(r.actions.filter((a) => a.action === 'play').map((a) => a.action === 'play' && a.bargedIn)).toEqual([true, true]);
  });

  it('hangs up via the default branch when retries run out', async () => {
    const r = await sut.simulate(flowId, { digits: [] });
    expect(r.path[0]).toEqual({ nodeId: 'main', type: 'menu', result: 'retries-exhausted (after timeout, timeout, timeout)', digits: '' });
    expect(r.ended.reason).toBe('hangup');
    expect(r.actions.at(-1)).toEqual({ action: 'hangup', nodeId: 'goodbye', cause: 16 });
  });

  it('goes back from the sub-menu with 0', async () => {
    const r = await sut.simulate(flowId, { digits: ['2', '0', '1'] });
    expect(r.path.map((s) => s.nodeId)).toEqual(['main', 'support', 'main', 'sales']);
  });

  it('stops an endless goto loop at the step limit', async () => {
    const kit = ivrTestKit({ options: { maxSteps: 25 } });
    // A menu whose every option loops back is a valid flow (the retries can end it) but a caller can keep it going.
    const loop = await kit.flows.create('loop', { nodes: [{ id: 'm', type: 'menu', prompts: ['sound:x'], options: [{ digit: '1', next: 'g' }] }, { id: 'g', type: 'goto', node: 'm' }] });
    const r = await kit.flows.simulate(loop.id, { digits: '1'.repeat(100) });
    expect(r.ended.reason).toBe('max-steps');
    expect(r.path).toHaveLength(25);
    expect(r.actions.at(-1)).toMatchObject({ action: 'hangup' });
  });

  it('gathers digits into a variable, templating it with set', async () => {
    const kit = ivrTestKit();
    const f = await kit.flows.create('pin', {
      nodes: [
        { id: 'pin', type: 'gather', variable: 'pin', prompts: ['sound:enter-pin'], max: 6, pattern: '^\\d{4}$', maxRetries: 1, invalidPrompts: ['sound:invalid'], next: 'tag', onFailure: 'bye' },
        { id: 'tag', type: 'set', variables: { account: '{{callerNumber}}-{{pin}}' }, next: 'bye' },
        { id: 'bye', type: 'hangup' },
      ],
    });
    const ok = await kit.flows.simulate(f.id, { digits: ['12#', '1234#'], callerNumber: '5551234' });
    expect(ok.path.map((s) => [s.nodeId, s.result])).toEqual([['pin', 'collected-terminator'], ['tag', 'set-1'], ['bye', 'cause-16']]);
    expect(ok.variables).toMatchObject({ pin: '1234', account: '5551234-1234' });
    const failed = await kit.flows.simulate(f.id, { digits: ['12', ''] });
    expect(failed.path.map((s) => [s.nodeId, s.result])).toEqual([['pin', 'timeout'], ['bye', 'cause-16']]);
  });

  it("continues in another flow's published version through goto", async () => {
    const kit = ivrTestKit();
    const target = await kit.flows.create('after-hours', { nodes: [{ id: 'closed', type: 'play', prompts: ['sound:closed'], next: 'vm' }, { id: 'vm', type: 'voicemail', mailbox: 'general' }] });
    const entry = await kit.flows.create('entry', {
      nodes: [
        { id: 'hours', type: 'branch', timeZone: 'Europe/Berlin', calendar: { weekly: { mon: ['09:00-17:00'] } }, conditions: [{ when: { businessHours: true }, next: 'q' }], default: 'away' },
        { id: 'q', type: 'queue', queue: 'open-queue' },
        { id: 'away', type: 'goto', flow: target.id },
      ],
    });
    await expect(kit.flows.simulate(entry.id, { at: new Date('2026-11-23T20:00:00Z') })).resolves.toMatchObject({ ended: { reason: 'error' } }); // not published yet
    await kit.flows.publish(target.id);
    const r = await kit.flows.simulate(entry.id, { at: new Date('2026-11-23T20:00:00Z') });
    expect(r.path.map((s) => `${s.nodeId}:${s.result}`)).toEqual(['hours:default', `away:flow-${target.id}`, 'closed:played', 'vm:mailbox-general']);
    expect(r.actions.filter((a) => a.action === 'record')).toEqual([{ action: 'record', nodeId: 'vm', name: 'vm-general-simulation', maxDurationS: 120 }]);
    const open = await kit.flows.simulate(entry.id, { at: new Date('2026-11-23T10:00:00Z') });
    expect(open.ended).toMatchObject({ reason: 'queued', nodeId: 'q' });
  });
});
