import type { IncomingMessage } from 'node:http';
import { SetMetadata } from '@nestjs/common';
import { DomainError, ValidationError } from '@callplane/core';

/** Largest body an unauthenticated caller (the login) may send, bytes. */
export const PUBLIC_MAX_BODY_BYTES = 16 * 1024;

/** The body is larger than allowed. HTTP 413 `payload-too-large`. */
export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  override readonly httpStatus = 413;
}

/** The body is nested deeper than allowed. HTTP 400 `body-too-deep`, before any validation runs. */
export class BodyTooDeepError extends DomainError {
  readonly code = 'body-too-deep';
  override readonly httpStatus = 400;
  constructor(maxDepth: number) {
    super(`Request body nests objects/arrays deeper than ${maxDepth} levels`, { maxDepth });
  }
}

/** The body is not valid JSON. HTTP 400 `bad-request`. */
export class MalformedBodyError extends DomainError {
  readonly code = 'bad-request';
  override readonly httpStatus = 400;
}

/** A Content-Type the route does not read. HTTP 415 `unsupported-media-type`. */
export class UnsupportedMediaTypeError extends DomainError {
  readonly code = 'unsupported-media-type';
  override readonly httpStatus = 415;
}

/** Turns the text of a YAML body into the route's body object, refusing documents nested deeper than `maxDepth` (may throw a DomainError, e.g. 400 unparsable). */
export type YamlBodyMapper = (text: string, maxDepth: number) => unknown;
export const YAML_BODY_KEY = 'callplane:yaml-body';

/**
 * Lets a controller or handler accept `application/yaml`, `text/yaml` or `text/plain` bodies;
 * `toBody` turns the text into the object the validation pipe then sees. Without it such
 * bodies answer 415.
 */
export const AcceptsYaml = (toBody: YamlBodyMapper) => SetMetadata(YAML_BODY_KEY, toBody);

export const JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\b/i;
export const YAML_TYPE = /^(application\/(x-)?yaml|text\/(x-)?yaml|text\/plain)\b/i;

/** Whether the request announces a body (RFC 9112 §6.3: Content-Length > 0 or Transfer-Encoding). */
export function hasBody(req: IncomingMessage): boolean {
  return req.headers['transfer-encoding'] !== undefined || (req.headers['content-length'] !== undefined && req.headers['content-length'] !== '0');
}

/**
 * Reads the whole body as UTF-8, refusing (and no longer buffering) past `maxBytes`: a
 * Content-Length above the limit is refused before reading.
 * @throws PayloadTooLargeError
 */
export function readBodyText(req: IncomingMessage, maxBytes: number): Promise<string> {
  const announced = Number(req.headers['content-length']);
  if (Number.isFinite(announced) && announced > maxBytes) {
    req.resume(); // drain, so the 413 answer is not stuck behind an unread upload
    return Promise.reject(new PayloadTooLargeError(`Request body larger than ${maxBytes} bytes`, { maxBytes }));
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > maxBytes) {
        failed = true;
        chunks.length = 0;
        reject(new PayloadTooLargeError(`Request body larger than ${maxBytes} bytes`, { maxBytes }));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (err) => reject(err));
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

/**
 * Depth of nested objects/arrays (a scalar is 0, `{}` 1), walked without recursion so a
 * hostile body cannot overflow the stack; stops as soon as `maxDepth` is exceeded.
 * @throws BodyTooDeepError
 */
export function assertMaxDepth(value: unknown, maxDepth: number): void {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > maxDepth) throw new BodyTooDeepError(maxDepth);
    for (const child of Array.isArray(v) ? v : Object.values(v)) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
}

/** Parses JSON text. @throws MalformedBodyError */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new MalformedBodyError(`Malformed JSON body: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// C0 controls and DEL; tab is allowed nowhere in a query value either.
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Refuses control characters (NUL, CR, LF, …) in any query parameter name or value.
 * @throws ValidationError (400 naming the parameter)
 */
export function assertCleanQuery(query: unknown): void {
  if (typeof query !== 'object' || query === null) return;
  for (const [key, value] of Object.entries(query)) {
    const values = Array.isArray(value) ? value : [value];
    if (CONTROL_CHARS.test(key) || values.some((v) => typeof v === 'string' && CONTROL_CHARS.test(v))) {
      throw new ValidationError(CONTROL_CHARS.test(key) ? 'query' : key, 'must not contain control characters');
    }
  }
}
