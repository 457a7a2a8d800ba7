import { randomUUID } from 'node:crypto';
import { waitFor } from '@callplane/testing';
import { CallEntity, QueueCallbackEntity } from '@callplane/persistence';
import { AcdService } from './acd.service';
import { AcdHarness } from './testing/acd-test.harness';

/**
 * The waiting caller's experience (issue 7): announcements, overflow, leave key, callbacks, abandon
 * records — real driver ↔ simulator over sockets, real migrated SQLite, Nest app with CallsModule + AcdModule.
 */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${AcdService.name} waiting callers on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  const eventTypes = async (callId: string) => (await h.callEvents(callId)).map((e) => e.type);
  const eventOf = async (callId: string, type: string) => (await h.callEvents(callId)).find((e) => e.type === type)?.data as Record<string, unknown> | undefined;
  const requested = (text: string) => h.sim.requests().some((r) => JSON.stringify(r).includes(text));
  const callbacks = () => h.dataSource.getRepository(QueueCallbackEntity).find();
  /** On hold: in a holding bridge (Asterisk), or hearing MOH (FreeSWITCH: holding bridges are callplane's own, the member plays local_stream://moh). */
  const inHolding = (channelId: string) =>
    h.sim.bridges().some((b) => b.type === 'holding' && b.channelIds.includes(channelId)) || !!h.sim.channels().find((c) => c.id === channelId)?.playing?.startsWith('local_stream://');

  it('overflow after max wait: the caller enters the target queue afresh and is answered there', async () => {
    const target = await h.seedQueue({ did: '7101', endpoints: ['3101'] });
    const { queue } = await h.seedQueue({ did: '7100', endpoints: ['3100'], queue: { maxWaitS: 1, overflowTargetType: 'queue', overflowTargetId: target.queue.id, noAnswerPrompt: 'sound:vm-nobodyavail' } });
    h.sim.registerEndpoint('3101', { answerAfterMs: 100 });
    await h.agentStates.set(target.agents[0].id, 'available'); // nobody in the first queue

    const callerId = await h.sim.placeCall({ from: '5550100', to: '7100' });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered in the target queue', 10_000);
    await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.includes(callerId)), 'bridged with the target queue agent');
    h.sim.hangup(callerId, 16);
    const row = await h.ended(callerId);

    expect(row).toMatchObject({ disposition: 'ANSWERED', queueId: target.queue.id, agentId: target.agents[0].id, queuePosition: 1 });
    expect(row.queuedAt!.getTime()).toBeGreaterThanOrEqual(row.offeredAt.getTime() + 900); // entered the target afresh
    expect(requested('vm-nobodyavail')).toBe(false); // no hangup prompt: the caller went on
    const types = await eventTypes(row.id);
    expect(types.filter((t) => t === 'queue.entered')).toHaveLength(2);
    expect(types).toEqual(expect.arrayContaining(['queue.overflow', 'queue.offered', 'queue.connected', 'queue.completed']));
    expect(await eventOf(row.id, 'queue.overflow')).toMatchObject({ queueId: queue.id, reason: 'max-wait', targetType: 'queue', targetId: target.queue.id, position: 1 });
    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'nothing left on the PBX');
  });

  it('after a restart the waiting callers keep their place: order by the queue entry time (queuedAt), not the offer', async () => {
    const target = await h.seedQueue({ did: '7103', endpoints: ['3103'], queue: { maxWaitS: 60 } });
    await h.seedQueue({ did: '7102', endpoints: ['3102'], queue: { maxWaitS: 1, overflowTargetType: 'queue', overflowTargetId: target.queue.id } });
    h.sim.registerEndpoint('3103', { answerAfterMs: null });
    const early = await h.sim.placeCall({ from: '5550102', to: '7102' }); // offered first, enters the target queue last (overflow)
    await waitFor(() => inHolding(early), 'early caller on hold');
    const direct = await h.sim.placeCall({ from: '5550103', to: '7103' });
    const earlyRow = await waitFor(async () => {
      const r = await h.callRow(early);
      return r?.queueId === target.queue.id && r.queuedAt ? r : undefined;
    }, 'early caller overflowed into the target queue', 5000);
    const directRow = (await h.callRow(direct))!;
    expect(directRow.queuedAt!.getTime()).toBeLessThan(earlyRow.queuedAt!.getTime());
    expect(earlyRow.offeredAt.getTime()).toBeLessThan(directRow.offeredAt.getTime());

    await h.restart();
    await waitFor(async () => (await h.callEvents(directRow.id)).some((e) => e.type === 'adopted'), 'calls adopted');
    await h.agentStates.set(target.agents[0].id, 'available');
    await waitFor(() => h.eventsOf('agent.offered').length >= 1, 'an offer after the restart');
    expect(h.eventsOf('agent.offered')[0].callId).toBe(directRow.id);
    h.sim.hangup(early, 16);
    h.sim.hangup(direct, 16);
    await h.ended(early);
    await h.ended(direct);
  });

  it('leave key: the caller presses it while waiting and goes to the overflow target at once (voicemail box, VOICEMAIL)', async () => {
    await h.seedQueue({ did: '7110', endpoints: ['3110'], queue: { maxWaitS: 60, leaveKey: '1', overflowTargetType: 'voicemail', overflowTargetId: '4711' } });
    const callerId = await h.sim.placeCall({ from: '5550110', to: '7110' });
    await waitFor(() => inHolding(callerId), 'caller on hold');

    h.sim.sendDtmf(callerId, '1');
    // ARI continue / ESL uuid_transfer to extension 4711 of the voicemail context.
    await waitFor(() => requested('callplane-voicemail') && requested('4711'), 'sent to the voicemail extension');
    // Asterisk: the channel left Stasis (the call ends); FreeSWITCH: it runs the dialplan until the caller hangs up.
    if (h.sim.channels().some((c) => c.id === callerId)) h.sim.hangup(callerId, 16);
    const row = await h.ended(callerId);

    expect(row.disposition).toBe('VOICEMAIL');
    expect(await eventOf(row.id, 'queue.overflow')).toMatchObject({ reason: 'leave-key', targetType: 'voicemail', targetId: '4711', position: 1 });
  });

  it('a bad overflow target falls back to the no-answer prompt and a NO_ANSWER hangup', async () => {
    await h.seedQueue({ did: '7120', endpoints: ['3120'], queue: { maxWaitS: 1, overflowTargetType: 'queue', overflowTargetId: randomUUID(), noAnswerPrompt: 'sound:vm-nobodyavail' } });
    const callerId = await h.sim.placeCall({ from: '5550120', to: '7120' });
    const row = await h.ended(callerId);

    expect(row.disposition).toBe('NO_ANSWER');
    expect(requested('vm-nobodyavail')).toBe(true);
    expect(await eventOf(row.id, 'queue.overflow')).toMatchObject({ reason: 'max-wait', targetType: 'hangup', fallback: true });
  });

  it('periodic and position announcements are played to waiting callers, who return to the holding bridge (MOH) after each', async () => {
    await h.seedQueue({ did: '7130', endpoints: ['3130'], queue: { maxWaitS: 30, announceEveryS: 1, periodicPrompt: 'sound:queue-periodic-announce', announcePosition: true } });
    const first = await h.sim.placeCall({ from: '5550131', to: '7130' });
    await waitFor(() => inHolding(first), 'first caller on hold');
    const second = await h.sim.placeCall({ from: '5550132', to: '7130' });
    await waitFor(() => inHolding(second), 'second caller on hold');
    h.sim.clearRequests();

    await waitFor(() => requested('queue-youarenext') && requested('queue-thereare'), 'position announcements', 5000);
    expect(requested('queue-periodic-announce')).toBe(true);
    expect(requested('queue-callswaiting')).toBe(true);
    expect(requested('digits:2') || requested('digits/2.wav')).toBe(true); // caller number 2 (the first hears: you are next)
    // Back on hold (MOH) after the announcement, each of them.
    await waitFor(() => inHolding(first), 'first back in the holding bridge');
    await waitFor(() => inHolding(second), 'second back in the holding bridge');
    h.sim.hangup(first);
    h.sim.hangup(second);
    await h.ended(first);
    await h.ended(second);
    await waitFor(() => h.sim.bridges().length === 0, 'holding bridge gone');
  });

  it('announcements never talk over the greeting or each other: each starts announceEveryS after the previous prompt ended', async () => {
    await h.seedQueue({ did: '7135', endpoints: ['3135'], queue: { maxWaitS: 30, greetingPrompt: 'sound:queue-greeting', announceEveryS: 1, periodicPrompt: 'sound:queue-periodic-announce' } });
    const plays: number[] = [];
    const unsubscribe = h.sim.onRequest((r) => JSON.stringify(r).includes('queue-periodic-announce') && plays.push(Date.now()));
    try {
      const callerId = await h.sim.placeCall({ from: '5550135', to: '7135' });
      await waitFor(() => plays.length >= 2, 'two announcements', 8000);
      const finished = h.pbxEvents.filter((e) => e.type === 'playback.finished').map((e) => e.at.getTime());
      // finished[0]: the greeting; finished[1]: the first announcement.
      expect(finished.length).toBeGreaterThanOrEqual(2);
      expect(plays[0]).toBeGreaterThanOrEqual(finished[0] + 1000 - 50);
      expect(plays[1]).toBeGreaterThanOrEqual(finished[1] + 1000 - 50);
      h.sim.hangup(callerId, 16);
      await h.ended(callerId);
    } finally {
      unsubscribe();
    }
  });

  it('an agent answering mid-announcement cuts it short and is bridged with the caller', async () => {
    await h.close();
    h = await AcdHarness.start(pbx, 'sqlite', { soundDurationsMs: { 'long-announce': 8000 } });
    const { agents } = await h.seedQueue({ did: '7136', endpoints: ['3136'], queue: { maxWaitS: 30, announceEveryS: 1, periodicPrompt: 'sound:long-announce' } });
    h.sim.registerEndpoint('3136', { answerAfterMs: 100 });
    const callerId = await h.sim.placeCall({ from: '5550136', to: '7136' });
    await waitFor(() => h.sim.channels().find((c) => c.id === callerId)?.playing?.includes('long-announce'), 'announcement playing', 5000);
    h.sim.clearRequests();

    await h.agentStates.set(agents[0].id, 'available');
    await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.includes(callerId)), 'bridged with the agent', 5000);
    // The announcement was stopped (ARI DELETE /playbacks/{id}; ESL uuid_break), not left to run 8 s.
    expect(h.sim.requests().some((r) => (r.method === 'DELETE' && r.path.includes('/playbacks/')) || r.path.includes('uuid_break'))).toBe(true);
    expect(h.sim.channels().find((c) => c.id === callerId)?.playing ?? '').not.toContain('long-announce');
    h.sim.hangup(callerId, 16);
    expect((await h.ended(callerId)).disposition).toBe('ANSWERED');
  });

  it('wait-time announcement: from the handle time of the calls answered before (talk + wrap-up), in minutes', async () => {
    const { agents } = await h.seedQueue({ did: '7137', endpoints: ['3137'], queue: { maxWaitS: 30, wrapUpS: 1, ringTimeoutS: 10, announceEveryS: 1, announceWaitTime: true } });
    h.sim.registerEndpoint('3137', { answerAfterMs: 100 });
    await h.agentStates.set(agents[0].id, 'available');
    const first = await h.sim.placeCall({ from: '5550137', to: '7137' });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'first call answered');
    h.sim.hangup(first, 16);
    await h.ended(first);
    expect(requested('queue-holdtime')).toBe(false); // nothing known before the first call was handled

    h.sim.setBehaviour('3137', { answerAfterMs: null }); // the next caller waits, the agent's phone ringing
    const second = await h.sim.placeCall({ from: '5550138', to: '7137' });
    await waitFor(() => requested('queue-holdtime') && requested('queue-minutes'), 'estimated wait announced', 6000);
    expect(requested('digits:1') || requested('digits/1.wav')).toBe(true); // ~1.x s handle time → "1 minute" (rounded up, at least 1)
    h.sim.hangup(second, 16);
    await h.ended(second);
  });

  it('abandoned: recorded with the wait and the place the caller had', async () => {
    const { queue } = await h.seedQueue({ did: '7140', endpoints: ['3140'], queue: { maxWaitS: 30 } });
    const first = await h.sim.placeCall({ from: '5550141', to: '7140' });
    await waitFor(() => inHolding(first), 'first on hold');
    const second = await h.sim.placeCall({ from: '5550142', to: '7140' });
    await waitFor(() => inHolding(second), 'second on hold');

    h.sim.hangup(second, 16);
    const row = await h.ended(second);

    expect(row).toMatchObject({ disposition: 'ABANDONED', queueId: queue.id, queuePosition: 2, queuePriority: 0 });
    expect(row.queuedAt).toBeInstanceOf(Date);
    const abandoned = await eventOf(row.id, 'queue.abandoned');
    expect(abandoned).toMatchObject({ queueId: queue.id, position: 2 });
    expect(abandoned?.waitS).toBeGreaterThan(0);
    h.sim.hangup(first, 16);
    await h.ended(first);
  });

  it('callback: the caller keeps the place and hangs up; the agent is reserved first, then the caller is dialled and bridged', async () => {
    const { queue, agents } = await h.seedQueue({ did: '7150', endpoints: ['3150'], queue: { maxWaitS: 60, callbackKey: '2', wrapUpS: 1 } });
    h.sim.registerEndpoint('3150', { answerAfterMs: 100 });
    h.sim.registerEndpoint('5550150', { answerAfterMs: 300 }); // the caller's phone
    const callerId = await h.sim.placeCall({ from: '5550150', fromName: 'Carol', to: '7150' });
    await waitFor(() => inHolding(callerId), 'caller on hold');

    h.sim.sendDtmf(callerId, '2');
    const origin = await h.ended(callerId);
    expect(origin).toMatchObject({ disposition: 'NO_ANSWER', queuePosition: 1 });
    expect(requested('queue-thankyou')).toBe(true);
    expect(await eventOf(origin.id, 'queue.callback-requested')).toMatchObject({ queueId: queue.id, position: 1 });
    const [callback] = await callbacks();
    expect(callback).toMatchObject({ queueId: queue.id, originCallId: origin.id, number: '5550150', name: 'Carol', state: 'waiting', pbxNodeId: h.nodeId });
    expect(callback.queuedAt.getTime()).toBe(origin.queuedAt!.getTime());

    await h.agentStates.set(agents[0].id, 'available');
    const bridge = await waitFor(() => h.sim.bridges().find((b) => b.type === 'mixing' && b.channelIds.length === 2), 'agent and caller bridged', 10_000);
    const legs = h.sim.channels().filter((c) => bridge.channelIds.includes(c.id));
    expect(legs.map((c) => c.endpoint).sort()).toEqual(['3150', '5550150']);
    expect(h.sim.phoneDisplay('3150')?.number).toBe('5550150'); // the agent sees whom they call back
    expect(h.sim.phoneDisplay('5550150')).toMatchObject({ number: '7150', name: queue.name }); // the caller sees the queue
    await waitFor(async () => (await callbacks())[0].state === 'connected', 'callback connected');

    h.sim.hangup(legs.find((c) => c.endpoint === '5550150')!.id, 16);
    await waitFor(async () => (await callbacks())[0].state === 'completed', 'callback completed');
    const done = (await callbacks())[0];
    const row = await waitFor(async () => {
      const r = await h.dataSource.getRepository(CallEntity).findOneBy({ id: done.callbackCallId! });
      return r?.status === 'ended' ? r : undefined;
    }, 'callback call ended');
    expect(row).toMatchObject({ direction: 'outbound', disposition: 'ANSWERED', queueId: queue.id, agentId: agents[0].id, callerNumber: '5550150' });
    expect(row.queuedAt!.getTime()).toBe(origin.queuedAt!.getTime());
    expect(done.attempts).toBe(1);
    expect(await eventTypes(row.id)).toEqual(expect.arrayContaining(['queue.entered', 'queue.offered', 'queue.connected', 'queue.completed', 'ended']));
    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'nothing left on the PBX');
    await waitFor(() => h.agentStates.peek(agents[0].id)?.state === 'available', 'agent available after wrap-up', 5000);
  });

  it('callback race: the caller hangs up while being dialled → the agent is freed without wrap-up, nothing is left, the callback waits to retry', async () => {
    const { agents } = await h.seedQueue({ did: '7160', endpoints: ['3160'], queue: { maxWaitS: 60, callbackKey: '2', wrapUpS: 30 } });
    h.sim.registerEndpoint('3160', { answerAfterMs: 100 });
    h.sim.registerEndpoint('5550160', { answerAfterMs: null }); // rings until hung up
    const callerId = await h.sim.placeCall({ from: '5550160', to: '7160' });
    await waitFor(() => inHolding(callerId), 'caller on hold');
    h.sim.sendDtmf(callerId, '2');
    await h.ended(callerId);

    await h.agentStates.set(agents[0].id, 'available');
    const ringing = await waitFor(() => h.sim.channels().find((c) => c.endpoint === '5550160'), 'the caller is being dialled', 10_000);
    expect(h.agentStates.peek(agents[0].id)?.state).toBe('on-call'); // reserved: the agent answered first
    h.sim.hangup(ringing.id, 16);

    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'no channels or bridges left');
    await waitFor(() => h.agentStates.peek(agents[0].id)?.state === 'available', 'agent available at once (no 30 s wrap-up)');
    const cb = await waitFor(async () => {
      const [c] = await callbacks();
      return c.state === 'waiting' && c.attempts === 1 ? c : undefined;
    }, 'callback waiting for its retry');
    const row = await waitFor(async () => {
      const r = await h.dataSource.getRepository(CallEntity).findOneBy({ id: cb.callbackCallId! });
      return r?.status === 'ended' ? r : undefined;
    }, 'attempt ended');
    expect(row.disposition).toBe('NO_ANSWER');
  });

  it('callback: the agent hangs up while the caller is being dialled → the dial is cancelled, the callback waits to retry', async () => {
    const { agents } = await h.seedQueue({ did: '7165', endpoints: ['3165'], queue: { maxWaitS: 60, callbackKey: '2', wrapUpS: 30 } });
    h.sim.registerEndpoint('3165', { answerAfterMs: 100 });
    h.sim.registerEndpoint('5550165', { answerAfterMs: null });
    const callerId = await h.sim.placeCall({ from: '5550165', to: '7165' });
    await waitFor(() => inHolding(callerId), 'caller on hold');
    h.sim.sendDtmf(callerId, '2');
    await h.ended(callerId);

    await h.agentStates.set(agents[0].id, 'available');
    await waitFor(() => h.sim.channels().some((c) => c.endpoint === '5550165'), 'the caller is being dialled', 10_000);
    h.sim.hangup(h.sim.channels().find((c) => c.endpoint === '3165')!.id, 16);

    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'the ringing caller leg is hung up too');
    await waitFor(() => h.agentStates.peek(agents[0].id)?.state === 'available', 'agent available at once');
    await waitFor(async () => {
      const [c] = await callbacks();
      return c.state === 'waiting' && c.attempts === 1;
    }, 'callback waiting for its retry');
  });

  it('callbacks survive a restart: a waiting one is queued again when the node connects and served', async () => {
    const { agents } = await h.seedQueue({ did: '7170', endpoints: ['3170'], queue: { maxWaitS: 60, callbackKey: '2' } });
    h.sim.registerEndpoint('3170', { answerAfterMs: 100 });
    h.sim.registerEndpoint('5550170', { answerAfterMs: 100 });
    const callerId = await h.sim.placeCall({ from: '5550170', to: '7170' });
    await waitFor(() => inHolding(callerId), 'caller on hold');
    h.sim.sendDtmf(callerId, '2');
    await h.ended(callerId);
    await waitFor(async () => (await callbacks()).length === 1, 'callback recorded');

    await h.restart();
    await h.agentStates.set(agents[0].id, 'available');
    await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.length === 2), 'agent and caller bridged after the restart', 10_000);
    await waitFor(async () => (await callbacks())[0].state === 'connected', 'callback connected');
  });
});
