import 'reflect-metadata';
import { CommanderError } from 'commander';
import { errorMessage, loadConfig } from '@callplane/core';
import { buildCli } from './cli.program';

/**
 * Admin CLI: `node dist/apps/control-plane/src/cli/main.js create-admin --email a@b.c --password-stdin`.
 * Reads the same environment as the server (DATABASE_URL, DATA_DIR).
 */
async function main(): Promise<void> {
  const config = loadConfig();
  const program = buildCli(config, {
    out: (line) => process.stdout.write(`${line}\n`),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
  });
  await program.parseAsync(process.argv);
}

main().catch((err) => {
  // commander already printed help/usage errors; everything else gets one line.
  if (!(err instanceof CommanderError)) process.stderr.write(`error: ${errorMessage(err)}\n`);
  process.exitCode = err instanceof CommanderError ? err.exitCode : 1;
});
