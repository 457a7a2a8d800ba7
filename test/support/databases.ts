import { randomBytes } from 'node:crypto';
import { createConnection } from 'mysql2/promise';

/** Which real database a suite runs on. */
export type TestDatabaseKind = 'sqlite' | 'mariadb';

export interface TestDatabase {
  kind: TestDatabaseKind;
  /** DATABASE_URL for callplane's config. */
  url: string;
  /** Drop the database / delete the file. */
  drop(): Promise<void>;
}

const MARIADB = { host: '127.0.0.1', port: 3306, user: 'root', password: '' };

let mariadbReachable: Promise<boolean> | undefined;

/** True when the MariaDB of the test machine (127.0.0.1:3306, root, no password) answers. */
export function isMariadbReachable(): Promise<boolean> {
  mariadbReachable ??= createConnection({ ...MARIADB, connectTimeout: 2000 })
    .then(async (c) => {
      await c.end();
      return true;
    })
    .catch(() => false);
  return mariadbReachable;
}

/** Kinds to run a DB-parameterised suite on: SQLite always, MariaDB when reachable (with a loud note when not). */
export async function databaseKinds(): Promise<TestDatabaseKind[]> {
  if (await isMariadbReachable()) return ['sqlite', 'mariadb'];
  // eslint-disable-next-line no-console
  console.warn('MariaDB at 127.0.0.1:3306 is NOT reachable: MariaDB variants of the tests are skipped. Start it with `start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd`.');
  return ['sqlite'];
}

/** A fresh, empty database of the given kind (SQLite: a temp file; MariaDB: a new schema). */
export async function createTestDatabase(kind: TestDatabaseKind): Promise<TestDatabase> {
  const name = `cp_test_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  if (kind === 'sqlite') {
    const { mkdtempSync, rmSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'callplane-'));
    return { kind, url: `sqlite:${join(dir, `${name}.sqlite`)}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const conn = await createConnection(MARIADB);
  await conn.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  await conn.end();
  return {
    kind,
    url: `mysql://root@127.0.0.1:3306/${name}`,
    drop: async () => {
      const c = await createConnection(MARIADB);
      await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await c.end();
    },
  };
}

/**
 * Database kinds for `describe.each` (which needs them synchronously): SQLite always; MariaDB
 * when its port answers, else a loud warning that the MariaDB variant is skipped.
 */
export function databaseKindsSync(): TestDatabaseKind[] {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('node:child_process') as typeof import('node:child_process');
  const probe = spawnSync('bash', ['-c', 'exec 3<>/dev/tcp/127.0.0.1/3306'], { timeout: 2000 });
  if (probe.status === 0) return ['sqlite', 'mariadb'];
  // eslint-disable-next-line no-console
  console.warn('MariaDB at 127.0.0.1:3306 is NOT reachable: the MariaDB variants of this suite are skipped.');
  return ['sqlite'];
}
