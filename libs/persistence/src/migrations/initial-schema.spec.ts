import { DataSource } from 'typeorm';
import { createTestDatabase, testDatabaseKinds, TestDatabase } from '../testing';
import { createDataSourceOptions } from '../data-source.options';
import { ENTITIES } from '../entities';
import { InitialSchema1763700000000 } from './1763700000000-initial-schema';

const TABLES = ['pbx_nodes', 'users', 'api_keys', 'agents', 'queues', 'queue_members', 'inbound_routes', 'calls', 'call_legs', 'call_events', 'ivr_flows', 'ivr_flow_versions'];

describe.each(testDatabaseKinds())(`${InitialSchema1763700000000.name} on %s`, (kind) => {
  let db: TestDatabase;
  let sut: DataSource;

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    // mariadb:// is accepted as well as mysql:// (same mysql2 driver).
    const url = kind === 'mariadb' ? db.url.replace(/^mysql:/, 'mariadb:') : db.url;
    sut = new DataSource(createDataSourceOptions({ DATABASE_URL: url, DATA_DIR: '/nonexistent' }));
    await sut.initialize();
  });
  afterAll(async () => {
    if (sut?.isInitialized) await sut.destroy();
    await db?.drop();
  });

  const tableNames = async () => (await sut.createQueryRunner().getTables(TABLES)).map((t) => t.name.split('.').pop()).sort();

  it('creates every table an entity maps, with every mapped column', async () => {
    expect(sut.options.type).toBe(kind === 'mariadb' ? 'mysql' : 'better-sqlite3');
    expect(await tableNames()).toEqual([...TABLES].sort());
    const runner = sut.createQueryRunner();
    try {
      for (const entity of ENTITIES) {
        const meta = sut.getMetadata(entity);
        const table = await runner.getTable(meta.tableName);
        expect(table?.columns.map((c) => c.name).sort()).toEqual(meta.columns.map((c) => c.databaseName).sort());
      }
    } finally {
      await runner.release();
    }
  });

  it('reverts cleanly and applies again', async () => {
    await sut.undoLastMigration();
    expect(await tableNames()).toEqual([]);
    expect(await sut.showMigrations()).toBe(true);
    const applied = await sut.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(['InitialSchema1763700000000']);
    expect(await tableNames()).toEqual([...TABLES].sort());
  });
});
