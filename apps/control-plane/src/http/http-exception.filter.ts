import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus } from '@nestjs/common';
import { createLogger, DomainError, ValidationError } from '@callplane/core';
import type { ErrorBody } from '@callplane/contracts';
import { isForeignKeyViolation, isUniqueViolation } from '@callplane/persistence';
import { RequestValidationError } from './request-validation';

/** The part of Express's response the filter uses (@types/express is not installed). */
interface JsonResponse {
  status(code: number): { json(body: unknown): void };
}

const HTTP_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  409: 'conflict',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
  429: 'too-many-requests',
};

/**
 * The one place errors become HTTP answers ({@link ErrorBody}):
 * - DomainError → its `httpStatus` and `code` (+ `details`; `fields` for validation errors);
 * - Nest HttpException (unknown route, malformed JSON, …) → its status with a code from the status;
 * - a 4xx raised by Express middleware (http-errors with `expose`, e.g. body-parser's 413) → that status;
 * - a database unique/foreign-key violation that slipped past a service check → 409 `conflict`;
 * - anything else → 500 `internal-error`, logged with its stack (never leaked to the client).
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly log = createLogger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const response = host.switchToHttp().getResponse<JsonResponse>();
    const body = this.toBody(exception);
    response.status(body.statusCode).json(body);
  }

  toBody(exception: unknown): ErrorBody {
    if (exception instanceof RequestValidationError) {
      return { statusCode: 400, code: exception.code, message: exception.message, fields: exception.fields };
    }
    if (exception instanceof ValidationError) {
      const field = String(exception.details?.field ?? '');
      return { statusCode: exception.httpStatus, code: exception.code, message: exception.message, details: exception.details, fields: [{ field, errors: [exception.message] }] };
    }
    if (exception instanceof DomainError) {
      return { statusCode: exception.httpStatus, code: exception.code, message: exception.message, ...(exception.details ? { details: exception.details } : {}) };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const raw = typeof res === 'string' ? res : (res as { message?: unknown }).message;
      const message = Array.isArray(raw) ? raw.join('; ') : String(raw ?? exception.message);
      return { statusCode: status, code: HTTP_CODES[status] ?? (status >= 500 ? 'internal-error' : 'http-error'), message };
    }
    const clientError = asExposedClientError(exception);
    if (clientError) return { statusCode: clientError.status, code: HTTP_CODES[clientError.status] ?? 'bad-request', message: clientError.message };
    if (isUniqueViolation(exception)) return { statusCode: HttpStatus.CONFLICT, code: 'conflict', message: 'A record with the same unique value exists' };
    if (isForeignKeyViolation(exception)) return { statusCode: HttpStatus.CONFLICT, code: 'conflict', message: 'A referenced record does not exist or is still in use' };
    this.log.error({ err: exception instanceof Error ? { message: exception.message, stack: exception.stack } : String(exception) }, 'unhandled error in HTTP request');
    return { statusCode: HttpStatus.INTERNAL_SERVER_ERROR, code: 'internal-error', message: 'Internal server error' };
  }
}

/** http-errors objects (body-parser: entity too large, bad encoding) carry `status` and `expose: true` for 4xx. */
function asExposedClientError(err: unknown): { status: number; message: string } | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const { status, expose, message } = err as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  return { status, message: typeof message === 'string' ? message : 'Bad request' };
}
