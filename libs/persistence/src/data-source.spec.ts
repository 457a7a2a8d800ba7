import type { DataSource } from 'typeorm';

describe('data-source.ts (TypeORM CLI entry)', () => {
  const saved = process.env.DATABASE_URL;
  afterEach(() => {
    if (saved === undefined) delete process.env.DATABASE_URL;
    else process.env.DATABASE_URL = saved;
  });

  it('builds a DataSource from the environment that does not migrate on its own', async () => {
    process.env.DATABASE_URL = 'sqlite::memory:';
    // Required here, after DATABASE_URL is set: the module reads the environment when loaded.
    const sut: DataSource = require('./data-source').default;
    expect(sut.options).toMatchObject({ type: 'better-sqlite3', database: ':memory:', migrationsRun: false });
    await sut.initialize();
    try {
      expect(await sut.showMigrations()).toBe(true); // the CLI decides when to run them
      await sut.runMigrations();
      expect(await sut.showMigrations()).toBe(false);
    } finally {
      await sut.destroy();
    }
  });
});
