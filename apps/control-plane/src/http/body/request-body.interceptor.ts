import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { IncomingMessage } from 'node:http';
import { from, Observable, switchMap } from 'rxjs';
import { PRINCIPAL_PROPERTY } from '../../auth/auth.decorators';
import {
  assertCleanQuery, assertMaxDepth, hasBody, JSON_TYPE, parseJsonBody, PUBLIC_MAX_BODY_BYTES, readBodyText,
  UnsupportedMediaTypeError, YAML_BODY_KEY, YAML_TYPE, YamlBodyMapper,
} from './request-body';

/** Limits of {@link RequestBodyInterceptor} (from config HTTP_MAX_BODY_BYTES / HTTP_MAX_BODY_DEPTH). */
export interface RequestBodyLimits {
  /** Largest body of an authenticated caller, bytes. */
  maxBytes: number;
  /** Deepest nesting of objects/arrays. */
  maxDepth: number;
}

type BodyRequest = IncomingMessage & { body?: unknown; query?: unknown; [PRINCIPAL_PROPERTY]?: unknown };

/**
 * Reads request bodies AFTER the auth guard (the app runs with Nest's body parser off): an
 * unauthenticated or forbidden caller never gets a byte parsed. Unauthenticated routes
 * (login) read at most {@link PUBLIC_MAX_BODY_BYTES}. JSON bodies are parsed and their depth
 * bounded before the validation pipe (a 3,000-deep body used to overflow its stack); YAML only
 * on routes marked {@link AcceptsYaml}; any other body type answers 415. Query strings with
 * control characters answer 400.
 */
@Injectable()
export class RequestBodyInterceptor implements NestInterceptor {
  constructor(private readonly reflector: Reflector, private readonly limits: RequestBodyLimits) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const req = context.switchToHttp().getRequest<BodyRequest>();
    assertCleanQuery(req.query);
    if (!hasBody(req) || req.readableEnded) return next.handle();
    const yaml = this.reflector.getAllAndOverride<YamlBodyMapper | undefined>(YAML_BODY_KEY, [context.getHandler(), context.getClass()]);
    return from(this.read(req, yaml)).pipe(switchMap(() => next.handle()));
  }

  private async read(req: BodyRequest, yaml: YamlBodyMapper | undefined): Promise<void> {
    const type = req.headers['content-type'] ?? '';
    const isJson = JSON_TYPE.test(type);
    if (!isJson && !(yaml && YAML_TYPE.test(type))) {
      req.resume();
      throw new UnsupportedMediaTypeError(`Content-Type ${type || '(none)'} is not accepted here; send application/json${yaml ? ' or application/yaml' : ''}`);
    }
    const maxBytes = req[PRINCIPAL_PROPERTY] ? this.limits.maxBytes : Math.min(this.limits.maxBytes, PUBLIC_MAX_BODY_BYTES);
    const text = await readBodyText(req, maxBytes);
    const body = isJson ? parseJsonBody(text) : yaml!(text, this.limits.maxDepth);
    assertMaxDepth(body, this.limits.maxDepth);
    req.body = body;
  }
}
