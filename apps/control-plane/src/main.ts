import 'reflect-metadata';
import { configureLogging, createLogger, errorMessage, loadConfig, StartupError } from '@callplane/core';
import { createControlPlane } from './bootstrap';
import { startDemo } from './demo/demo';
import { installProcessGuards } from './process-guards';

/**
 * `node dist/apps/control-plane/src/main.js [--demo]`. With `--demo` (or DEMO=1) the PBX
 * simulators start in-process and scripted calls flow through callplane (README quick start).
 */
async function main(): Promise<void> {
  const demo = process.argv.includes('--demo');
  let config = loadConfig(process.env, demo ? { DEMO: 'true' } : {});
  // The demo is for people reading a terminal: pretty lines unless LOG_PRETTY says otherwise.
  configureLogging({ level: config.LOG_LEVEL, pretty: config.LOG_PRETTY ?? config.DEMO });
  const log = createLogger('main');
  // Before boot: a rejection nobody awaited inside one call's work must not end every call.
  installProcessGuards(process, createLogger('process'), (code) => process.exit(code));
  const demoRun = config.DEMO ? await startDemo(config) : undefined;
  if (demoRun) config = demoRun.config;
  const app = await createControlPlane(config);
  await app.listen(config.HTTP_PORT, config.HTTP_HOST);
  const url = await app.getUrl();
  log.info({ url, docs: `${url}/docs`, database: config.DATABASE_URL ? 'external' : `sqlite (${config.DATA_DIR})` }, 'callplane listening');
  if (demoRun) await demoRun.afterListen(app, url);
}

main().catch((err) => {
  const log = createLogger('main');
  if (err instanceof StartupError) log.fatal(err.message);
  else log.fatal({ err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined }, 'callplane failed to start');
  // Give pino a tick to flush before exiting.
  setTimeout(() => process.exit(1), 50);
});
