import { tmpdir } from 'node:os';
import { DataSource } from 'typeorm';
import { createDataSourceOptions, InboundRouteEntity } from '@callplane/persistence';
import { openTestDataSource, TestDataSource, testDatabaseKinds } from '@callplane/persistence/testing';
import { IvrFlowNameTakenError, IvrFlowNotFoundError } from '../ivr.errors';
import { twoLevelMenuFlow } from '../ivr-test-kit';
import { TypeOrmIvrFlowStore } from './typeorm-ivr-flow.store';

const def = twoLevelMenuFlow({ sales: 's', hardware: 'h', software: 'w' });

describe.each(testDatabaseKinds())(`${TypeOrmIvrFlowStore.name} on %s`, (kind) => {
  let db: TestDataSource;
  let sut: TypeOrmIvrFlowStore;

  beforeAll(async () => {
    db = await openTestDataSource(kind);
    sut = new TypeOrmIvrFlowStore(db.dataSource);
  });

  afterAll(() => db?.close());

  it('stores drafts and immutable, numbered versions', async () => {
    const f = await sut.create({ name: 'versions', draft: def });
    expect(f.publishedVersion).toBeUndefined();
    const v1 = await sut.publish(f.id, def);
    const changed = { ...def, nodes: def.nodes.slice(0, 3) };
    await sut.update(f.id, { draft: changed });
    const v2 = await sut.publish(f.id, changed);
    expect([v1.version, v2.version]).toEqual([1, 2]);
    expect((await sut.get(f.id))?.publishedVersion).toBe(2);
    expect((await sut.version(f.id, 1))?.definition).toEqual(def);
    expect((await sut.version(f.id, 2))?.definition.nodes).toHaveLength(3);
    expect((await sut.versions(f.id)).map((v) => v.version)).toEqual([1, 2]);
  });

  it('gives concurrent publishes distinct version numbers', async () => {
    const f = await sut.create({ name: 'concurrent', draft: def });
    const versions = await Promise.all([1, 2, 3].map(() => sut.publish(f.id, def)));
    expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3]);
  });

  it('gives distinct numbers when two processes (two connections) publish at once', async () => {
    const other = new DataSource(createDataSourceOptions({ DATABASE_URL: db.url, DATA_DIR: tmpdir() }));
    await other.initialize();
    try {
      const f = await sut.create({ name: 'two-processes', draft: def });
      const second = new TypeOrmIvrFlowStore(other);
      const versions = await Promise.all([sut.publish(f.id, def), second.publish(f.id, def), sut.publish(f.id, def), second.publish(f.id, def)]);
      expect(versions.map((v) => v.version).sort()).toEqual([1, 2, 3, 4]);
    } finally {
      await other.destroy();
    }
  });

  it('refuses a taken name and unknown ids; delete removes versions too', async () => {
    const f = await sut.create({ name: 'unique', draft: def });
    await expect(sut.create({ name: 'unique', draft: def })).rejects.toBeInstanceOf(IvrFlowNameTakenError);
    await expect(sut.update('00000000-0000-4000-8000-000000000000', { name: 'x' })).rejects.toBeInstanceOf(IvrFlowNotFoundError);
    await sut.publish(f.id, def);
    await sut.delete(f.id);
    expect(await sut.get(f.id)).toBeUndefined();
    expect(await sut.versions(f.id)).toEqual([]);
  });

  it('refuses to delete a flow an inbound route points at', async () => {
    const f = await sut.create({ name: 'routed', draft: def });
    await db.dataSource.getRepository(InboundRouteEntity).insert({ did: '7999', pbxNodeId: null, targetType: 'ivr', targetId: f.id });
    await expect(sut.delete(f.id)).rejects.toMatchObject({ code: 'ivr-flow-in-use', httpStatus: 409, dids: ['7999'] });
    expect(await sut.get(f.id)).toBeDefined();
  });
});
