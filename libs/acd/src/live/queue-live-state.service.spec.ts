import { waitFor } from '@callplane/testing';
import { AcdHarness } from '../testing/acd-test.harness';
import { QueueLiveStateService } from './queue-live-state.service';

/** Only `Date` is faked: sockets, timers and the simulator run on real time; the wall clock is ours. */
const fakeDate = (now: Date) =>
  jest.useFakeTimers({
    now,
    advanceTimers: true,
    doNotFake: ['hrtime', 'nextTick', 'performance', 'queueMicrotask', 'requestAnimationFrame', 'cancelAnimationFrame', 'requestIdleCallback', 'cancelIdleCallback', 'setImmediate', 'clearImmediate', 'setInterval', 'clearInterval', 'setTimeout', 'clearTimeout'],
  });

/**
 * The live state of a queue over the real ACD: Asterisk simulator over its sockets, real driver,
 * real migrated SQLite; the wall clock faked to cross local midnight and to age a waiting caller.
 */
describe(QueueLiveStateService.name, () => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start('asterisk');
  });

  afterEach(async () => {
    jest.useRealTimers();
    await h?.close();
  });

  it("today's answered call and ASA, a fresh day at local midnight, then a waiting caller's longest wait, stall reason and a late abandon", async () => {
    const sut = h.app.get(QueueLiveStateService);
    const { queue, agents } = await h.seedQueue({ did: '7100', endpoints: ['1001'], queue: { serviceLevelS: 20, wrapUpS: 0, maxWaitS: 600 } });
    const [agent] = agents;
    h.sim.registerEndpoint('1001', { answerAfterMs: 200 });
    await h.agentStates.set(agent.id, 'available');
    const today = new Date();
    fakeDate(new Date(today.getFullYear(), today.getMonth(), today.getDate(), 23, 59, 0));

    const first = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7100' });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered');
    const answered = await sut.snapshot(queue.id);
    expect(answered).toMatchObject({ waiting: 0, agents: { 'on-call': 1, available: 0 }, today: { answered: 1, abandoned: 0, serviceLevelPct: 100 } });
    expect(answered.today.averageSpeedOfAnswerS).toBeGreaterThan(0);
    expect(answered.today.since).toBe(new Date(today.getFullYear(), today.getMonth(), today.getDate()).toISOString());
    h.sim.hangup(first, 16);
    await h.ended(first);

    // Local midnight: a new day starts from zero.
    const tomorrow = new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1, 0, 0, 5);
    jest.setSystemTime(tomorrow);
    expect((await sut.snapshot(queue.id)).today).toMatchObject({
      since: new Date(today.getFullYear(), today.getMonth(), today.getDate() + 1).toISOString(), answered: 0, abandoned: 0, serviceLevelPct: null, averageSpeedOfAnswerS: null,
    });

    await waitFor(() => h.agentStates.peek(agent.id)?.state === 'available', 'available after wrap-up');
    await h.agentStates.set(agent.id, 'away');
    const second = await h.sim.placeCall({ from: '5559876', fromName: 'Bob', to: '7100' });
    const stalled = await waitFor(async () => {
      const s = await sut.snapshot(queue.id);
      return s.stalled ? s : undefined;
    }, 'caller waiting, nobody offered');
    jest.setSystemTime(Date.parse(stalled.longestWaitSince!) + 90_000);
    const waiting = await sut.snapshot(queue.id);
    expect(waiting).toMatchObject({ waiting: 1, ringing: 0, stalled: { reason: 'all-agents-away', blocked: { away: 1 } } });
    expect(waiting.longestWaitS).toBeGreaterThanOrEqual(90);
    expect(waiting.longestWaitS).toBeLessThan(100);

    h.sim.hangup(second, 16);
    await h.ended(second);
    // Abandoned after 90 s, beyond the 20 s threshold: counts against the service level.
    await waitFor(async () => (await sut.snapshot(queue.id)).today.abandoned === 1, 'abandon counted');
    expect((await sut.snapshot(queue.id))).toMatchObject({ waiting: 0, stalled: null, today: { answered: 0, abandoned: 1, abandonedWithinThreshold: 0, serviceLevelPct: 0 } });
  });

  it('names unregistered phones as why nobody is offered, and clears it when the phone registers', async () => {
    const sut = h.app.get(QueueLiveStateService);
    const { queue, agents } = await h.seedQueue({ did: '7200', endpoints: ['1001', '1002'], queue: { maxWaitS: 600 } });
    h.sim.registerEndpoint('1001', { answerAfterMs: null });
    h.sim.unregisterEndpoint('1001');
    await waitFor(() => h.pbxEvents.some((e) => e.type === 'endpoint.state' && e.endpoint.endsWith('1001') && e.state === 'offline'), '1001 unregistered');
    await h.agentStates.set(agents[0].id, 'available');

    const caller = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7200' });
    const stalled = await waitFor(async () => (await sut.snapshot(queue.id)).stalled ?? undefined, 'nobody offered');
    expect(stalled).toMatchObject({ reason: 'phones-unreachable', blocked: { 'endpoint-offline': 1, offline: 1 } });

    h.sim.registerEndpoint('1001', { answerAfterMs: null });
    const ringing = await waitFor(async () => {
      const s = await sut.snapshot(queue.id);
      return s.ringing === 1 ? s : undefined;
    }, 'offered once registered');
    expect(ringing).toMatchObject({ waiting: 1, stalled: null, agents: { ringing: 1, offline: 1 } });
    h.sim.hangup(caller, 16);
    await h.ended(caller);
  });
});
