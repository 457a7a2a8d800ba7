import { AgentStateLogEntity } from '@callplane/persistence';
import { openTestDataSource, TestDataSource } from '../../persistence/src/testing';
import { AGENT_STATE_LOG_BATCH, AGENT_STATE_LOG_FLUSH_MS, AgentStateLogRow, AgentStateLogWriter } from './agent-state-log.writer';

const AGENT = '00000000-0000-4000-8000-0000000000a1';

describe(AgentStateLogWriter.name, () => {
  let db: TestDataSource;
  let sut: AgentStateLogWriter;
  const rows = () => db.dataSource.getRepository(AgentStateLogEntity).find({ order: { id: 'ASC' } });
  const entry = (i: number): AgentStateLogRow => ({ agentId: AGENT, at: new Date(Date.UTC(2026, 0, 1) + i), fromState: 'available', toState: 'ringing', reason: null, trigger: 'ring', byUserId: null });

  beforeEach(async () => {
    db = await openTestDataSource('sqlite');
    sut = new AgentStateLogWriter(db.dataSource.getRepository(AgentStateLogEntity));
  });

  afterEach(async () => {
    await sut.onModuleDestroy();
    await db.close();
  });

  it('only queues on append, and writes every queued row in order, in batches, at shutdown', async () => {
    const n = AGENT_STATE_LOG_BATCH * 2 + 7;
    for (let i = 0; i < n; i++) sut.append(entry(i));
    expect(await rows()).toEqual([]); // write-behind: nothing written by append itself

    await sut.onModuleDestroy();

    const written = await rows();
    expect(written).toHaveLength(n);
    expect(written.map((r) => r.at.getTime() - Date.UTC(2026, 0, 1))).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('writes on its own after the flush interval (fake clock)', async () => {
    jest.useFakeTimers({ doNotFake: ['nextTick', 'setImmediate', 'queueMicrotask'] });
    const settle = async () => {
      for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    };
    try {
      sut.append(entry(1));
      jest.advanceTimersByTime(AGENT_STATE_LOG_FLUSH_MS - 1);
      await settle();
      expect(await rows()).toHaveLength(0);
      jest.advanceTimersByTime(1);
      await settle();
      expect(await rows()).toHaveLength(1);
    } finally {
      jest.useRealTimers();
    }
  });

  it('queries newest first within the range, rows still queued included, limit clamped to 1…1000', async () => {
    for (let i = 0; i < 5; i++) sut.append(entry(i * 1000));
    const all = await sut.query(AGENT, { limit: 10 });
    expect(all.map((r) => r.at.getTime() - Date.UTC(2026, 0, 1))).toEqual([4000, 3000, 2000, 1000, 0]);
    const mid = await sut.query(AGENT, { from: new Date(Date.UTC(2026, 0, 1) + 1000), to: new Date(Date.UTC(2026, 0, 1) + 3000), limit: 10 });
    expect(mid.map((r) => r.at.getTime() - Date.UTC(2026, 0, 1))).toEqual([3000, 2000, 1000]);
    expect(await sut.query(AGENT, { limit: 0 })).toHaveLength(1);
    expect(await sut.query('00000000-0000-4000-8000-0000000000a2', { limit: 10 })).toEqual([]);
  });
});
