import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Test } from '@nestjs/testing';
import { getRepositoryToken } from '@nestjs/typeorm';
import { DataSource, Repository } from 'typeorm';
import { StartupError } from '@callplane/core';
import { createDataSourceOptions, describeDatabase } from './data-source.options';
import { PersistenceModule } from './persistence.module';
import { QueueEntity } from './entities';
import { MIGRATIONS } from './migrations';

describe(createDataSourceOptions.name, () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'callplane-ds-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('defaults to a WAL SQLite file under DATA_DIR, creating the directory, migrations on, no synchronize', () => {
    const dataDir = join(dir, 'nested', 'data');
    const sut = createDataSourceOptions({ DATABASE_URL: undefined, DATA_DIR: dataDir });
    expect(sut).toMatchObject({ type: 'better-sqlite3', database: join(dataDir, 'callplane.sqlite'), enableWAL: true, migrationsRun: true, synchronize: false });
    expect(existsSync(dataDir)).toBe(true);
  });

  it('maps mysql://, mariadb://, sqlite::memory: and sqlite:/file', () => {
    expect(createDataSourceOptions({ DATABASE_URL: 'mysql://u:p@db:3306/cp', DATA_DIR: dir })).toMatchObject({ type: 'mysql', url: 'mysql://u:p@db:3306/cp', timezone: 'Z' });
    expect(createDataSourceOptions({ DATABASE_URL: 'mariadb://u:p@db:3306/cp', DATA_DIR: dir })).toMatchObject({ type: 'mysql', url: 'mysql://u:p@db:3306/cp' });
    expect(createDataSourceOptions({ DATABASE_URL: 'sqlite::memory:', DATA_DIR: dir })).toMatchObject({ type: 'better-sqlite3', database: ':memory:', enableWAL: false });
    expect(describeDatabase({ DATABASE_URL: `sqlite:${dir}/x.sqlite`, DATA_DIR: dir })).toEqual({ kind: 'sqlite', file: `${dir}/x.sqlite` });
  });

  it('rejects an unknown scheme with a StartupError that says what to use', () => {
    expect(() => createDataSourceOptions({ DATABASE_URL: 'postgres://x/y', DATA_DIR: dir })).toThrow(StartupError);
    expect(() => createDataSourceOptions({ DATABASE_URL: 'postgres://x/y', DATA_DIR: dir })).toThrow(/mysql:\/\//);
  });

  it('creates and migrates the default SQLite database in WAL mode on first use', async () => {
    const sut = new DataSource(createDataSourceOptions({ DATABASE_URL: undefined, DATA_DIR: join(dir, 'data') }));
    await sut.initialize();
    try {
      expect(await sut.query('PRAGMA journal_mode')).toEqual([{ journal_mode: 'wal' }]);
      expect(await sut.query('PRAGMA foreign_keys')).toEqual([{ foreign_keys: 1 }]);
      expect(await sut.showMigrations()).toBe(false);
      // Every migration reverts (down to an empty schema), however many there are.
      for (let i = 0; i < MIGRATIONS.length; i++) await sut.undoLastMigration();
      expect(await sut.query("SELECT name FROM sqlite_master WHERE type='table' AND name='calls'")).toEqual([]);
    } finally {
      await sut.destroy();
    }
    expect(existsSync(join(dir, 'data', 'callplane.sqlite'))).toBe(true);
  });
});

describe(PersistenceModule.name, () => {
  it('refuses to boot on a database migrated by a newer build', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'callplane-ds-'));
    try {
      const config = { DATABASE_URL: `sqlite:${join(dir, 'x.sqlite')}`, DATA_DIR: dir };
      const ds = new DataSource(createDataSourceOptions(config));
      await ds.initialize();
      await ds.query(`INSERT INTO migrations (timestamp, name) VALUES (1893456000000, 'FromTheFuture1893456000000')`);
      await ds.destroy();
      const moduleRef = await Test.createTestingModule({ imports: [PersistenceModule.forRoot(config)] }).compile();
      await expect(moduleRef.init()).rejects.toThrow(/FromTheFuture1893456000000/);
      // close() would re-throw the failed init; release the database directly.
      await moduleRef.get(DataSource).destroy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('provides migrated repositories of every entity to the app', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PersistenceModule.forRoot({ DATABASE_URL: 'sqlite::memory:', DATA_DIR: tmpdir() })] }).compile();
    await moduleRef.init();
    try {
      const sut = moduleRef.get<Repository<QueueEntity>>(getRepositoryToken(QueueEntity));
      const saved = await sut.save({ name: 'q1', strategy: 'ring-all' as const });
      expect(await sut.findOneByOrFail({ id: saved.id })).toMatchObject({ name: 'q1', ringTimeoutS: 20 });
    } finally {
      await moduleRef.close();
    }
  });
});
