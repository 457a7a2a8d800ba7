import { waitFor, sleep } from '@callplane/testing';
import { AgentEntity, InboundRouteEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { RingRounds } from './ring-rounds';
import { AcdHarness } from './testing/acd-test.harness';

/**
 * The offer engine's per-agent settings and offer outcomes on both PBX types (pbx-sim over real
 * sockets, real SQLite): ring timeout override, pauses after a missed offer by kind, max-no-answer,
 * the queue's retry delay, counters of handled calls, and cancelled legs not counted as misses.
 */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${RingRounds.name} on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  const legsTo = (endpoint: string) => h.sim.channels().filter((c) => c.direction === 'outbound' && c.endpoint === endpoint);
  const offersTo = (agentId: string) => h.eventsOf('agent.offered').filter((o) => o.agentId === agentId).length;
  /** The caller hangs up; waits until the call row, every leg row and the PBX are done (no write after close). */
  async function hangUp(caller: string): Promise<void> {
    h.sim.hangup(caller, 16);
    const row = await h.ended(caller);
    await waitFor(() => h.sim.channels().length === 0, 'PBX empty');
    await waitFor(async () => (await h.legs(row.id)).every((l) => l.endedAt), 'every leg ended in the records');
  }
  const agentRow = (id: string, patch: Partial<AgentEntity>) => h.dataSource.getRepository(AgentEntity).update({ id }, patch);

  it("an agent's own ringTimeoutS overrides the queue's; the next round waits the queue's retryDelayS", async () => {
    const { agents } = await h.seedQueue({ did: '7300', endpoints: ['1301'], queue: { ringTimeoutS: 20, retryDelayS: 2 } });
    const [agent] = agents;
    await agentRow(agent.id, { ringTimeoutS: 1, noAnswerDelayS: 0, maxNoAnswer: 0 });
    h.sim.registerEndpoint('1301', { answerAfterMs: null });
    await h.agentStates.set(agent.id, 'available');

    const caller = await h.sim.placeCall({ from: '5553000', to: '7300' });
    await waitFor(() => legsTo('1301').length === 1, 'agent ringing');
    // Gone after about 1 s, far from the queue's 20 s.
    await waitFor(() => legsTo('1301').length === 0, 'leg ended by the agent ring timeout', 5_000);
    const endedAt = Date.now();
    await waitFor(() => offersTo(agent.id) === 2, 'offered again', 6_000);
    expect(Date.now() - endedAt).toBeGreaterThanOrEqual(1_800); // the retry pause, not at once
    await hangUp(caller);
  });

  it.each([
    ['rejected', 21, 'rejectDelayS'],
    ['busy', 17, 'busyDelayS'],
  ] as const)('a %s offer (cause %d) pauses the agent for its %s; the other agent is offered meanwhile', async (_kind, cause, delayField) => {
    const { agents } = await h.seedQueue({ did: '7310', endpoints: ['1311', '1312'], queue: { strategy: 'top-down', retryDelayS: 0 } });
    const [first, second] = agents;
    await agentRow(first.id, { noAnswerDelayS: 0, rejectDelayS: 0, busyDelayS: 0, [delayField]: 3, maxNoAnswer: 0 });
    await h.dataSource.query(`UPDATE queue_members SET position = CASE WHEN agentId = ? THEN 1 ELSE 2 END`, [first.id]);
    h.sim.registerEndpoint('1311', { answerAfterMs: null });
    h.sim.registerEndpoint('1312', { answerAfterMs: null });
    await h.agentStates.set(first.id, 'available');

    const caller = await h.sim.placeCall({ from: '5553010', to: '7310' });
    const leg = await waitFor(() => legsTo('1311').find((c) => c.state === 'Ringing'), 'first agent ringing');
    h.sim.hangup(leg.id, cause);
    const missedAt = Date.now();
    await waitFor(() => h.agentStates.offerableAt(first.id) > 0, 'pause started');
    expect(h.agentStates.offerableAt(first.id) - missedAt).toBeGreaterThan(2_000);
    // Available but paused: not offered; an agent signing in is.
    await sleep(300);
    expect(offersTo(first.id)).toBe(1);
    await h.agentStates.set(second.id, 'available');
    await waitFor(() => legsTo('1312').length === 1, 'second agent offered during the pause');
    h.sim.hangup(legsTo('1312')[0].id, 21);
    // Once the first agent's pause is over it is offered again by itself (no event from outside).
    await waitFor(() => offersTo(first.id) === 2, 'first agent offered after its pause', 8_000);
    expect(Date.now() - missedAt).toBeGreaterThanOrEqual(2_800);
    await hangUp(caller);
  });

  it('an agent who let an offer ring out is offered at once to a caller waiting in another of its queues', async () => {
    const { agents } = await h.seedQueue({ did: '7340', endpoints: ['1341'], queue: { ringTimeoutS: 1, retryDelayS: 30 } });
    const [agent] = agents;
    await agentRow(agent.id, { noAnswerDelayS: 0, maxNoAnswer: 0 });
    const ds = h.dataSource;
    const other = await ds.getRepository(QueueEntity).save(ds.getRepository(QueueEntity).create({ name: 'q-7341', strategy: 'ring-all', ringTimeoutS: 20, maxWaitS: 30, wrapUpS: 0, mohClass: 'default' }));
    await ds.getRepository(QueueMemberEntity).insert({ queueId: other.id, agentId: agent.id });
    await ds.getRepository(InboundRouteEntity).insert({ did: '7341', pbxNodeId: null, targetType: 'queue', targetId: other.id });
    h.sim.registerEndpoint('1341', { answerAfterMs: null });
    await h.agentStates.set(agent.id, 'available');

    const first = await h.sim.placeCall({ from: '5553040', to: '7340' });
    await waitFor(() => legsTo('1341').length === 1, 'agent ringing for the first caller');
    const second = await h.sim.placeCall({ from: '5553041', to: '7341' });
    await waitFor(async () => (await h.callRow(second))?.queueId === other.id, 'second caller queued while the agent rings');
    // The first leg rings out after 1 s; its queue pauses 30 s, the other queue's caller is offered now.
    await waitFor(() => h.eventsOf('agent.offered').some((o) => o.queueId === other.id), 'offered for the other queue', 5_000);
    expect(offersTo(agent.id)).toBe(2);
    h.sim.hangup(first, 16);
    await h.ended(first);
    await hangUp(second);
  });

  it('maxNoAnswer missed offers in a row set the agent away (no-answer); the caller keeps waiting', async () => {
    const { agents } = await h.seedQueue({ did: '7320', endpoints: ['1321'], queue: { ringTimeoutS: 1, retryDelayS: 0 } });
    const [agent] = agents;
    await agentRow(agent.id, { maxNoAnswer: 2, noAnswerDelayS: 0 });
    h.sim.registerEndpoint('1321', { answerAfterMs: null });
    await h.agentStates.set(agent.id, 'available');

    const caller = await h.sim.placeCall({ from: '5553020', to: '7320' });
    await waitFor(() => h.agentStates.peek(agent.id)?.state === 'away', 'away after two misses', 8_000);
    expect(h.agentStates.peek(agent.id)).toMatchObject({ state: 'away', reason: 'no-answer' });
    expect(offersTo(agent.id)).toBe(2);
    await sleep(300);
    expect(offersTo(agent.id)).toBe(2);
    expect((await h.callRow(caller))?.status).toBe('active');
    await hangUp(caller);
  });

  it('an answered call counts for the agent (callsAnswered, talk time); the agent whose leg was cancelled has no miss', async () => {
    const { agents } = await h.seedQueue({ did: '7330', endpoints: ['1331', '1332'], queue: { wrapUpS: 0 } });
    const [winner, loser] = agents;
    h.sim.registerEndpoint('1331', { answerAfterMs: 200 });
    h.sim.registerEndpoint('1332', { answerAfterMs: null });
    for (const a of agents) await h.agentStates.set(a.id, 'available');
    await h.agentStates.get(winner.id);
    const before = (await h.agentStates.reload(winner.id))!;

    const caller = await h.sim.placeCall({ from: '5553030', to: '7330' });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered');
    await waitFor(() => legsTo('1332').length === 0, 'losing leg hung up');
    await sleep(600);
    await hangUp(caller);
    await waitFor(() => h.agentStates.peek(winner.id)?.callsAnswered === (before.callsAnswered ?? 0) + 1, 'call counted');
    expect(h.agentStates.peek(winner.id)!.talkTimeS).toBeGreaterThan(0.5);
    expect(h.agentStates.peek(loser.id)).toMatchObject({ state: 'available', noAnswerCount: 0 });
    expect(h.agentStates.offerableAt(loser.id)).toBe(0);
  });
});
