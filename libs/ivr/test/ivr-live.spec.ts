import type { PbxType } from '@callplane/pbx';
import { waitFor } from '@callplane/testing';
import { openTestDataSource, TestDataSource } from '@callplane/persistence/testing';
import { TypeOrmIvrFlowStore } from '../src/flow/typeorm-ivr-flow.store';
import { IvrService } from '../src/ivr.service';
import { twoLevelMenuFlow } from '../src/ivr-test-kit';
import { startLiveIvr } from './live-ivr.harness';

const QUEUES = { sales: 'queue-sales', hardware: 'queue-hw', software: 'queue-sw' };

describe.each<PbxType>(['asterisk', 'freeswitch'])(`${IvrService.name} on a live %s call (driver + simulator)`, (pbx) => {
  let db: TestDataSource;
  let h: Awaited<ReturnType<typeof startLiveIvr>>;

  beforeEach(async () => {
    db = await openTestDataSource('sqlite');
    h = await startLiveIvr(pbx, new TypeOrmIvrFlowStore(db.dataSource));
  });

  afterEach(async () => {
    await h?.close();
    await db?.close();
  });

  it('walks the two-level menu: barge-in, one invalid digit, one timeout, the right queue', async () => {
    const flow = await h.kit.flows.create('two-level', twoLevelMenuFlow(QUEUES, 600));
    const version = await h.kit.flows.publish(flow.id);
    const call = await h.placeCall();
    const run = h.sut.start(call, version);

    await h.waitForRequest('main-menu');
    h.sim.sendDtmf(call.channelId, '9'); // invalid, during the 30 s prompt → barge-in
    await waitFor(() => h.stopRequests().length === 1, 'stop request after the first digit');
    await h.waitForRequest('main-menu', 2); // invalid prompt + menu again
    h.sim.sendDtmf(call.channelId, '2');
    await waitFor(() => h.stopRequests().length === 2, 'stop request after the second digit');
    await h.waitForRequest('support-menu');
    // Silence: the 300 ms prompt ends, the 600 ms timeout passes, the no-input prompt and the menu replay.
    await h.waitForRequest('no-input');
    await h.waitForRequest('support-menu', 2);
    h.sim.sendDtmf(call.channelId, '1');

    const result = await run;
    expect(result.reason).toBe('queued');
    expect(h.queues.handed).toEqual([{ callId: call.id, target: { type: 'queue', id: 'queue-hw', priority: 5 } }]);
    expect(h.callLog.started).toEqual([{ callId: call.id, flowId: flow.id, version: 1 }]);
    expect(h.callLog.steps.map((s) => [s.nodeId, s.type, s.digits, s.result])).toEqual([
      ['main', 'menu', '92', 'digit-2 (after invalid-9)'],
      ['support', 'menu', '1', 'digit-1 (after timeout)'],
      ['hardware', 'queue', '', 'queue-queue-hw'],
    ]);
    // The digit that chose "support" was followed by the support prompt: its latency is recorded there.
    expect(h.callLog.steps[1].dtmfToPromptMs).toEqual(expect.any(Number));
    expect(h.callLog.steps.every((s) => s.ms >= 0 && s.flowVersion === 1)).toBe(true);
  });

  it('collects digits through DTMF events into a variable (gather with terminator)', async () => {
    const flow = await h.kit.flows.create('pin', {
      nodes: [
        { id: 'pin', type: 'gather', variable: 'pin', prompts: ['sound:main-menu'], max: 8, interDigitTimeoutMs: 2000, timeoutMs: 2000, next: 'bye' },
        { id: 'bye', type: 'hangup', cause: 16 },
      ],
    });
    const call = await h.placeCall();
    const run = h.sut.start(call, await h.kit.flows.publish(flow.id));
    await h.waitForRequest('main-menu');
    for (const d of '4711#') h.sim.sendDtmf(call.channelId, d);
    const result = await run;
    expect(call.variables.pin).toBe('4711');
    expect(h.callLog.steps[0]).toMatchObject({ nodeId: 'pin', digits: '4711', result: 'collected-terminator' });
    expect(result).toMatchObject({ reason: 'hangup', nodeId: 'bye' });
    await waitFor(() => !h.sim.channels().some((c) => c.id === call.channelId), 'caller hung up by the flow');
  });

  it('takes the error branch when a prompt is missing on the PBX', async () => {
    const flow = await h.kit.flows.create('missing', {
      nodes: [
        { id: 'greet', type: 'play', prompts: ['sound:no-such-prompt'], next: 'queue', onError: 'fallback' },
        { id: 'queue', type: 'queue', queue: QUEUES.sales },
        { id: 'fallback', type: 'play', prompts: ['sound:goodbye'], next: 'bye' },
        { id: 'bye', type: 'hangup', cause: 41 },
      ],
    });
    const call = await h.placeCall();
    const result = await h.sut.start(call, await h.kit.flows.publish(flow.id));
    expect(h.callLog.steps.map((s) => [s.nodeId, s.result])).toEqual([['greet', 'prompt-not-found'], ['fallback', 'played'], ['bye', 'cause-41']]);
    expect(result.reason).toBe('hangup');
    expect(h.queues.handed).toEqual([]);
    // The flow's own hangup node ended the call.
    expect(h.callLog.outcomes).toEqual([{ callId: call.id, disposition: 'IVR_COMPLETED' }]);
  });

  it('hangs up with Q.850 41 and marks the call FAILED when a node fails without onError', async () => {
    const flow = await h.kit.flows.create('no-error-branch', { nodes: [{ id: 'greet', type: 'play', prompts: ['sound:no-such-prompt'], next: 'q' }, { id: 'q', type: 'queue', queue: 'x' }] });
    const call = await h.placeCall();
    const result = await h.sut.start(call, await h.kit.flows.publish(flow.id));
    expect(result).toMatchObject({ reason: 'error', nodeId: 'greet', result: 'prompt-not-found' });
    expect(h.callLog.outcomes).toEqual([{ callId: call.id, disposition: 'FAILED' }]);
    await waitFor(() => !h.sim.channels().some((c) => c.id === call.channelId), 'caller hung up');
    const hangups = h.sim.requests().filter((r) => r.path.includes(call.channelId) && ((r.protocol === 'ari' && r.method === 'DELETE') || /uuid_kill/.test(r.path)));
    expect(hangups.map((r) => (r.protocol === 'ari' ? r.params.reason_code : r.path.split(' ').at(-1)))).toEqual([pbx === 'asterisk' ? '41' : 'NORMAL_TEMPORARY_FAILURE']);
  });

  it('keeps a running call on v1 after v2 is published; the next call runs v2', async () => {
    const v1def = { nodes: [{ id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 5000, options: [{ digit: '1', next: 'q' }] }, { id: 'q', type: 'queue', queue: 'queue-v1' }] };
    const flow = await h.kit.flows.create('versioned', v1def);
    await h.kit.flows.publish(flow.id);
    const first = await h.placeCall();
    await h.sut.handle(first, { type: 'ivr', id: flow.id });
    await h.waitForRequest('main-menu');

    await h.kit.flows.update(flow.id, { definition: { nodes: [v1def.nodes[0], { id: 'q', type: 'queue', queue: 'queue-v2' }] } });
    expect((await h.kit.flows.publish(flow.id)).version).toBe(2);
    h.sim.sendDtmf(first.channelId, '1');
    expect((await h.sut.running(first.id))?.reason).toBe('queued');

    const second = await h.placeCall('5559999');
    await h.sut.handle(second, { type: 'ivr', id: flow.id });
    await h.waitForRequest('main-menu', 2);
    h.sim.sendDtmf(second.channelId, '1');
    await h.sut.running(second.id);

    expect(h.queues.handed.map((x) => [x.callId, x.target.id])).toEqual([[first.id, 'queue-v1'], [second.id, 'queue-v2']]);
    expect(h.callLog.started.map((s) => s.version)).toEqual([1, 2]);
  });

  it('stops the flow when the caller hangs up mid-menu', async () => {
    const flow = await h.kit.flows.create('hangup', twoLevelMenuFlow(QUEUES, 5000));
    const call = await h.placeCall();
    const run = h.sut.start(call, await h.kit.flows.publish(flow.id));
    await h.waitForRequest('main-menu');
    h.sim.hangup(call.channelId, 16);
    const result = await run;
    expect(result).toMatchObject({ reason: 'caller-hangup', nodeId: 'main' });
    expect(h.sut.activeCalls).toBe(0);
    expect(h.queues.handed).toEqual([]);
  });

  it('transfers the caller to an extension (blind, through driver.redirect)', async () => {
    const flow = await h.kit.flows.create('transfer', { nodes: [{ id: 'to-reception', type: 'transfer', extension: '{{target}}', context: 'from-internal' }] });
    const call = await h.placeCall();
    call.variables.target = '1009';
    const result = await h.sut.start(call, await h.kit.flows.publish(flow.id));
    expect(result).toMatchObject({ reason: 'transferred', result: 'transfer-1009' });
    expect(h.callLog.outcomes).toEqual([{ callId: call.id, disposition: 'TRANSFERRED' }]);
    expect(h.requestsWith('1009').length).toBeGreaterThan(0);
  });

  it('records a voicemail into the mailbox and ends when the caller hangs up', async () => {
    const flow = await h.kit.flows.create('voicemail', { nodes: [{ id: 'vm', type: 'voicemail', mailbox: 'sales', greeting: ['sound:welcome'], maxDurationS: 30 }] });
    const call = await h.placeCall();
    const run = h.sut.start(call, await h.kit.flows.publish(flow.id));
    await h.waitForRequest(`vm-sales-${call.id}`);
    h.sim.hangup(call.channelId, 16);
    const result = await run;
    expect(result).toMatchObject({ reason: 'voicemail', result: 'mailbox-sales' });
    expect(h.callLog.outcomes).toEqual([{ callId: call.id, disposition: 'VOICEMAIL' }]);
    expect(h.requestsWith('welcome').length).toBe(1);
  });

  it('adopts a call after a control-plane restart: the flow restarts on the version the call was on', async () => {
    const def = (queue: string) => ({ nodes: [{ id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 5000, options: [{ digit: '1', next: 'q' }] }, { id: 'q', type: 'queue', queue }] });
    const flow = await h.kit.flows.create('adopted', def('queue-v1'));
    await h.kit.flows.publish(flow.id);
    const call = await h.placeCall();
    await h.sut.handle(call, { type: 'ivr', id: flow.id });
    await h.waitForRequest('main-menu');
    await h.kit.flows.update(flow.id, { definition: def('queue-v2') });
    await h.kit.flows.publish(flow.id);

    h.sut.onModuleDestroy(); // the old process is gone; a new IvrService takes the call back
    const restarted = new IvrService(h.drivers, h.kit.flows, h.kit.interpreter, h.callLog, h.targets, h.latency);
    restarted.onModuleInit();
    await restarted.adopt({ ...call, variables: {} }, { type: 'ivr', id: flow.id }, { kind: 'waiting' });
    await h.waitForRequest('main-menu', 2);
    h.sim.sendDtmf(call.channelId, '1');
    expect((await restarted.running(call.id))?.reason).toBe('queued');
    expect(h.queues.handed.map((x) => x.target.id)).toEqual(['queue-v1']);
    restarted.onModuleDestroy();
  });
});
