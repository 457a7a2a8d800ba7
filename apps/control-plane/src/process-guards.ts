import type { EventEmitter } from 'node:events';
import { errorMessage } from '@callplane/core';

/** The part of a pino logger the guards use. */
export interface GuardLog {
  error(obj: Record<string, unknown>, msg: string): void;
  fatal(obj: Record<string, unknown>, msg: string): void;
}

/**
 * Last-resort process handlers of the control plane (installed by main.ts before boot).
 *
 * - `unhandledRejection`: logged (with the call id when the error carries one in
 *   `details.callId`, as IvrCallerHangupError does) and the process keeps serving. A promise
 *   nobody awaited belongs to one call's work; Node's default (exit) would drop every other
 *   call and everything after it until a restart. The root causes are fixed where found (every
 *   promise gets a handler); this keeps a missed one from becoming an outage.
 * - `uncaughtException`: logged as fatal, then exit(1): a synchronous throw that unwound to the
 *   event loop may have left shared state half-updated (Node: "not safe to resume"). The calls
 *   live on in the PBX and the restarted process adopts them (resync).
 *
 * @returns a function removing both handlers
 */
export function installProcessGuards(proc: EventEmitter, log: GuardLog, exit: (code: number) => void): () => void {
  const onRejection = (reason: unknown): void => {
    const details = (reason as { details?: Record<string, unknown> } | undefined)?.details;
    log.error(
      { callId: details?.callId, code: (reason as { code?: unknown } | undefined)?.code, err: errorMessage(reason), stack: reason instanceof Error ? reason.stack : undefined },
      'unhandled promise rejection (a bug: logged, callplane keeps serving)',
    );
  };
  const onException = (err: unknown): void => {
    log.fatal({ err: errorMessage(err), stack: err instanceof Error ? err.stack : undefined }, 'uncaught exception; exiting (calls are adopted after the restart)');
    // Give pino a tick to flush before exiting.
    setTimeout(() => exit(1), 50);
  };
  proc.on('unhandledRejection', onRejection);
  proc.on('uncaughtException', onException);
  return () => {
    proc.off('unhandledRejection', onRejection);
    proc.off('uncaughtException', onException);
  };
}
