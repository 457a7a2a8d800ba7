import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import { StartupError, type AppConfig } from '@callplane/core';
import { ENTITIES } from './entities';
import { MIGRATIONS } from './migrations';
import { TimestampsSubscriber } from './timestamps.subscriber';

/** The part of {@link AppConfig} persistence reads. */
export type PersistenceConfig = Pick<AppConfig, 'DATABASE_URL' | 'DATA_DIR'>;

/**
 * Which database `DATABASE_URL` names:
 * - unset → SQLite file `${DATA_DIR}/callplane.sqlite` (the directory is created);
 * - `sqlite::memory:` → in-memory SQLite (tests); `sqlite:/path/file.sqlite` → that file;
 * - `mysql://user:pass@host:3306/db` → MySQL/MariaDB through mysql2; `mariadb://…` is an alias.
 * @throws StartupError for any other scheme.
 */
export function describeDatabase(config: PersistenceConfig): { kind: 'sqlite'; file: string } | { kind: 'mysql' | 'mariadb'; url: string } {
  const url = config.DATABASE_URL;
  if (!url) return { kind: 'sqlite', file: join(config.DATA_DIR, 'callplane.sqlite') };
  if (url === 'sqlite::memory:') return { kind: 'sqlite', file: ':memory:' };
  if (url.startsWith('sqlite:')) {
    const file = url.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (!file) throw new StartupError('DATABASE_URL "sqlite:" needs a file path, e.g. sqlite:/var/lib/callplane/callplane.sqlite');
    return { kind: 'sqlite', file };
  }
  if (url.startsWith('mysql://')) return { kind: 'mysql', url };
  if (url.startsWith('mariadb://')) return { kind: 'mariadb', url: `mysql://${url.slice('mariadb://'.length)}` };
  throw new StartupError(`DATABASE_URL scheme not supported: "${url.split(':')[0]}". Use mysql://, mariadb://, sqlite:/path or leave it unset for ${join(config.DATA_DIR, 'callplane.sqlite')}.`);
}

/**
 * TypeORM options for callplane's database (see {@link describeDatabase}). Migrations run at
 * initialisation (`migrationsRun`); `synchronize` is never used. SQLite runs in WAL mode with
 * foreign keys on; MySQL/MariaDB exchange times in UTC (`timezone: 'Z'`) over utf8mb4.
 * Side effect: creates the SQLite file's directory.
 */
export function createDataSourceOptions(config: PersistenceConfig): DataSourceOptions {
  const db = describeDatabase(config);
  const common = {
    entities: ENTITIES,
    migrations: MIGRATIONS,
    subscribers: [TimestampsSubscriber],
    migrationsRun: true,
    migrationsTransactionMode: 'each' as const,
    synchronize: false,
    logging: false,
  };
  if (db.kind === 'sqlite') {
    if (db.file !== ':memory:') mkdirSync(dirname(resolve(db.file)), { recursive: true });
    return { ...common, type: 'better-sqlite3', database: db.file, enableWAL: db.file !== ':memory:' };
  }
  // TypeORM's `mysql` driver for MariaDB too: its `mariadb` type maps uuid keys to MariaDB's native
  // UUID type (10.7+), which the portable schema (varchar(36)) does not use, and rejects the entities.
  return { ...common, type: 'mysql', url: db.url, timezone: 'Z', charset: 'utf8mb4_unicode_ci' };
}
