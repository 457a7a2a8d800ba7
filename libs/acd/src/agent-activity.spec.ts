import { waitFor } from '@callplane/testing';
import { AgentEntity, AgentStateLogEntity, CallEntity, PbxNodeEntity } from '@callplane/persistence';
import { CallEventsBus, LegPbxEvent, LiveLeg } from '@callplane/calls';
import { openTestDataSource, TestDataSource } from '../../persistence/src/testing';
import { AgentActivity } from './agent-activity';
import { AgentStateLogWriter } from './agent-state-log.writer';
import { AgentStateService } from './agent-state.service';
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

/** Over the call bus with the real services (legs the simulator flows above do not produce: transfers, another agent's offer). */
describe(`${AgentActivity.name} over the call bus`, () => {
  let db: TestDataSource;
  let bus: CallEventsBus;
  let states: AgentStateService;
  let sut: AgentActivity;
  const NODE = '00000000-0000-4000-8000-0000000000b1';
  const call = { id: 'call-1', nodeId: NODE, channelId: 'caller-1', callerNumber: '5551234', callerName: '', calledNumber: '7000', answered: true, variables: {}, offeredAt: new Date() };
  const leg = (channelId: string, role: LiveLeg['role'], endpoint: string, agentId?: string): LiveLeg => ({ channelId, role, endpoint, agentId });
  const event = (channelId: string, type: 'up' | 'hangup'): LegPbxEvent =>
    type === 'up' ? { type: 'channel.state', nodeId: NODE, at: new Date(), channelId, state: 'up' } : { type: 'channel.hangup', nodeId: NODE, at: new Date(), channelId, cause: 16, causeText: 'Normal Clearing' };
  const settle = () => waitFor(async () => { await new Promise((r) => setImmediate(r)); return true; }, 'settled');

  beforeEach(async () => {
    db = await openTestDataSource('sqlite');
    bus = new CallEventsBus();
    const logWriter = new AgentStateLogWriter(db.dataSource.getRepository(AgentStateLogEntity));
    states = new AgentStateService(db.dataSource.getRepository(AgentEntity), db.dataSource.getRepository(CallEntity), bus, logWriter);
    sut = new AgentActivity(db.dataSource.getRepository(AgentEntity), states, bus);
    sut.onModuleInit();
  });

  afterEach(async () => {
    sut.onModuleDestroy();
    await states.onModuleDestroy();
    await db.close();
  });

  const agentAt = async (endpoint: string, pbxNodeId: string | null = null): Promise<string> => {
    const repo = db.dataSource.getRepository(AgentEntity);
    const id = (await repo.save(repo.create({ name: endpoint, endpoint, pbxNodeId, state: 'offline', stateChangedAt: new Date(), skills: {} }))).id;
    await states.set(id, 'available');
    return id;
  };

  it('a transfer leg on an agent’s endpoint makes it on-call until the leg hangs up; its own offer does not', async () => {
    const target = await agentAt('1001');
    const offered = await agentAt('1002');

    bus.publish('leg.event', { call, leg: leg('t-1', 'transfer', '1001'), event: event('t-1', 'up') });
    bus.publish('leg.event', { call, leg: leg('o-1', 'agent', '1002', offered), event: event('o-1', 'up') });
    await waitFor(() => states.peek(target)?.state === 'on-call', 'transfer target on-call');
    await settle();
    expect(states.peek(offered)?.state).toBe('available'); // an offer is the ring rounds' business

    bus.publish('leg.event', { call, leg: leg('t-1', 'transfer', '1001'), event: event('t-1', 'hangup') });
    expect(states.peek(target)?.state).toBe('available');
  });

  it('only agents of the call’s node (or of none), and an agent on two such calls stays on-call until both end', async () => {
    const nodes = db.dataSource.getRepository(PbxNodeEntity);
    const other = await nodes.save(nodes.create({ name: 'other', type: 'asterisk', connection: {}, enabled: false }));
    const elsewhere = await agentAt('1003', other.id);
    const here = await agentAt('1004');
    bus.publish('leg.event', { call, leg: leg('t-2', 'transfer', '1003'), event: event('t-2', 'up') });
    bus.publish('call.routed', { call: { ...call, id: 'call-2', callerNumber: '1004' } });
    bus.publish('leg.event', { call, leg: leg('t-3', 'transfer', '1004'), event: event('t-3', 'up') });
    await waitFor(() => states.peek(here)?.state === 'on-call', 'on-call');
    await settle();
    expect(states.peek(elsewhere)?.state).toBe('available');

    bus.publish('leg.event', { call, leg: leg('t-3', 'transfer', '1004'), event: event('t-3', 'hangup') });
    expect(states.peek(here)?.state).toBe('on-call');
    bus.publish('call.ended', { call: { ...call, id: 'call-2' }, disposition: 'ABANDONED', cause: 16, agentIds: [], endedAt: new Date() });
    expect(states.peek(here)?.state).toBe('available');
  });

  it('a call that ends while its agents are being looked up holds nobody', async () => {
    const id = await agentAt('1005');
    const witness = await agentAt('1006');
    bus.publish('call.routed', { call: { ...call, id: 'call-3', callerNumber: '1005' } });
    bus.publish('call.ended', { call: { ...call, id: 'call-3' }, disposition: 'ABANDONED', cause: 16, agentIds: [], endedAt: new Date() });
    bus.publish('call.routed', { call: { ...call, id: 'call-4', callerNumber: '1006' } });
    await waitFor(() => states.peek(witness)?.state === 'on-call', 'the lookups done'); // looked up after call-3's
    expect(states.peek(id)?.state).toBe('available');
    expect(sut.busyAgents()).toEqual([witness]);
  });
});
