import { randomUUID } from 'node:crypto';
import { CallEntity, CallEventEntity } from '@callplane/persistence';
import { openTestDataSource, testDatabaseKinds, TestDataSource } from '../../persistence/src/testing';
import { FastSql, InsertBatcher } from './fast-sql';

describe.each(testDatabaseKinds())(`${FastSql.name} on %s`, (kind) => {
  let db: TestDataSource;

  beforeAll(async () => {
    db = await openTestDataSource(kind);
  });

  afterAll(async () => {
    await db?.close();
  });

  const call = (): Partial<CallEntity> => ({
    id: randomUUID(),
    pbxNodeId: randomUUID(),
    channelId: randomUUID(),
    direction: 'inbound',
    callerNumber: '1',
    callerName: 'A',
    calledNumber: '2',
    status: 'active',
    offeredAt: new Date('2026-01-02T03:04:05.678Z'),
  });

  it('writes values TypeORM reads back unchanged (ms timestamps, stamps createdAt/updatedAt)', async () => {
    const repo = db.dataSource.getRepository(CallEntity);
    const sut = new FastSql(repo);
    const row = call();
    expect(await sut.insert([row])).toBe(1);
    const read = await repo.findOneByOrFail({ id: row.id });
    expect(read.offeredAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(read.createdAt).toBeInstanceOf(Date);
    expect(read.answeredAt).toBeNull();

    expect(await sut.update({ answeredAt: new Date('2026-01-02T03:04:09.001Z'), waitS: 3.323 }, { id: row.id, answeredAt: null })).toBe(1);
    expect(await sut.update({ answeredAt: new Date() }, { id: row.id, answeredAt: null })).toBe(0);
    const updated = await repo.findOneByOrFail({ id: row.id });
    expect(updated.answeredAt?.toISOString()).toBe('2026-01-02T03:04:09.001Z');
    expect(updated.waitS).toBeCloseTo(3.323);
  });

  it('skips duplicates when asked and rejects them otherwise', async () => {
    const sut = new FastSql(db.dataSource.getRepository(CallEntity));
    const row = call();
    await sut.insert([row]);
    expect(await sut.insert([{ ...row, id: randomUUID() }], { ignoreDuplicates: true })).toBe(0);
    await expect(sut.insert([{ ...row, id: randomUUID() }])).rejects.toThrow();
  });

  it('batches rows of many writers; a bad row fails alone', async () => {
    const callRow = call();
    await new FastSql(db.dataSource.getRepository(CallEntity)).insert([callRow]);
    const sut = new InsertBatcher(new FastSql(db.dataSource.getRepository(CallEventEntity)), { maxRows: 3 });
    const writes = Array.from({ length: 7 }, (_, i) => sut.add({ callId: callRow.id, at: new Date(), type: `t${i}`, data: { i } }));
    const bad = sut.add({ callId: 'no-such-call', at: new Date(), type: 'bad', data: null });
    await Promise.all(writes);
    await expect(bad).rejects.toThrow();
    await sut.flush();
    const rows = await db.dataSource.getRepository(CallEventEntity).find({ where: { callId: callRow.id }, order: { id: 'ASC' } });
    expect(rows.map((r) => r.type)).toEqual(['t0', 't1', 't2', 't3', 't4', 't5', 't6']);
    expect(rows[3].data).toEqual({ i: 3 });
  });
});
