import { Inject, Injectable, Optional } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import { IvrNodeError } from '../ivr.errors';
import { DEFAULT_IVR_OPTIONS, IVR_OPTIONS, IvrOptions } from '../ivr.options';
import type { IvrContext } from '../runtime/ivr-context';
import { readPath, renderDeep, renderTemplate, templateScope } from '../runtime/ivr-template';
import { IvrHttpClient } from './ivr-http.client';
import { nodeRef, variableName } from './node-schema';

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

/** Builds the `http` config schema for a max timeout (ms). */
export function httpConfigSchema(options: IvrOptions) {
  return z
    .object({
      /** Templated URL, e.g. `https://crm.example/api/callers?number={{callerNumber}}` (values URL-encoded). */
      url: z.string().regex(/^https?:\/\//, 'must start with http:// or https://'),
      method: z.enum(METHODS).default('GET'),
      /** Templated header values. */
      headers: z.record(z.string()).default({}),
      /** Templated body: a string, or JSON whose string leaves are templated (sent as application/json). */
      body: z.union([z.string(), z.record(z.unknown()), z.array(z.unknown())]).optional(),
      timeoutMs: z.number().int().min(1).max(options.httpMaxTimeoutMs, `must be at most ${options.httpMaxTimeoutMs} ms (IVR http max timeout)`).default(options.httpDefaultTimeoutMs),
      /** Call variable → dotted path in the JSON response (`customer.tier`). */
      responseMap: z.record(variableName, z.string().min(1)).default({}),
      /** Call variable receiving the HTTP status code. */
      statusVariable: variableName.optional(),
      next: nodeRef,
    })
    .strict();
}
export type HttpConfig = z.infer<ReturnType<typeof httpConfigSchema>>;

/**
 * `http`: a data dip. Requests go through {@link IvrHttpClient}: only to addresses the allow-list
 * permits (IVR_HTTP_ALLOW; by default public addresses only — no loopback, private, link-local),
 * checked after DNS resolution and on every redirect, body and time capped. A timeout, a network
 * error (the same for blocked, refused and unreachable), a too large answer or a non-2xx status
 * throw IvrNodeError (`timeout`, `network-error`, `response-too-large`, `too-many-redirects`,
 * `http-<status>`), so the flow takes the node's `onError`. In `simulate` only GET requests are
 * sent (others are skipped: no side effects).
 */
@IvrNode()
@Injectable()
export class HttpNode implements IvrNodeHandler<HttpConfig> {
  readonly type = 'http';
  readonly mayFail = true;
  readonly configSchema: ReturnType<typeof httpConfigSchema>;
  private readonly client: IvrHttpClient;

  constructor(@Optional() @Inject(IVR_OPTIONS) options?: IvrOptions) {
    const o = { ...DEFAULT_IVR_OPTIONS, ...options };
    this.configSchema = httpConfigSchema(o);
    this.client = new IvrHttpClient(o);
  }

  async execute(ctx: IvrContext, cfg: HttpConfig): Promise<IvrTransition> {
    const scope = templateScope(ctx);
    if (ctx.simulated && cfg.method !== 'GET') return { next: cfg.next, result: 'skipped-in-simulation' };
    const headers: Record<string, string> = Object.fromEntries(Object.entries(cfg.headers).map(([k, v]) => [k, renderTemplate(v, scope)]));
    let body: string | undefined;
    if (typeof cfg.body === 'string') body = renderTemplate(cfg.body, scope);
    else if (cfg.body !== undefined) {
      body = JSON.stringify(renderDeep(cfg.body, scope));
      headers['content-type'] ??= 'application/json';
    }
    const url = renderTemplate(cfg.url, scope, encodeURIComponent);
    const response = await this.client.send({ method: cfg.method, url, headers, body, timeoutMs: cfg.timeoutMs });
    if (cfg.statusVariable) ctx.variables[cfg.statusVariable] = String(response.status);
    const text = response.text;
    if (response.status < 200 || response.status > 299) throw new IvrNodeError(`http-${response.status}`, `${cfg.method} ${url} answered ${response.status}`);
    if (Object.keys(cfg.responseMap).length) {
      let json: unknown;
      try {
        json = text ? JSON.parse(text) : undefined;
      } catch {
        // A 2xx whose body is not JSON cannot fill the mapped variables: that is this node's error branch.
        throw new IvrNodeError('invalid-response', `${cfg.method} ${url} did not answer JSON`);
      }
      for (const [variable, path] of Object.entries(cfg.responseMap)) {
        const value = readPath(json, path);
        if (value !== undefined && value !== null) ctx.variables[variable] = typeof value === 'object' ? JSON.stringify(value) : String(value);
      }
    }
    return { next: cfg.next, result: `http-${response.status}` };
  }
}
