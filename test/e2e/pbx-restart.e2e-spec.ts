import type { PbxType } from '@callplane/pbx';
import { AsteriskSim, FreeswitchSim } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { seedQueue } from '../support/seed';

/**
 * Issue 12 (found on the real PBXes): a PBX that restarts under a bridged call loses it. The record
 * must say so — `PBX_LOST`, cause 41, ended when the link dropped — not "answered, normal clearing,
 * ended when callplane got back". The simulators' restart drops every socket and call and starts
 * their uptime again, as a real restart does.
 */
describe.each(['asterisk', 'freeswitch'] as PbxType[])('PBX restarted mid-call on %s', (pbx) => {
  let h: ControlPlaneHarness;
  let agents: AgentClient[] = [];

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db: 'sqlite' });
  });

  afterEach(async () => {
    agents.forEach((a) => a.close());
    await h?.close();
  });

  it('records the lost call as PBX_LOST, cause 41, ended at the drop', async () => {
    const seeded = await seedQueue(h, { did: '7000', endpoints: ['1001'], wrapUpS: 0 });
    h.sim.registerEndpoint('1001', { ringAfterMs: 20, answerAfterMs: 50 });
    agents = await Promise.all(seeded.agents.map((a) => AgentClient.connect(h.url, a.token)));
    expect(await agents[0].command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
    await h.sim.placeCall({ from: '5551234', to: '7000' });
    await waitFor(() => agents[0].received('call.answered').length === 1, 'call answered');
    // The restarted PBX's start time must differ from the first by more than the 1 s rounding allowance.
    await new Promise((r) => setTimeout(r, 1300));

    const droppedAt = Date.now();
    if (h.sim instanceof AsteriskSim) h.sim.restart();
    else await (h.sim as FreeswitchSim).restart(300);
    const restartedAt = Date.now();

    const row = await waitFor(async () => {
      const list = await h.http().get('/calls').expect(200);
      return list.body.items.find((r: { status: string }) => r.status === 'ended');
    }, 'call row ended', 15_000, 50);
    expect(row).toMatchObject({ disposition: 'PBX_LOST', hangupCause: 41, agentId: seeded.agents[0].agentId });
    expect(Date.parse(row.endedAt)).toBeGreaterThanOrEqual(droppedAt - 50);
    expect(Date.parse(row.endedAt)).toBeLessThanOrEqual(restartedAt + 50);
  });
});
