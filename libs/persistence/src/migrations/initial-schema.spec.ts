import { DataSource } from 'typeorm';
import { createTestDatabase, testDatabaseKinds, TestDatabase } from '../testing';
import { createDataSourceOptions } from '../data-source.options';
import { ENTITIES } from '../entities';
import { InitialSchema1763700000000 } from './1763700000000-initial-schema';
import { AcdFull1764870000000 } from './1764870000000-acd-full';
import { MIGRATIONS } from './index';

const TABLES = ['agent_state_log', 'queue_callbacks', 'pbx_nodes', 'users', 'api_keys', 'agents', 'queues', 'queue_members', 'inbound_routes', 'calls', 'call_legs', 'call_events', 'ivr_flows', 'ivr_flow_versions', 'transfers'];
const MIGRATION_NAMES = MIGRATIONS.map((m) => m.name);

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
  /** Reverts applied migrations, newest first, until `keep` more remain (0: all reverted). */
  const revertUntil = async (keep: number) => {
    for (let i = MIGRATION_NAMES.length; i > keep; i--) await sut.undoLastMigration();
  };
  /** Reverts every migration from `name` on, leaving the ones before it applied. */
  const revertFrom = (name: string) => revertUntil(MIGRATION_NAMES.indexOf(name));
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
    await revertUntil(0);
    expect(await tableNames()).toEqual([]);
    expect(await sut.showMigrations()).toBe(true);
    const applied = await sut.runMigrations();
    expect(applied.map((m) => m.name)).toEqual(MIGRATION_NAMES);
    expect(await tableNames()).toEqual([...TABLES].sort());
  });

  it('AcdFull renames busy to on-call and turns skill lists into skill → proficiency, and back', async () => {
    await revertFrom(AcdFull1764870000000.name);
    const id = '00000000-0000-4000-8000-00000000a001';
    await sut.query(`INSERT INTO agents (id, name, endpoint, state, stateChangedAt, skills) VALUES (?, 'A', '1001', 'busy', '2026-12-04 10:00:00.000', '["de","billing"]')`, [id]);
    await sut.runMigrations();
    const [row] = await sut.query('SELECT state, skills, maxNoAnswer, callsAnswered FROM agents WHERE id = ?', [id]);
    expect(row.state).toBe('on-call');
    expect(JSON.parse(row.skills)).toEqual({ de: 50, billing: 50 });
    expect(Number(row.maxNoAnswer)).toBe(3);
    expect(Number(row.callsAnswered)).toBe(0);
    await revertFrom(AcdFull1764870000000.name);
    const [back] = await sut.query('SELECT state, skills FROM agents WHERE id = ?', [id]);
    expect(back.state).toBe('busy');
    expect(JSON.parse(back.skills)).toEqual(['de', 'billing']);
    await sut.query('DELETE FROM agents WHERE id = ?', [id]);
    await sut.runMigrations();
  });

  it('AcdFull gives queues created before it empty skill and VIP lists', async () => {
    await revertFrom(AcdFull1764870000000.name);
    const id = '00000000-0000-4000-8000-00000000b001';
    await sut.query(`INSERT INTO queues (id, name, strategy) VALUES (?, 'old', 'ring-all')`, [id]);
    await sut.runMigrations();
    const [row] = await sut.query('SELECT requiredSkills, vipNumbers, tierWaitS FROM queues WHERE id = ?', [id]);
    expect(JSON.parse(row.requiredSkills)).toEqual([]);
    expect(JSON.parse(row.vipNumbers)).toEqual([]);
    expect(Number(row.tierWaitS)).toBe(10);
    await sut.query('DELETE FROM queues WHERE id = ?', [id]);
  });
});
