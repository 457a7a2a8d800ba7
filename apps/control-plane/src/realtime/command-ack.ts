import { DomainError, errorMessage, Logger } from '@callplane/core';
import type { Ack } from '@callplane/contracts';

/**
 * The ack of a Socket.IO command that threw: a DomainError keeps its stable code, message and
 * details (the same codes as REST); anything else is logged and answered `internal-error`.
 */
export function failedAck(err: unknown, log: Logger, command: string): Ack<never> {
  if (err instanceof DomainError) return { ok: false, error: { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) } };
  log.error({ err: errorMessage(err) }, `${command} failed`);
  return { ok: false, error: { code: 'internal-error', message: 'Internal error' } };
}
