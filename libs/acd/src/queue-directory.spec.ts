import { AgentEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { openTestDataSource, testDatabaseKinds, TestDataSource } from '../../persistence/src/testing';
import { QueueNotFoundError } from './acd.errors';
import { QueueDirectory } from './queue-directory';

describe.each(testDatabaseKinds())(`${QueueDirectory.name} on %s`, (kind) => {
  let db: TestDataSource;
  let sut: QueueDirectory;

  beforeAll(async () => {
    db = await openTestDataSource(kind);
    sut = new QueueDirectory(db.dataSource.getRepository(QueueEntity), db.dataSource.getRepository(QueueMemberEntity));
  });

  afterAll(async () => {
    await db?.close();
  });

  it('reads members with their agents: tier, position, skills, counters, ring timeout; dates with ms, nulls kept', async () => {
    const ds = db.dataSource;
    const queue = await ds.getRepository(QueueEntity).save(ds.getRepository(QueueEntity).create({ name: `q-${kind}`, strategy: 'longest-idle' }));
    const ended = new Date('2026-04-05T06:07:08.901Z');
    const a = await ds.getRepository(AgentEntity).save(ds.getRepository(AgentEntity).create({ name: 'Ann', endpoint: '1001', state: 'available', stateChangedAt: new Date('2026-04-05T06:00:00.123Z'), skills: { french: 80, billing: 40 }, lastCallEndedAt: ended, callsAnswered: 7, talkTimeS: 123.5, ringTimeoutS: 12 }));
    const b = await ds.getRepository(AgentEntity).save(ds.getRepository(AgentEntity).create({ name: 'Bob', endpoint: '1002', state: 'away', stateChangedAt: new Date(), skills: {} }));
    await ds.getRepository(QueueMemberEntity).insert([{ queueId: queue.id, agentId: a.id, penalty: 2, tier: 2, position: 5 }, { queueId: queue.id, agentId: b.id, penalty: 0 }]);

    const members = (await sut.membersOf(queue.id)).sort((x, y) => x.name.localeCompare(y.name));

    expect(members).toEqual([
      {
        agentId: a.id,
        name: 'Ann',
        endpoint: '1001',
        pbxNodeId: null,
        penalty: 2,
        tier: 2,
        position: 5,
        state: 'available',
        stateChangedAt: new Date('2026-04-05T06:00:00.123Z'),
        lastCallEndedAt: ended,
        skills: { french: 80, billing: 40 },
        callsAnswered: 7,
        talkTimeS: 123.5,
        ringTimeoutS: 12,
      },
      expect.objectContaining({ agentId: b.id, name: 'Bob', state: 'away', lastCallEndedAt: null, tier: 1, position: 0, skills: {}, callsAnswered: 0, talkTimeS: 0, ringTimeoutS: null }),
    ]);
    expect((await sut.queue(queue.id)).name).toBe(`q-${kind}`);
  });

  it('throws QueueNotFoundError for an unknown queue', async () => {
    await expect(sut.queue('00000000-0000-0000-0000-000000000000')).rejects.toThrow(QueueNotFoundError);
  });
});
