import pino, { Logger as PinoLogger, LoggerOptions } from 'pino';
import type { LoggerService } from '@nestjs/common';

export type Logger = PinoLogger;

let root: PinoLogger | undefined;

/**
 * The process-wide pino root logger. Configure it once at boot with {@link configureLogging};
 * before that (and in tests) it logs at `warn` to stdout.
 */
export function rootLogger(): PinoLogger {
  if (!root) root = pino({ level: process.env.LOG_LEVEL ?? 'warn', base: undefined });
  return root;
}

/** Replace the root logger (boot only). `pretty` uses pino-pretty when it is installed. */
export function configureLogging(opts: { level: string; pretty?: boolean }): PinoLogger {
  const options: LoggerOptions = { level: opts.level, base: undefined };
  if (opts.pretty) {
    try {
      require.resolve('pino-pretty');
      options.transport = { target: 'pino-pretty', options: { colorize: true, translateTime: 'SYS:HH:MM:ss.l' } };
    } catch {
      // pino-pretty is a devDependency; production images log JSON lines, which is what we want there.
    }
  }
  root = pino(options);
  return root;
}

/** A child logger tagged with a component name (and optional bindings such as `node`). */
export function createLogger(component: string, bindings: Record<string, unknown> = {}): PinoLogger {
  return rootLogger().child({ component, ...bindings });
}

/** Nest's LoggerService over pino, so Nest's own boot messages land in the same JSON stream. */
export class PinoNestLogger implements LoggerService {
  private readonly log_ = createLogger('nest');
  // Nest's own `log` lines (module wiring, routes) are boot noise: debug, so `info` stays about calls.
  log(message: unknown, context?: string): void { this.log_.debug({ context }, String(message)); }
  error(message: unknown, trace?: string, context?: string): void { this.log_.error({ context, trace }, String(message)); }
  warn(message: unknown, context?: string): void { this.log_.warn({ context }, String(message)); }
  debug(message: unknown, context?: string): void { this.log_.debug({ context }, String(message)); }
  verbose(message: unknown, context?: string): void { this.log_.trace({ context }, String(message)); }
}
