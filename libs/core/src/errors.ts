/**
 * Base of every error callplane raises on purpose. `code` is stable (clients switch on it);
 * `httpStatus` is how the one HTTP exception filter maps it; Socket.IO acks carry
 * `{ ok: false, error: { code, message } }`.
 */
export abstract class DomainError extends Error {
  /** Stable, kebab-case machine code, e.g. `channel-not-found`. */
  abstract readonly code: string;
  /** HTTP status the REST edge answers with (default 400). */
  readonly httpStatus: number = 400;
  /** Optional structured details safe to show to the client (field names, ids). */
  readonly details?: Record<string, unknown>;

  constructor(message: string, details?: Record<string, unknown>) {
    super(message);
    this.name = new.target.name;
    this.details = details;
  }
}

/** Input failed validation; `details.field` names the offending field. HTTP 400. */
export class ValidationError extends DomainError {
  readonly code = 'validation-failed';
  constructor(field: string, message: string, details: Record<string, unknown> = {}) {
    super(`${field}: ${message}`, { field, ...details });
  }
}

/** A referenced entity does not exist. HTTP 404. */
export class NotFoundError extends DomainError {
  readonly code: string = 'not-found';
  override readonly httpStatus = 404;
  constructor(entity: string, id: string | number) {
    super(`${entity} ${id} not found`, { entity, id });
  }
}

/** The request conflicts with the current state (e.g. an illegal state transition). HTTP 409. */
export class ConflictError extends DomainError {
  readonly code: string = 'conflict';
  override readonly httpStatus = 409;
}

/** Missing or invalid credentials. HTTP 401. */
export class UnauthenticatedError extends DomainError {
  readonly code = 'unauthenticated';
  override readonly httpStatus = 401;
}

/** Authenticated, but the role may not do this. HTTP 403. */
export class ForbiddenError extends DomainError {
  readonly code = 'forbidden';
  override readonly httpStatus = 403;
}

/**
 * Boot cannot continue (invalid config, duplicate plug-in, missing migration).
 * The message must say how to fix it. Never caught: the process exits with it.
 */
export class StartupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** Message of any thrown value, for logs. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
