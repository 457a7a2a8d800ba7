import { waitFor } from '@callplane/testing';
import { AgentStateLogEntity } from '@callplane/persistence';
import { AgentActivity } from './agent-activity';
import { AgentStateLogWriter } from './agent-state-log.writer';
import { AcdHarness } from './testing/acd-test.harness';

/** Over the simulators: the agent's own phone calls in (its endpoint is the caller number). */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${AgentActivity.name} on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  const triggers = async (agentId: string): Promise<string[]> => {
    await h.app.get(AgentStateLogWriter).flush();
    const rows = await h.dataSource.getRepository(AgentStateLogEntity).find({ where: { agentId }, order: { id: 'ASC' } });
    return rows.map((r) => `${r.fromState}>${r.toState}:${r.trigger}`);
  };

  it('an agent whose phone is on a call callplane did not offer it is on-call and not offered; available again when that call ends', async () => {
    const { agents } = await h.seedQueue({ did: '7000', endpoints: ['1001', '1002'], queue: { ringTimeoutS: 5 } });
    const [caller, other] = agents;
    h.sim.registerEndpoint('1001', { answerAfterMs: 200 });
    h.sim.registerEndpoint('1002', { answerAfterMs: 300 });
    await h.agentStates.set(caller.id, 'available');
    await h.agentStates.set(other.id, 'available');

    // Agent 1001 calls its own queue: it must not be offered its own call (nor any other).
    const channelId = await h.sim.placeCall({ from: '1001', fromName: 'Agent 1001', to: '7000' });
    await waitFor(() => h.agentStates.peek(caller.id)?.state === 'on-call', 'calling agent on-call');
    await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered by the other agent');
    expect(h.eventsOf('agent.offered').map((o) => o.agentId)).toEqual([other.id]);
    expect(h.app.get(AgentActivity).busyAgents()).toEqual([caller.id]);

    h.sim.hangup(channelId, 16);
    await h.ended(channelId);
    await waitFor(() => h.agentStates.peek(caller.id)?.state === 'available', 'calling agent available again');
    expect(h.app.get(AgentActivity).busyAgents()).toEqual([]);
    expect(await triggers(caller.id)).toEqual(['offline>available:agent', 'available>on-call:other-call', 'on-call>available:other-call-ended']);
  });

  it('an agent that becomes available during such a call is on-call at once', async () => {
    const { agents } = await h.seedQueue({ did: '7001', endpoints: ['1001'], queue: { maxWaitS: 30 } });
    const [agent] = agents;
    h.sim.registerEndpoint('1001', { answerAfterMs: 200 });
    await h.agentStates.set(agent.id, 'away', 'agent', { reason: 'meeting' });

    const channelId = await h.sim.placeCall({ from: '1001', to: '7001' });
    await waitFor(() => h.app.get(AgentActivity).busyAgents().includes(agent.id), 'call seen');
    expect(h.agentStates.peek(agent.id)?.state).toBe('away'); // away stays away

    await h.agentStates.set(agent.id, 'available');
    expect(h.agentStates.peek(agent.id)?.state).toBe('on-call');
    expect(h.eventsOf('agent.offered')).toEqual([]);

    h.sim.hangup(channelId, 16);
    await waitFor(() => h.agentStates.peek(agent.id)?.state === 'available', 'available after the call');
  });
});
