import { waitFor, sleep } from '@callplane/testing';
import { InboundRouteEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { RingRounds } from './ring-rounds';
import { AcdHarness } from './testing/acd-test.harness';

/**
 * Races of the offer engine on both PBX types (pbx-sim over real sockets, real SQLite): two
 * queues wanting one agent, an answer crossing the caller's hangup, an agent leaving while its
 * phone rings, a control-plane restart with callers waiting.
 */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${RingRounds.name} races on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  const rounds = () => h.app.get(RingRounds);
  const legsTo = (endpoint: string) => h.sim.channels().filter((c) => c.direction === 'outbound' && c.endpoint === endpoint);
  const statesOf = (agentId: string) => h.eventsOf('agent.state').filter((s) => s.agentId === agentId).map((s) => s.state);

  /** Another queue with the same agents as members, routed from `did`. */
  async function alsoMemberOf(did: string, agentIds: string[], queue: Partial<QueueEntity> = {}): Promise<QueueEntity> {
    const ds = h.dataSource;
    const q = await ds.getRepository(QueueEntity).save(ds.getRepository(QueueEntity).create({ name: `q2-${did}`, strategy: 'ring-all', ringTimeoutS: 5, maxWaitS: 30, wrapUpS: 0, mohClass: 'default', ...queue }));
    for (const agentId of agentIds) await ds.getRepository(QueueMemberEntity).insert({ queueId: q.id, agentId });
    await ds.getRepository(InboundRouteEntity).insert({ did, pbxNodeId: null, targetType: 'queue', targetId: q.id });
    return q;
  }

  it('two queues offering the same agent at once: one offer wins, one leg ever rings the agent', async () => {
    const { agents } = await h.seedQueue({ did: '7100', endpoints: ['1101'], queue: { wrapUpS: 0 } });
    const [agent] = agents;
    await alsoMemberOf('7101', [agent.id]);
    h.sim.registerEndpoint('1101', { answerAfterMs: 300 });
    let maxLegs = 0;
    const unwatch = h.sim.onRequest(() => (maxLegs = Math.max(maxLegs, legsTo('1101').length)));

    // Both callers wait first, so the agent becoming available dispatches both queues in the same tick.
    const callers = await Promise.all([h.sim.placeCall({ from: '5551001', to: '7100' }), h.sim.placeCall({ from: '5551002', to: '7101' })]);
    for (const c of callers) await waitFor(async () => (await h.callRow(c))?.queueId, 'queued');
    await waitFor(() => h.eventsOf('call.routed').length === 2, 'both routed');
    await sleep(300); // both greetings done: both entries wait
    await h.agentStates.set(agent.id, 'available');

    await waitFor(() => h.eventsOf('call.answered').length === 1, 'one call answered');
    expect(h.eventsOf('agent.offered').filter((o) => o.agentId === agent.id)).toHaveLength(1);
    expect(legsTo('1101')).toHaveLength(1);
    const first = h.eventsOf('call.answered')[0].callId;
    const rows = await Promise.all(callers.map((c) => h.callRow(c)));
    const winner = callers[rows.findIndex((r) => r?.id === first)];
    const other = callers.find((c) => c !== winner)!;

    // The other queue's caller is offered only once the agent is free again.
    h.sim.hangup(winner, 16);
    await waitFor(() => h.eventsOf('call.answered').length === 2, 'the other call answered after the first ended', 10_000);
    unwatch();
    expect(maxLegs).toBe(1);
    const states = statesOf(agent.id);
    for (let i = 1; i < states.length; i++) expect([states[i - 1], states[i]]).not.toEqual(['ringing', 'ringing']);
    expect(states.filter((s) => s === 'ringing')).toHaveLength(2);
    h.sim.hangup(other, 16);
    await h.ended(other);
    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'PBX empty');
  });

  it.each(['answer first', 'hangup first'] as const)('the agent answers just as the caller abandons (%s): no leaked channel or bridge, consistent record, agent free', async (order) => {
    const { agents } = await h.seedQueue({ did: '7110', endpoints: ['1111'], queue: { wrapUpS: 1 } });
    const [agent] = agents;
    h.sim.registerEndpoint('1111', { answerAfterMs: null });
    await h.agentStates.set(agent.id, 'available');

    const caller = await h.sim.placeCall({ from: '5551110', to: '7110' });
    const leg = await waitFor(() => legsTo('1111').find((c) => c.state === 'Ringing'), 'agent ringing');
    if (order === 'answer first') {
      h.sim.answer(leg.id);
      h.sim.hangup(caller, 16);
    } else {
      h.sim.hangup(caller, 16);
      h.sim.answer(leg.id);
    }

    const row = await h.ended(caller);
    await waitFor(() => h.sim.channels().length === 0, 'no channel left');
    await waitFor(() => h.sim.bridges().length === 0, 'no bridge left');
    // Either the answer was seen first (ANSWERED, the agent wraps up) or the hangup (ABANDONED, no agent).
    if (row.disposition === 'ANSWERED') expect(row.agentId).toBe(agent.id);
    else expect(row).toMatchObject({ disposition: 'ABANDONED', agentId: null, answeredAt: null });
    await waitFor(() => ['wrap-up', 'available'].includes(h.agentStates.peek(agent.id)!.state), 'agent not left ringing/on-call');
    await waitFor(() => h.agentStates.peek(agent.id)?.state === 'available', 'agent available after wrap-up', 5_000);
    await waitFor(async () => (await h.legs(row.id)).every((l) => l.endedAt), 'every leg ended in the records');
  });

  it('an agent who goes away while ringing has its leg hung up; the other agent’s leg keeps ringing and wins', async () => {
    const { agents } = await h.seedQueue({ did: '7120', endpoints: ['1121', '1122'], queue: { ringTimeoutS: 20 } });
    const [leaving, staying] = agents;
    h.sim.registerEndpoint('1121', { answerAfterMs: null });
    h.sim.registerEndpoint('1122', { answerAfterMs: null });
    for (const a of agents) await h.agentStates.set(a.id, 'available');

    const caller = await h.sim.placeCall({ from: '5551120', to: '7120' });
    await waitFor(() => legsTo('1121').length === 1 && legsTo('1122').length === 1, 'both agents ringing');
    const stayingLeg = legsTo('1122')[0];
    await h.agentStates.set(leaving.id, 'away');

    await waitFor(() => legsTo('1121').length === 0, 'the leaving agent’s leg hung up');
    expect(h.agentStates.peek(leaving.id)?.state).toBe('away');
    expect(legsTo('1122').map((c) => c.id)).toEqual([stayingLeg.id]);
    expect(h.agentStates.peek(staying.id)?.state).toBe('ringing');
    await sleep(300);
    expect(h.agentStates.peek(leaving.id)?.state).toBe('away'); // not made available by its leg's end
    expect(h.eventsOf('agent.offered').filter((o) => o.agentId === leaving.id)).toHaveLength(1);

    h.sim.answer(stayingLeg.id);
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered');
    expect(h.eventsOf('call.answered')[0].agentId).toBe(staying.id);
    h.sim.hangup(caller, 16);
    expect(await h.ended(caller)).toMatchObject({ disposition: 'ANSWERED', agentId: staying.id });
  });

  it('a call whose only ringing agent goes away is re-offered to an agent who becomes available', async () => {
    const { agents } = await h.seedQueue({ did: '7130', endpoints: ['1131', '1132'], queue: { ringTimeoutS: 20 } });
    const [leaving, later] = agents;
    h.sim.registerEndpoint('1131', { answerAfterMs: null });
    h.sim.registerEndpoint('1132', { answerAfterMs: 200 });
    await h.agentStates.set(leaving.id, 'available');

    const caller = await h.sim.placeCall({ from: '5551130', to: '7130' });
    await waitFor(() => legsTo('1131').length === 1, 'agent ringing');
    await h.agentStates.set(leaving.id, 'away');
    await waitFor(() => legsTo('1131').length === 0, 'its leg hung up');
    expect((await h.callRow(caller))?.status).toBe('active');

    await h.agentStates.set(later.id, 'available');
    await waitFor(() => h.eventsOf('call.answered').length === 1, 're-offered and answered');
    expect(h.eventsOf('call.answered')[0].agentId).toBe(later.id);
    h.sim.hangup(caller, 16);
    expect(await h.ended(caller)).toMatchObject({ disposition: 'ANSWERED', agentId: later.id });
  });

  it('restart with callers waiting and agents in wrap-up / ringing: every caller still queued in service order, no agent stuck ringing', async () => {
    const { queue, agents } = await h.seedQueue({ did: '7140', endpoints: ['1141', '1142'], queue: { wrapUpS: 60, ringTimeoutS: 30, vipNumbers: ['5559999'], vipPriority: 10 } });
    const [wrapping, ringing] = agents;
    h.sim.registerEndpoint('1141', { answerAfterMs: 100 });
    h.sim.registerEndpoint('1142', { answerAfterMs: null });

    // 1141 takes a call and hangs up: in wrap-up for 60 s.
    await h.agentStates.set(wrapping.id, 'available');
    const served = await h.sim.placeCall({ from: '5551140', to: '7140' });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'first call answered');
    h.sim.hangup(served, 16);
    await h.ended(served);
    await waitFor(() => h.agentStates.peek(wrapping.id)?.state === 'wrap-up', 'wrap-up');

    // Three callers wait: a regular one, a VIP who came later, another regular one; 1142 rings for the VIP.
    const early = await h.sim.placeCall({ from: '5551141', to: '7140' });
    await waitFor(async () => (await h.callRow(early))?.queueId, 'early queued');
    await sleep(20);
    const vip = await h.sim.placeCall({ from: '5559999', to: '7140' });
    await waitFor(async () => (await h.callRow(vip))?.queueId, 'vip queued');
    await sleep(20);
    const late = await h.sim.placeCall({ from: '5551142', to: '7140' });
    await waitFor(async () => (await h.callRow(late))?.queueId, 'late queued');
    await sleep(300);
    const callIds = async (channels: string[]) => Promise.all(channels.map(async (c) => (await h.callRow(c))!.id));
    const expected = await callIds([vip, early, late]);
    expect(rounds().entriesOf(queue.id).map((e) => e.call.id)).toEqual(expected);
    await h.agentStates.set(ringing.id, 'available');
    await waitFor(() => legsTo('1142').length === 1, '1142 ringing');
    expect(h.eventsOf('agent.offered').at(-1)?.callId).toBe(expected[0]);
    h.sim.setBehaviour('1141', { answerAfterMs: null }); // from now on nobody answers by themselves
    await h.agentStates.flush();

    await h.restart();
    await waitFor(() => rounds().entriesOf(queue.id).length === 3, 'three callers adopted', 10_000);
    expect(rounds().entriesOf(queue.id).map((e) => e.call.id)).toEqual(expected);
    await sleep(500);
    // No agent left `ringing` without the one leg that rings it now.
    for (const a of agents) {
      const state = (await h.agentStates.get(a.id)).state;
      if (state === 'ringing') expect(legsTo(a.endpoint)).toHaveLength(1);
      else expect(state).not.toBe('on-call');
    }
    // Adopted calls dispatch one by one as the resync hands them over, so the first offers after a restart may
    // go in adoption order. Once everyone is adopted, the next free agent rings for the VIP.
    for (const a of agents) await h.agentStates.set(a.id, 'away');
    await waitFor(() => !h.sim.channels().some((c) => c.direction === 'outbound'), 'agent legs hung up');
    h.sim.setBehaviour('1142', { answerAfterMs: 100 });
    await h.agentStates.set(ringing.id, 'available');
    await waitFor(() => h.eventsOf('call.answered').length >= 1, 'answered after restart', 10_000);
    expect(h.eventsOf('call.answered')[0].callId).toBe(expected[0]);
    for (const c of [vip, early, late]) h.sim.hangup(c, 16);
    for (const c of [vip, early, late]) await h.ended(c);
    await waitFor(() => h.sim.channels().length === 0, 'PBX empty');
  });
});
