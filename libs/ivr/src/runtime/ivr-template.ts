import type { IvrContext } from './ivr-context';

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/**
 * Replaces `{{name}}` with the value of `name` in `scope` (unknown names become '').
 * `encode` escapes each substituted value (e.g. `encodeURIComponent` for URLs).
 */
export function renderTemplate(template: string, scope: Record<string, string>, encode: (v: string) => string = (v) => v): string {
  return template.replace(PLACEHOLDER, (_, name: string) => encode(scope[name] ?? ''));
}

/** Renders every string leaf of a JSON-like value (for templated HTTP bodies). */
export function renderDeep(value: unknown, scope: Record<string, string>): unknown {
  if (typeof value === 'string') return renderTemplate(value, scope);
  if (Array.isArray(value)) return value.map((v) => renderDeep(v, scope));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renderDeep(v, scope)]));
  return value;
}

/**
 * What templates can read: every call variable plus `callerNumber`, `calledNumber`, `callId`,
 * `flowId` (call variables of the same name win).
 */
export function templateScope(ctx: IvrContext): Record<string, string> {
  return { callerNumber: ctx.callerNumber, calledNumber: ctx.calledNumber, callId: ctx.callId, flowId: ctx.flowId, ...ctx.variables };
}

/** Reads `a.b.0.c` out of a parsed JSON value; undefined when absent. */
export function readPath(value: unknown, path: string): unknown {
  let current: unknown = value;
  for (const part of path.split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
