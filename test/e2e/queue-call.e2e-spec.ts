import type { PbxType } from '@callplane/pbx';
import { waitFor, sleep } from '@callplane/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { seedQueue, SeededQueue } from '../support/seed';

/**
 * Issue 2 (Asterisk) and issue 3 (FreeSWITCH): the queued ring-all call end to end — pbx-sim on
 * real sockets, callplane as main.ts wires it, agents over Socket.IO, the call row in a real DB.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];
const cases = PBX_TYPES.flatMap((pbx) => testDatabaseKinds().map((db) => [pbx, db] as const));

describe.each(cases)('queued ring-all call on %s with %s', (pbx, db) => {
  let h: ControlPlaneHarness;
  let seeded: SeededQueue;
  let agents: AgentClient[];

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db });
    seeded = await seedQueue(h, { did: '7000', wrapUpS: 1 });
    h.sim.registerEndpoint('1001', { ringAfterMs: 50, answerAfterMs: 2000 });
    h.sim.registerEndpoint('1002', { ringAfterMs: 50, answerAfterMs: null });
    agents = await Promise.all(seeded.agents.map((a) => AgentClient.connect(h.url, a.token)));
    for (const client of agents) expect(await client.command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterEach(async () => {
    agents?.forEach((a) => a.close());
    await h?.close();
  });

  const agentLeg = (endpoint: string) => h.sim.channels().find((c) => c.direction === 'outbound' && c.endpoint === endpoint);

  it('rings every agent, bridges the first to answer, and records the call', async () => {
    const caller = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7000' });

    // Both agents are offered the call over Socket.IO.
    await waitFor(() => agents.every((a) => a.received('call.offered').length === 1), 'call.offered on both agents');
    const offered = agents[0].received('call.offered')[0];
    expect(offered).toMatchObject({ callerNumber: '5551234', queueId: seeded.queueId });

    // Agent 1001 answers after 2 s: caller and agent share a mixing bridge, the 1002 leg is gone.
    const bridge = await waitFor(() => {
      const leg = agentLeg('1001');
      return h.sim.bridges().find((b) => b.type === 'mixing' && b.channelIds.includes(caller) && !!leg && b.channelIds.includes(leg.id));
    }, 'caller and agent 1001 in one mixing bridge');
    expect(bridge.channelIds).toHaveLength(2);
    await waitFor(() => agentLeg('1002') === undefined, 'the 1002 leg hung up');
    await waitFor(() => agents[0].received('call.answered').length === 1, 'call.answered');
    const agent1Leg = agentLeg('1001')!;

    await sleep(500);
    h.sim.hangup(caller, 16);

    // The caller's hangup ends the agent leg, and the call row is complete.
    await waitFor(() => !h.sim.channels().some((c) => c.id === agent1Leg.id), 'agent leg hung up after the caller left');
    const row = await waitFor(async () => {
      const res = await h.http().get(`/calls/${offered.callId}`);
      return res.body?.status === 'ended' ? res.body : undefined;
    }, 'call row ended');
    expect(row).toMatchObject({
      queueId: seeded.queueId,
      agentId: seeded.agents[0].agentId,
      disposition: 'ANSWERED',
      hangupCause: 16,
      callerNumber: '5551234',
      pbxNodeId: expect.any(String),
    });
    expect(row.waitS).toBeGreaterThanOrEqual(1.9);
    expect(row.talkS).toBeGreaterThan(0.4);
    expect(row.legs.map((l: { role: string }) => l.role).sort()).toEqual(['agent', 'agent', 'caller']);
    await waitFor(() => agents[0].received('call.ended').length === 1, 'call.ended to the agent');
    expect(agents[0].received('call.ended')[0]).toMatchObject({ callId: offered.callId, disposition: 'ANSWERED', cause: 16 });

    const list = await h.http().get('/calls').expect(200);
    expect(list.body.total).toBe(1);
  });

  it('survives the PBX links dropping mid-call: reconnects, adopts the call, records it once', async () => {
    const caller = await h.sim.placeCall({ from: '5550001', to: '7000' });
    await waitFor(() => h.sim.bridges().find((b) => b.type === 'mixing' && b.channelIds.includes(caller)), 'call bridged');
    const health = await h.http().get('/health').expect(200);
    expect(health.body.pbx[0].status).toBe('up');

    h.sim.dropConnections();
    // The drop is seen first (links down), then the driver reconnects on its own.
    await waitFor(async () => (await h.http().get('/health')).body.pbx?.[0]?.status === 'up', 'PBX links back up', 15_000);
    await sleep(300);
    h.sim.hangup(caller, 16);

    const agent1 = agentLeg('1001');
    await waitFor(() => !agent1 || !h.sim.channels().some((c) => c.id === agent1.id), 'agent leg hung up');
    const rows = await waitFor(async () => {
      const res = await h.http().get('/calls');
      return res.body.items?.every((c: { status: string }) => c.status === 'ended') && res.body.items.length > 0 ? res.body.items : undefined;
    }, 'call row ended');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ disposition: 'ANSWERED', hangupCause: 16, agentId: seeded.agents[0].agentId });
  });

  it('survives a control-plane restart mid-call: adopts the live call and finishes its row once', async () => {
    const caller = await h.sim.placeCall({ from: '5550002', to: '7000' });
    await waitFor(() => h.sim.bridges().find((b) => b.type === 'mixing' && b.channelIds.includes(caller)), 'call bridged');
    agents.forEach((a) => a.close());

    await h.restart();
    await waitFor(async () => (await h.http().get('/health')).body.pbx?.[0]?.status === 'up', 'PBX links up after restart', 15_000);
    await sleep(300);
    h.sim.hangup(caller, 16);

    const agent1 = agentLeg('1001');
    await waitFor(() => !agent1 || !h.sim.channels().some((c) => c.id === agent1.id), 'agent leg hung up by the restarted control plane');
    const rows = await waitFor(async () => {
      const res = await h.http().get('/calls');
      return res.body.items?.length > 0 && res.body.items.every((c: { status: string }) => c.status === 'ended') ? res.body.items : undefined;
    }, 'call row ended');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ disposition: 'ANSWERED', hangupCause: 16, agentId: seeded.agents[0].agentId });
    expect(rows[0].talkS).toBeGreaterThan(0);
  });
});
