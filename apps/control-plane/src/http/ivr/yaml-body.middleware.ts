import { Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { parse } from 'yaml';
import { DomainError, errorMessage } from '@callplane/core';
import { IvrFlowParseError } from '@callplane/ivr';

/** Largest YAML flow accepted, bytes. */
const MAX_YAML_BYTES = 1024 * 1024;

export class PayloadTooLargeError extends DomainError {
  readonly code = 'payload-too-large';
  override readonly httpStatus = 413;
}

const YAML_TYPES = /^(application\/(x-)?yaml|text\/(x-)?yaml|text\/plain)\b/i;

/**
 * Lets admins send a flow as YAML text (`Content-Type: application/yaml`, `text/yaml` or
 * `text/plain`). The text becomes `{ name?, definition: <text> }`: a top-level `name:` in the
 * document is the flow name. Text that is not YAML answers 400 `ivr-flow-unparsable`.
 */
@Injectable()
export class YamlBodyMiddleware implements NestMiddleware {
  use(req: IncomingMessage & { body?: unknown }, _res: ServerResponse, next: (err?: unknown) => void): void {
    if (!YAML_TYPES.test(req.headers['content-type'] ?? '')) return next();
    let text = '';
    let size = 0;
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      size += Buffer.byteLength(chunk);
      if (size <= MAX_YAML_BYTES) text += chunk;
    });
    req.on('error', next);
    req.on('end', () => {
      if (size > MAX_YAML_BYTES) return next(new PayloadTooLargeError(`YAML body larger than ${MAX_YAML_BYTES} bytes`));
      let doc: unknown;
      try {
        doc = parse(text);
      } catch (err) {
        return next(new IvrFlowParseError(errorMessage(err)));
      }
      const name = doc && typeof doc === 'object' ? (doc as { name?: unknown }).name : undefined;
      req.body = { ...(typeof name === 'string' ? { name } : {}), definition: text };
      next();
    });
  }
}
