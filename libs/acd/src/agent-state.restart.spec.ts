import { waitFor } from '@callplane/testing';
import { AgentStateLogEntity } from '@callplane/persistence';
import { AgentStateService } from './agent-state.service';
import { AgentStateLogWriter } from './agent-state-log.writer';
import { AcdHarness } from './testing/acd-test.harness';

/** Agent states across a control-plane restart (same database and simulator, a new process). */
describe.each((process.env.ACD_PBX ? [process.env.ACD_PBX] : ['asterisk', 'freeswitch']) as ('asterisk' | 'freeswitch')[])(`${AgentStateService.name} across a restart on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  const log = async (agentId: string): Promise<string[]> => {
    await h.app.get(AgentStateLogWriter).flush();
    const rows = await h.dataSource.getRepository(AgentStateLogEntity).find({ where: { agentId }, order: { id: 'ASC' } });
    return rows.map((r) => `${r.fromState}>${r.toState}:${r.trigger}`);
  };

  it('keeps away with its reason and dnd, frees a ringing agent (logged as restart), keeps the agent of an adopted talking call on-call', async () => {
    const { agents } = await h.seedQueue({ did: '7300', endpoints: ['1301', '1302', '1303', '1304'], queue: { wrapUpS: 0 } });
    const [talking, ringing, away, dnd] = agents;
    h.sim.registerEndpoint('1301', { answerAfterMs: 100 });
    h.sim.registerEndpoint('1302', { answerAfterMs: null });
    await h.agentStates.set(away.id, 'away', 'agent', { reason: 'training' });
    await h.agentStates.set(dnd.id, 'dnd');
    await h.agentStates.set(talking.id, 'available');
    const first = await h.sim.placeCall({ from: '5550001', to: '7300' });
    await waitFor(() => h.agentStates.peek(talking.id)?.state === 'on-call', 'first call answered');
    await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.includes(first)), 'bridged');
    await h.agentStates.set(ringing.id, 'available');
    const second = await h.sim.placeCall({ from: '5550002', to: '7300' });
    await waitFor(() => h.agentStates.peek(ringing.id)?.state === 'ringing', 'second agent ringing');

    await h.restart();

    await waitFor(async () => (await log(ringing.id)).includes('ringing>available:restart'), 'ringing agent freed at boot');
    expect(h.agentStates.peek(away.id)).toMatchObject({ state: 'away', reason: 'training' });
    expect(h.agentStates.peek(dnd.id)?.state).toBe('dnd');
    await waitFor(async () => (await h.callEvents((await h.callRow(first))!.id)).some((e) => e.type === 'adopted'), 'talking call adopted');
    expect(h.agentStates.peek(talking.id)?.state).toBe('on-call');
    expect(await log(talking.id)).not.toContain('on-call>available:restart');

    h.sim.hangup(first, 16);
    await waitFor(() => h.agentStates.peek(talking.id)?.state === 'available' || h.agentStates.peek(talking.id)?.state === 'ringing', 'talking agent free after its call');
    h.sim.hangup(second, 16);
    await h.ended(second);
  });
});
