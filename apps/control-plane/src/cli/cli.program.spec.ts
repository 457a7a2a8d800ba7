import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@node-rs/bcrypt';
import { DataSource } from 'typeorm';
import { loadConfig } from '@callplane/core';
import { createDataSourceOptions, UserEntity } from '@callplane/persistence';
import { buildCli } from './cli.program';

describe(buildCli.name, () => {
  let dir: string;
  let out: string[];
  const run = (args: string[], stdin = '') => {
    const config = loadConfig({}, { NODE_ENV: 'test', DATA_DIR: dir });
    return buildCli(config, { out: (l) => out.push(l), readStdin: async () => stdin }).parseAsync(['node', 'callplane', ...args]);
  };
  const users = async () => {
    const ds = new DataSource(createDataSourceOptions({ DATABASE_URL: undefined, DATA_DIR: dir }));
    await ds.initialize();
    try {
      return await ds.getRepository(UserEntity).find();
    } finally {
      await ds.destroy();
    }
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'callplane-cli-'));
    out = [];
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('create-admin creates the database and an admin whose password verifies', async () => {
    await run(['create-admin', '--email', 'Boss@Example.com', '--password-stdin'], 'a-long-password\n');
    const [user] = await users();
    expect(user).toMatchObject({ email: 'boss@example.com', role: 'admin', displayName: 'Administrator' });
    expect(await verify('a-long-password', user.passwordHash)).toBe(true);
    expect(out).toEqual([`created admin boss@example.com (${user.id})`]);
  });

  it('refuses an existing email unless --update, and a short password', async () => {
    await run(['create-admin', '--email', 'boss@example.com', '--password', 'first-password']);
    await expect(run(['create-admin', '--email', 'boss@example.com', '--password', 'second-password'])).rejects.toMatchObject({ code: 'conflict' });
    await run(['create-admin', '--email', 'boss@example.com', '--password', 'second-password', '--update']);
    const all = await users();
    expect(all).toHaveLength(1);
    expect(await verify('second-password', all[0].passwordHash)).toBe(true);
    await expect(run(['create-admin', '--email', 'x@example.com', '--password', 'short'])).rejects.toMatchObject({ code: 'validation-failed' });
    await expect(run(['create-admin', '--email', 'x@example.com'])).rejects.toThrow(/password/);
  });
});
