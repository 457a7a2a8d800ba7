import { AgentEntity, AgentStateLogEntity, CallEntity } from '@callplane/persistence';
import { CallEventsBus } from '@callplane/calls';
import { openTestDataSource, TestDataSource } from '../../persistence/src/testing';
import { AgentStateIllegalError } from './acd.errors';
import { AgentStateService } from './agent-state.service';
import { AgentStateLogWriter } from './agent-state-log.writer';

const T0 = new Date('2026-05-01T12:00:00Z');

describe(AgentStateService.name, () => {
  let db: TestDataSource;
  let sut: AgentStateService;
  let bus: CallEventsBus;
  let stateLog: AgentStateLogWriter;

  const agent = async (fields: Partial<AgentEntity> = {}): Promise<string> => {
    const repo = db.dataSource.getRepository(AgentEntity);
    return (await repo.save(repo.create({ name: 'A', endpoint: '1001', state: 'offline', stateChangedAt: new Date(0), skills: {}, ...fields }))).id;
  };
  const row = (id: string) => db.dataSource.getRepository(AgentEntity).findOneByOrFail({ id });
  const logOf = async (id: string) => {
    await stateLog.flush();
    return (await db.dataSource.getRepository(AgentStateLogEntity).find({ where: { agentId: id }, order: { id: 'ASC' } })).map((r) => `${r.fromState}>${r.toState}:${r.trigger}:${r.reason ?? '-'}`);
  };
  const build = () =>
    new AgentStateService(db.dataSource.getRepository(AgentEntity), db.dataSource.getRepository(CallEntity), bus, stateLog, { ACD_AWAY_REASONS: ['coaching'] });
  const ringing = async (id: string) => {
    await sut.set(id, 'available');
    expect(sut.tryTransition(id, 'ringing', 'ring')).toBe(true);
  };
  const fakeClock = () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.setSystemTime(T0);
  };

  beforeEach(async () => {
    db = await openTestDataSource('sqlite');
    bus = new CallEventsBus();
    stateLog = new AgentStateLogWriter(db.dataSource.getRepository(AgentStateLogEntity));
    sut = build();
  });

  afterEach(async () => {
    jest.useRealTimers();
    await sut.onModuleDestroy();
    await db.close();
  });

  it('persists a legal change, publishes agent.state with reason and trigger, and logs it', async () => {
    const id = await agent();
    const seen: unknown[] = [];
    bus.on('agent.state', (e) => seen.push(e));

    const status = await sut.set(id, 'away', 'agent', { reason: 'lunch', byUserId: '00000000-0000-4000-8000-00000000000a', bySupervisor: true });
    await sut.flush();
    await stateLog.flush();

    expect(status).toMatchObject({ state: 'away', reason: 'lunch' });
    expect(seen).toEqual([{ agentId: id, state: 'away', at: status.at, reason: 'lunch', trigger: 'agent' }]);
    expect(await row(id)).toMatchObject({ state: 'away', awayReason: 'lunch' });
    const [logged] = await db.dataSource.getRepository(AgentStateLogEntity).findBy({ agentId: id });
    expect(logged).toMatchObject({ fromState: 'offline', toState: 'away', reason: 'lunch', trigger: 'supervisor', byUserId: '00000000-0000-4000-8000-00000000000a' });
  });

  it('refuses illegal changes with agent-state-illegal carrying the current state', async () => {
    const id = await agent();
    await ringing(id);
    expect(sut.tryTransition(id, 'ringing', 'ring')).toBe(false);
    sut.tryTransition(id, 'on-call', 'answer');
    await expect(sut.set(id, 'away')).rejects.toThrow(AgentStateIllegalError);
    await expect(sut.set(id, 'available')).rejects.toMatchObject({ code: 'agent-state-illegal', httpStatus: 409, details: { state: 'on-call', to: 'available' } });
    sut.startWrapUp(id, 30);
    await expect(sut.set(id, 'ringing')).rejects.toMatchObject({ code: 'agent-state-illegal', details: { state: 'wrap-up', to: 'ringing' } });
    await expect(sut.set('00000000-0000-4000-8000-000000000000', 'available')).rejects.toMatchObject({ code: 'agent-not-found' });
  });

  it('away needs a known reason: break by default, ACD_AWAY_REASONS accepted, no-answer only by the ACD; a new reason is a logged change', async () => {
    const id = await agent();
    expect((await sut.set(id, 'away')).reason).toBe('break');
    expect((await sut.set(id, 'away', 'agent', { reason: 'coaching' })).reason).toBe('coaching');
    await expect(sut.set(id, 'away', 'agent', { reason: 'nap' })).rejects.toMatchObject({ code: 'validation-failed', details: { field: 'reason' } });
    await expect(sut.set(id, 'away', 'agent', { reason: 'no-answer' })).rejects.toMatchObject({ code: 'validation-failed', details: { field: 'reason' } });
    await expect(sut.set(id, 'dnd', 'agent', { reason: 'lunch' })).rejects.toMatchObject({ code: 'validation-failed', details: { field: 'reason' } });
    expect((await sut.set(id, 'dnd')).reason).toBeNull();
    expect(sut.awayReasons()).toEqual(expect.arrayContaining(['break', 'lunch', 'training', 'meeting', 'no-answer', 'coaching']));
    expect(await logOf(id)).toEqual(['offline>away:agent:break', 'away>away:agent:coaching', 'away>dnd:agent:-']);
  });

  it('an agent may leave while ringing: listeners see it leave ringing', async () => {
    const id = await agent();
    await ringing(id);
    const seen: string[] = [];
    sut.onChange((s, trigger, from) => seen.push(`${from}>${s.state}:${trigger}`));
    await sut.set(id, 'dnd');
    expect(seen).toEqual(['ringing>dnd:agent']);
    expect([...sut.availableIds()]).not.toContain(id);
  });

  it('wraps up for the agent’s own wrap-up time over the queue’s, then is available (fake clock)', async () => {
    const id = await agent({ wrapUpS: 5 });
    await ringing(id);
    sut.tryTransition(id, 'on-call', 'answer');
    fakeClock();

    sut.startWrapUp(id, 30);
    expect(sut.peek(id)).toMatchObject({ state: 'wrap-up', lastCallEndedAt: T0 });
    jest.advanceTimersByTime(4_999);
    expect(sut.peek(id)?.state).toBe('wrap-up');
    jest.advanceTimersByTime(1);
    expect(sut.peek(id)).toMatchObject({ state: 'available', availableSince: new Date(T0.getTime() + 5_000) });
    await sut.flush();
    const saved = await row(id);
    expect(saved.state).toBe('available');
    expect(saved.lastCallEndedAt?.toISOString()).toBe(T0.toISOString());
  });

  it('uses the queue’s wrap-up without an override; the agent may end it early, and going away cancels the timer', async () => {
    const id = await agent();
    const offerable: string[] = [];
    sut.onOfferable((a) => offerable.push(a));
    await ringing(id);
    sut.tryTransition(id, 'on-call', 'answer');
    fakeClock();
    sut.startWrapUp(id, 10);
    jest.advanceTimersByTime(3_000);
    offerable.length = 0;
    await sut.set(id, 'available');
    expect(sut.peek(id)?.state).toBe('available');
    expect(offerable).toEqual([id]);

    await sut.set(id, 'away');
    jest.advanceTimersByTime(20_000);
    expect(sut.peek(id)?.state).toBe('away');
    expect(await logOf(id)).toContain('on-call>wrap-up:call-ended:-');
    expect(await logOf(id)).toContain('wrap-up>available:agent:-');
  });

  it('pauses the next offer by the kind of miss and tells listeners when the pause ends (fake clock)', async () => {
    const id = await agent({ noAnswerDelayS: 5, rejectDelayS: 20, busyDelayS: 60, maxNoAnswer: 0 });
    await sut.get(id);
    const offerable: string[] = [];
    sut.onOfferable((a) => offerable.push(a));
    await ringing(id);
    expect(offerable).toEqual([id]); // made itself available
    offerable.length = 0;
    fakeClock();

    sut.offerMissed(id, 'rejected');
    sut.tryTransition(id, 'available', 'ring-ended');
    expect(sut.offerableAt(id)).toBe(T0.getTime() + 20_000);
    expect(offerable).toEqual([]); // ring-ended: the ring rounds dispatch themselves
    jest.advanceTimersByTime(19_999);
    expect(offerable).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(offerable).toEqual([id]);
    expect(sut.offerableAt(id)).toBe(0);

    sut.offerMissed(id, 'busy', new Date(T0.getTime() + 20_000));
    expect(sut.offerableAt(id)).toBe(T0.getTime() + 80_000);
    sut.offerAnswered(id);
    expect(sut.offerableAt(id)).toBe(0);
    sut.offerMissed(id, 'failed');
    expect(sut.offerableAt(id)).toBe(T0.getTime() + 25_000);
    expect(sut.peek(id)).toMatchObject({ state: 'available', noAnswerCount: 1 }); // maxNoAnswer 0: never away
  });

  it('after maxNoAnswer misses in a row (busy not counted) the agent is away with reason no-answer, and its socket is told', async () => {
    const id = await agent({ maxNoAnswer: 2, noAnswerDelayS: 0, busyDelayS: 0 });
    const states: unknown[] = [];
    bus.on('agent.state', (e) => states.push({ state: e.state, reason: e.reason, trigger: e.trigger }));
    await ringing(id);
    sut.offerMissed(id, 'no-answer');
    sut.tryTransition(id, 'available', 'ring-ended');
    sut.tryTransition(id, 'ringing', 'ring');
    sut.offerMissed(id, 'busy');
    sut.tryTransition(id, 'available', 'ring-ended');
    expect(sut.peek(id)).toMatchObject({ state: 'available', noAnswerCount: 1 });
    sut.tryTransition(id, 'ringing', 'ring');

    sut.offerMissed(id, 'no-answer');
    expect(sut.tryTransition(id, 'available', 'ring-ended')).toBe(false);
    expect(sut.peek(id)).toMatchObject({ state: 'away', reason: 'no-answer', noAnswerCount: 2 });
    expect(states.at(-1)).toEqual({ state: 'away', reason: 'no-answer', trigger: 'no-answer' });
    await sut.flush();
    expect(await row(id)).toMatchObject({ state: 'away', awayReason: 'no-answer', noAnswerCount: 2 });
    expect((await logOf(id)).at(-1)).toBe('ringing>away:no-answer:no-answer');

    await sut.set(id, 'available'); // the agent is back: the count starts over
    expect(sut.peek(id)?.noAnswerCount).toBe(0);
  });

  it('an answer resets the missed-offer count; a handled call adds to the counters, persisted', async () => {
    const id = await agent({ maxNoAnswer: 3, callsAnswered: 4, talkTimeS: 100 });
    await ringing(id);
    sut.offerMissed(id, 'no-answer');
    expect(sut.peek(id)?.noAnswerCount).toBe(1);
    sut.tryTransition(id, 'on-call', 'answer');
    sut.offerAnswered(id);
    sut.callHandled(id, 42.5);
    expect(sut.peek(id)).toMatchObject({ noAnswerCount: 0, callsAnswered: 5, talkTimeS: 142.5 });
    await sut.flush();
    expect(await row(id)).toMatchObject({ noAnswerCount: 0, callsAnswered: 5, talkTimeS: 142.5 });
  });

  it('completes agents primed from member rows in the background (skills, counters, settings)', async () => {
    const id = await agent({ state: 'available', skills: { french: 80 }, callsAnswered: 7, maxNoAnswer: 1 });
    const [primed] = sut.prime([{ id, state: 'available', stateChangedAt: T0, lastCallEndedAt: null }]);
    expect(primed.skills).toBeUndefined();
    expect([...sut.availableIds()]).toContain(id);
    sut.tryTransition(id, 'ringing', 'ring');
    sut.offerMissed(id, 'no-answer'); // settings not read yet: applied once they are
    await sut.reload(id);
    await new Promise((r) => setImmediate(r));
    expect(sut.peek(id)).toMatchObject({ state: 'away', reason: 'no-answer', skills: { french: 80 }, callsAnswered: 7 });
  });

  it('at boot reconciles states that cannot be true any more, logged as restart; keeps away (with reason), dnd, offline', async () => {
    const ring = await agent({ state: 'ringing' });
    const wrapUp = await agent({ state: 'wrap-up', stateChangedAt: new Date(Date.now() - 60_000) });
    const ownWrapUp = await agent({ state: 'wrap-up', stateChangedAt: new Date(), wrapUpS: 60 });
    const idleOnCall = await agent({ state: 'on-call' });
    const talking = await agent({ state: 'on-call' });
    const away = await agent({ state: 'away', awayReason: 'lunch' });
    const dnd = await agent({ state: 'dnd' });
    await db.dataSource.getRepository(CallEntity).insert({
      pbxNodeId: '00000000-0000-4000-8000-0000000000aa', channelId: 'ch-1', direction: 'inbound', callerNumber: '555', callerName: '', calledNumber: '7000',
      agentId: talking, status: 'active', offeredAt: new Date(),
    });

    await sut.onModuleInit();
    await sut.flush();

    expect((await row(ring)).state).toBe('available');
    expect((await row(wrapUp)).state).toBe('available');
    expect((await row(idleOnCall)).state).toBe('available');
    expect((await row(talking)).state).toBe('on-call'); // the calls resync decides
    expect(sut.peek(ownWrapUp)?.state).toBe('wrap-up'); // the rest of its own 60 s
    expect(sut.peek(away)).toMatchObject({ state: 'away', reason: 'lunch' });
    expect(sut.peek(dnd)?.state).toBe('dnd');
    expect(await logOf(ring)).toEqual(['ringing>available:restart:-']);
    expect(await logOf(idleOnCall)).toEqual(['on-call>available:restart:-']);
    expect(await logOf(away)).toEqual([]);
    expect([...sut.availableIds()].sort()).toEqual([ring, wrapUp, idleOnCall].sort());
  });
});
