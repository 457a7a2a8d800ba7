import { Command } from 'commander';
import { AppConfig } from '@callplane/core';
import { createAdmin } from './create-admin.command';

/** Where the CLI writes and reads (injectable for tests). */
export interface CliIo {
  out(line: string): void;
  /** All of stdin, for `--password-stdin`. */
  readStdin(): Promise<string>;
}

/**
 * `callplane` admin CLI (commander). Commands:
 * - `create-admin --email <email> (--password <pw> | --password-stdin) [--name <name>] [--update]`
 * Uses the same configuration (DATABASE_URL, DATA_DIR) as the server.
 */
export function buildCli(config: AppConfig, io: CliIo): Command {
  const program = new Command('callplane').description('callplane administration').exitOverride();
  program
    .command('create-admin')
    .description('Create an admin user (runs pending migrations first). No default password exists: choose one.')
    .requiredOption('--email <email>', 'login email')
    .option('--password <password>', 'password (≥ 8 chars; prefer --password-stdin, arguments are visible in ps)')
    .option('--password-stdin', 'read the password from standard input')
    .option('--name <displayName>', 'display name', 'Administrator')
    .option('--update', 'if the email exists, make it admin and set this password')
    .action(async (opts: { email: string; password?: string; passwordStdin?: boolean; name: string; update?: boolean }) => {
      const password = opts.passwordStdin ? (await io.readStdin()).replace(/\r?\n$/, '') : opts.password;
      if (!password) throw new Error('Give the password with --password-stdin (or --password).');
      const { user, created } = await createAdmin(config, { email: opts.email, password, displayName: opts.name, update: opts.update });
      io.out(`${created ? 'created' : 'updated'} admin ${user.email} (${user.id})`);
    });
  return program;
}
