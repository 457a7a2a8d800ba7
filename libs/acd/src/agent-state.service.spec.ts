import { AgentEntity } from '@callplane/persistence';
import { CallEventsBus } from '@callplane/calls';
import { openTestDataSource, TestDataSource } from '../../persistence/src/testing';
import { AgentStateIllegalError } from './acd.errors';
import { AgentStateService } from './agent-state.service';

describe(AgentStateService.name, () => {
  let db: TestDataSource;
  let sut: AgentStateService;
  let bus: CallEventsBus;

  const agent = async (state: AgentEntity['state'] = 'offline'): Promise<string> => {
    const repo = db.dataSource.getRepository(AgentEntity);
    return (await repo.save(repo.create({ name: 'A', endpoint: '1001', state, stateChangedAt: new Date(0), skills: {} }))).id;
  };
  const row = (id: string) => db.dataSource.getRepository(AgentEntity).findOneByOrFail({ id });

  beforeEach(async () => {
    db = await openTestDataSource('sqlite');
    bus = new CallEventsBus();
    sut = new AgentStateService(db.dataSource.getRepository(AgentEntity), bus);
  });

  afterEach(async () => {
    jest.useRealTimers();
    await sut.onModuleDestroy();
    await db.close();
  });

  it('persists a legal change and publishes agent.state', async () => {
    const id = await agent();
    const seen: string[] = [];
    bus.on('agent.state', (e) => seen.push(`${e.agentId}:${e.state}`));

    const status = await sut.set(id, 'available');
    await sut.flush();

    expect(status.state).toBe('available');
    expect(seen).toEqual([`${id}:available`]);
    expect((await row(id)).state).toBe('available');
  });

  it('refuses illegal changes with agent-state-illegal', async () => {
    const id = await agent();
    await sut.set(id, 'available');
    expect(sut.tryTransition(id, 'ringing', 'ring')).toBe(true);
    expect(sut.tryTransition(id, 'ringing', 'ring')).toBe(false);
    await expect(sut.set(id, 'away')).rejects.toThrow(AgentStateIllegalError);
    await expect(sut.set(id, 'away')).rejects.toMatchObject({ code: 'agent-state-illegal' });
  });

  it('wraps up for the queue’s wrap-up time, then is available (fake clock)', async () => {
    const id = await agent();
    await sut.set(id, 'available');
    sut.tryTransition(id, 'ringing', 'ring');
    sut.tryTransition(id, 'on-call', 'answer');
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    jest.setSystemTime(new Date('2026-05-01T12:00:00Z'));

    sut.startWrapUp(id, 30);
    expect(sut.peek(id)).toMatchObject({ state: 'wrap-up', lastCallEndedAt: new Date('2026-05-01T12:00:00Z') });
    jest.advanceTimersByTime(29_999);
    expect(sut.peek(id)?.state).toBe('wrap-up');
    jest.advanceTimersByTime(1);
    expect(sut.peek(id)?.state).toBe('available');
    await sut.flush();
    const saved = await row(id);
    expect(saved.state).toBe('available');
    expect(saved.lastCallEndedAt?.toISOString()).toBe('2026-05-01T12:00:00.000Z');
  });

  it('an agent going away during wrap-up cancels the timer', async () => {
    const id = await agent();
    await sut.set(id, 'available');
    sut.tryTransition(id, 'ringing', 'ring');
    sut.tryTransition(id, 'on-call', 'answer');
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    sut.startWrapUp(id, 10);
    await sut.set(id, 'away');
    jest.advanceTimersByTime(20_000);
    expect(sut.peek(id)?.state).toBe('away');
  });

  it('at boot, turns states left over from a previous process (ringing, wrap-up) into available', async () => {
    const ringing = await agent('ringing');
    const wrapUp = await agent('wrap-up');
    const busy = await agent('on-call');
    await sut.onModuleInit();
    await sut.flush();
    expect((await row(ringing)).state).toBe('available');
    expect((await row(wrapUp)).state).toBe('available');
    expect((await row(busy)).state).toBe('on-call');
  });
});
