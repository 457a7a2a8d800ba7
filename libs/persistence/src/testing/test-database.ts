import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import { createConnection } from 'mysql2/promise';
import { createDataSourceOptions } from '../data-source.options';

/** Which real database a test runs on. */
export type TestDatabaseKind = 'sqlite' | 'mariadb';

/** The test machine's MariaDB (brief: 127.0.0.1:3306, root, no password). */
export const TEST_MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' } as const;

const MARIADB_DOWN_MESSAGE =
  'MariaDB at 127.0.0.1:3306 is NOT reachable: the MariaDB variants of the persistence/REST tests are SKIPPED. ' +
  'Start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`.';

let reachable: boolean | undefined;

/**
 * True when MariaDB accepts a TCP connection at 127.0.0.1:3306. Synchronous (a child process,
 * ≤ 2 s) so that `describe.each(testDatabaseKinds())` can be declared at module load.
 */
export function isMariadbReachableSync(): boolean {
  if (reachable === undefined) {
    const probe = `const s=require('net').connect(${TEST_MARIADB.port},'${TEST_MARIADB.host}');s.setTimeout(1500);` +
      "s.on('connect',()=>process.exit(0));s.on('error',()=>process.exit(1));s.on('timeout',()=>process.exit(1));";
    try {
      execFileSync(process.execPath, ['-e', probe], { stdio: 'ignore', timeout: 2500 });
      reachable = true;
    } catch {
      // execFileSync throws on the probe's non-zero exit or its timeout: nothing accepts connections there.
      reachable = false;
    }
  }
  return reachable;
}

/**
 * Kinds a DB-parameterised suite runs on: `sqlite` always, `mariadb` when reachable. When it is
 * not, a warning says so clearly (the MariaDB variant is skipped, not failed).
 * Usage: `describe.each(testDatabaseKinds())('on %s', (kind) => { … })`.
 */
export function testDatabaseKinds(): TestDatabaseKind[] {
  if (isMariadbReachableSync()) return ['sqlite', 'mariadb'];
  // eslint-disable-next-line no-console
  console.warn(MARIADB_DOWN_MESSAGE);
  return ['sqlite'];
}

/** An empty database of its own for one test run. */
export interface TestDatabase {
  kind: TestDatabaseKind;
  /** `DATABASE_URL` for callplane's config (`sqlite:/tmp/…/x.sqlite` or `mysql://root@127.0.0.1:3306/cp_test_…`). */
  url: string;
  /** Delete the file / drop the database. */
  drop(): Promise<void>;
}

/**
 * A fresh, empty database: SQLite → a file in a new temp dir; MariaDB → a new uniquely named
 * schema (utf8mb4). Migrations have NOT run yet (the app or {@link openTestDataSource} runs them).
 * @throws when MariaDB is unreachable (check {@link testDatabaseKinds} first).
 */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const name = `cp_test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  if (kind === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'callplane-db-'));
    return { kind, url: `sqlite:${join(dir, `${name}.sqlite`)}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const admin = await createConnection({ ...TEST_MARIADB, connectTimeout: 2000 });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  return {
    kind,
    url: `mysql://${TEST_MARIADB.user}@${TEST_MARIADB.host}:${TEST_MARIADB.port}/${name}`,
    drop: async () => {
      const c = await createConnection({ ...TEST_MARIADB });
      try {
        await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await c.end();
      }
    },
  };
}

/** A migrated, initialised DataSource over its own {@link TestDatabase}. */
export interface TestDataSource {
  kind: TestDatabaseKind;
  dataSource: DataSource;
  /** `DATABASE_URL` of the same database (e.g. to boot a Nest app on it). */
  url: string;
  /** Destroy the DataSource and drop the database. */
  close(): Promise<void>;
}

/** A real database of the given kind with every migration applied (what other libs' tests use). */
export async function openTestDataSource(kind: TestDatabaseKind): Promise<TestDataSource> {
  const db = await createTestDatabase(kind);
  const dataSource = new DataSource(createDataSourceOptions({ DATABASE_URL: db.url, DATA_DIR: tmpdir() }));
  try {
    await dataSource.initialize();
  } catch (err) {
    await db.drop();
    throw err;
  }
  return {
    kind,
    dataSource,
    url: db.url,
    close: async () => {
      if (dataSource.isInitialized) await dataSource.destroy();
      await db.drop();
    },
  };
}
