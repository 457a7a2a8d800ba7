import { Inject, Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrContext, IvrNode, IvrNodeError, IvrNodeHandler, IvrNodeTarget, IvrTransition, nodeRef, readPath, renderTemplate, templateScope, variableName } from '@callplane/ivr';
import { CRM_LOOKUP_OPTIONS, CrmLookupOptions } from './crm-lookup.options';

export const crmLookupConfigSchema = z
  .object({
    /** Call variable → field path in the CRM's JSON answer (`name`, `account.tier`). */
    fields: z.record(variableName, z.string().min(1)).default({}),
    /** Where to go when the CRM knows the caller. */
    onFound: nodeRef,
    /** Where to go when it does not (HTTP 404). */
    onNotFound: nodeRef,
  })
  .strict();
export type CrmLookupConfig = z.infer<typeof crmLookupConfigSchema>;

/**
 * `crm-lookup`: looks the caller number up in a CRM (HTTP GET). 200 → `onFound` with the mapped
 * fields as call variables; 404 → `onNotFound`; timeout, network error or any other status →
 * the node's `onError` (IvrNodeError `timeout` / `network-error` / `http-<status>`).
 */
@IvrNode()
@Injectable()
export class CrmLookupNode implements IvrNodeHandler<CrmLookupConfig> {
  readonly type = 'crm-lookup';
  /** A CRM can be down or slow: flows without `onError` get a warning when saved. */
  readonly mayFail = true;
  readonly configSchema = crmLookupConfigSchema;

  constructor(@Inject(CRM_LOOKUP_OPTIONS) private readonly options: CrmLookupOptions) {}

  async execute(ctx: IvrContext, cfg: CrmLookupConfig): Promise<IvrTransition> {
    const url = renderTemplate(this.options.url, templateScope(ctx), encodeURIComponent);
    const timeoutMs = this.options.timeoutMs ?? 2000;
    let res: Response;
    let body: string;
    try {
      res = await fetch(url, { headers: { accept: 'application/json', ...this.options.headers }, signal: AbortSignal.timeout(timeoutMs) });
      body = await res.text();
    } catch (err) {
      const name = (err as { name?: unknown } | null)?.name;
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      throw new IvrNodeError(timedOut ? 'timeout' : 'network-error', `CRM lookup ${url}: ${timedOut ? `no answer within ${timeoutMs} ms` : String(err)}`);
    }
    if (res.status === 404) return { next: cfg.onNotFound, result: 'not-found' };
    if (res.status !== 200) throw new IvrNodeError(`http-${res.status}`, `CRM lookup ${url} answered ${res.status}`);
    let contact: unknown;
    try {
      contact = JSON.parse(body);
    } catch {
      // A CRM answering 200 with something that is not JSON is a CRM error: the flow's error branch.
      throw new IvrNodeError('invalid-response', `CRM lookup ${url} did not answer JSON`);
    }
    for (const [variable, path] of Object.entries(cfg.fields)) {
      const value = readPath(contact, path);
      if (value !== undefined && value !== null) ctx.variables[variable] = String(value);
    }
    return { next: cfg.onFound, result: 'found' };
  }

  targets(cfg: CrmLookupConfig): IvrNodeTarget[] {
    return [
      { field: 'onFound', nodeId: cfg.onFound },
      { field: 'onNotFound', nodeId: cfg.onNotFound },
    ];
  }
}
