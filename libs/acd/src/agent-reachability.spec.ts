import { sleep, waitFor } from '@callplane/testing';
import type { SimRequest } from '@callplane/pbx-sim';
import { AgentReachability } from './agent-reachability';
import { AcdHarness } from './testing/acd-test.harness';

/** Originate requests callplane sent to the simulator for one endpoint (ARI `POST /channels/create`, ESL `originate`). */
function originatesTo(requests: SimRequest[], endpoint: string): number {
  return requests.filter((r) =>
    r.protocol === 'ari'
      ? r.method === 'POST' && /\/channels(\/create)?$/.test(r.path) && r.params.endpoint === `PJSIP/${endpoint}`
      : r.protocol === 'esl' && / originate /.test(` ${r.path}`) && r.path.includes(`user/${endpoint}@`),
  ).length;
}

/**
 * Registration-aware offering and the originate-storm guard (issue 7 §3/§7, found on a real
 * Asterisk): real driver ↔ simulator over sockets, real SQLite, CallsModule + AcdModule.
 */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${AgentReachability.name} on %s`, (pbx) => {
  let h: AcdHarness;
  const originates = (endpoint: string) => originatesTo(h.sim.requests(), endpoint);
  const endpointSeen = (endpoint: string, state: 'online' | 'offline') =>
    waitFor(() => h.pbxEvents.some((e) => e.type === 'endpoint.state' && e.endpoint === endpoint && e.state === state), `${endpoint} ${state} seen`);

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  it('never originates to an agent whose phone unregistered; the registered agent of the queue gets the call', async () => {
    const { agents } = await h.seedQueue({ did: '7100', endpoints: ['7101', '7102'], queue: { ringTimeoutS: 1 } });
    const [gone, present] = agents;
    h.sim.registerEndpoint('7101');
    h.sim.unregisterEndpoint('7101');
    h.sim.registerEndpoint('7102', { answerAfterMs: null });
    await endpointSeen('7101', 'offline');
    for (const a of agents) await h.agentStates.set(a.id, 'available');

    await h.sim.placeCall({ from: '5550100', to: '7100' });
    // 7102 rings out (1 s) and is rung again after the retry pause: the call waited through two rounds.
    await waitFor(() => originates('7102') >= 2, 'registered agent rung twice', 10_000);
    expect(originates('7101')).toBe(0);
    expect(h.eventsOf('agent.offered').filter((o) => o.agentId === gone.id)).toEqual([]);

    h.sim.setBehaviour('7102', { answerAfterMs: 50 }); // picks up from the next round on
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered', 10_000);
    expect(h.eventsOf('call.answered')[0].agentId).toBe(present.id);
    expect(originates('7101')).toBe(0);
  });

  it('backs off an agent whose legs fail without ringing (no originate storm), and offers it again at once when it registers', async () => {
    // 7111: registered, but the phone never replies (cause 18 / 102); 7112: never registered (originate refused).
    const { agents } = await h.seedQueue({ did: '7110', endpoints: ['7111', '7112'], queue: { ringTimeoutS: 2, maxWaitS: 60 } });
    const [unreachable] = agents;
    h.sim.registerEndpoint('7111', { unreachable: true, ringAfterMs: 20 });
    for (const a of agents) await h.agentStates.set(a.id, 'available');

    await h.sim.placeCall({ from: '5550110', to: '7110' });
    await waitFor(() => originates('7111') >= 1, 'first attempt');
    await sleep(8_000);
    // Without the back-off both are re-dialled about once a second (8+ each); with it: t≈0 s, t≈5 s.
    expect(originates('7111')).toBeGreaterThanOrEqual(1);
    expect(originates('7111')).toBeLessThanOrEqual(2);
    expect(originates('7112')).toBeLessThanOrEqual(2);
    expect(h.eventsOf('call.answered')).toEqual([]);
    // An ACD-internal filter: the agent's own state is untouched.
    await waitFor(() => h.agentStates.peek(unreachable.id)?.state === 'available', 'still available');

    // The phone comes back (registers again): its back-off (now 10 s) is dropped and the waiting call is offered.
    const before = originates('7111');
    h.sim.unregisterEndpoint('7111');
    await endpointSeen('7111', 'offline');
    h.sim.registerEndpoint('7111', { unreachable: false, answerAfterMs: 50 });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered after registering', 4_000);
    expect(h.eventsOf('call.answered')[0].agentId).toBe(unreachable.id);
    expect(originates('7111')).toBe(before + 1);
  });

  it('offers a waiting call as soon as the only agent registers again', async () => {
    const { agents } = await h.seedQueue({ did: '7130', endpoints: ['7131'], queue: { maxWaitS: 60 } });
    h.sim.registerEndpoint('7131', { answerAfterMs: 50 });
    h.sim.unregisterEndpoint('7131');
    await endpointSeen('7131', 'offline');
    await h.agentStates.set(agents[0].id, 'available');

    const callerId = await h.sim.placeCall({ from: '5550130', to: '7130' });
    await waitFor(async () => (await h.callRow(callerId))?.queueId, 'queued');
    await sleep(1_500); // greeting, hold, dispatch: long enough for an offer to have been tried
    expect(originates('7131')).toBe(0);
    expect(h.eventsOf('agent.offered')).toEqual([]);

    h.sim.registerEndpoint('7131', { answerAfterMs: 50 });
    // Nothing else would dispatch the call before maxWaitS (60 s): only the registration does.
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered after registering', 5_000);
    expect(originates('7131')).toBe(1);
    h.sim.hangup(callerId);
    expect(await h.ended(callerId)).toMatchObject({ disposition: 'ANSWERED', agentId: agents[0].id });
  });

  it('learns agent endpoint states when a driver connects (ACD restart) and does not offer an offline one', async () => {
    const { agents } = await h.seedQueue({ did: '7140', endpoints: ['7141', '7142'], queue: { ringTimeoutS: 1 } });
    h.sim.registerEndpoint('7141');
    h.sim.unregisterEndpoint('7141');
    h.sim.registerEndpoint('7142', { answerAfterMs: 300 });

    await h.restart(); // a new process: it saw none of the registration events above
    const sut = h.app.get(AgentReachability);
    await waitFor(() => sut.state(h.nodeId, '7141') === 'offline', '7141 offline after connect');
    expect(sut.state(h.nodeId, '7142')).toBe('online');
    for (const a of agents) await h.agentStates.set(a.id, 'available');
    h.sim.clearRequests();

    const callerId = await h.sim.placeCall({ from: '5550140', to: '7140' });
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered');
    expect(h.eventsOf('call.answered')[0].agentId).toBe(agents[1].id);
    expect(originates('7141')).toBe(0);
    h.sim.hangup(callerId);
    await h.ended(callerId);
  });
});
