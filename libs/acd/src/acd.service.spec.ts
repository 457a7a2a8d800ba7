import { waitFor } from '@callplane/testing';
import { AcdService } from './acd.service';
import { AcdHarness } from './testing/acd-test.harness';

/**
 * The ACD flow end to end below the HTTP edge: real driver ↔ real simulator over sockets, real
 * migrated SQLite, Nest app with CallsModule + AcdModule.
 */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${AcdService.name} on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  it('ring-all: rings every available agent, the first to answer wins, the other leg is hung up', async () => {
    const { queue, agents } = await h.seedQueue({ did: '7000', endpoints: ['1001', '1002'], queue: { greetingPrompt: 'sound:queue-greeting', wrapUpS: 1 } });
    const [first, second] = agents;
    h.sim.registerEndpoint('1001', { answerAfterMs: 400 });
    h.sim.registerEndpoint('1002', { answerAfterMs: null });
    await h.agentStates.set(first.id, 'available');
    await h.agentStates.set(second.id, 'available');

    const callerId = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7000' });

    await waitFor(() => h.eventsOf('call.answered').length === 1, 'call answered');
    const offered = h.eventsOf('agent.offered');
    expect(offered.map((o) => o.agentId).sort()).toEqual([first.id, second.id].sort());
    expect(offered[0]).toMatchObject({ callerNumber: '5551234', callerName: 'Alice', queueId: queue.id, queueName: queue.name });
    expect(h.eventsOf('call.answered')[0].agentId).toBe(first.id);

    // The winner shares a mixing bridge with the caller; the loser's leg is gone.
    const bridge = await waitFor(() => h.sim.bridges().find((b) => b.type === 'mixing' && b.channelIds.includes(callerId) && b.channelIds.length === 2), 'mixing bridge');
    const agentLeg = h.sim.channels().find((c) => c.id !== callerId && bridge.channelIds.includes(c.id));
    expect(agentLeg?.endpoint).toBe('1001');
    await waitFor(() => !h.sim.channels().some((c) => c.endpoint === '1002'), 'losing leg hung up');
    await waitFor(() => !h.sim.bridges().some((b) => b.type === 'holding'), 'holding bridge destroyed');
    expect(h.agentStates.peek(first.id)?.state).toBe('busy');
    await waitFor(() => h.agentStates.peek(second.id)?.state === 'available', 'loser available again');

    h.sim.hangup(callerId, 16);
    const row = await h.ended(callerId);
    expect(row).toMatchObject({ disposition: 'ANSWERED', hangupCause: 16, queueId: queue.id, agentId: first.id });
    expect(row.waitS).toBeGreaterThan(0.3);
    expect(row.talkS).toBeGreaterThanOrEqual(0);
    expect(row.answeredAt).toBeInstanceOf(Date);
    await waitFor(() => !h.sim.channels().some((c) => c.endpoint === '1001'), 'agent leg hung up after the caller left');
    expect(h.eventsOf('call.ended')[0]).toMatchObject({ disposition: 'ANSWERED', cause: 16 });

    // busy → wrap-up → available after wrapUpS, persisted.
    await waitFor(() => h.agentStates.peek(first.id)?.state === 'wrap-up', 'wrap-up');
    await waitFor(async () => (await h.agentRowState(first.id)) === 'available', 'available after wrap-up', 5000);
    const legs = await h.legs(row.id);
    expect(legs.map((l) => l.role).sort()).toEqual(['agent', 'agent', 'caller']);
    expect(legs.every((l) => l.endedAt)).toBe(true);
    expect((await h.callRows()).length).toBe(1);
  });
});
