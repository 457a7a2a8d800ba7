import type { ZodType, ZodTypeDef } from 'zod';
import type { IvrContext } from './runtime/ivr-context';

/**
 * Where the flow goes after a node:
 * - `{ next }`: continue at that node id of the same flow;
 * - `{ flow, node? }`: continue in another flow's published version (at its start or `node`);
 * - `{ end }`: the flow is over (`hangup`, `queued`, `transferred`, `voicemail`, …).
 * `result` is a short word recorded in the call's IVR path (`digit-1`, `timeout`, `found`).
 */
export type IvrTransition =
  | { next: string; result?: string }
  | { flow: string; node?: string; result?: string }
  | { end: IvrEndReason; result?: string };

export type IvrEndReason = 'hangup' | 'queued' | 'transferred' | 'voicemail' | 'caller-hangup' | 'error' | 'max-steps';

/** A node id a config can continue at, and the config field that names it (for validation messages). */
export interface IvrNodeTarget {
  field: string;
  nodeId: string;
}

/**
 * A node type. Built-in and third-party node types are providers marked with {@link IvrNode}
 * and discovered at boot by IvrNodeRegistry.
 *
 * @typeParam C the parsed config (the node's keys other than `id`, `type`, `onError`)
 */
export interface IvrNodeHandler<C = any> {
  /** Type name used in flows (`menu`, `crm-lookup`). Unique across the app. */
  readonly type: string;
  /** Validates the node's config when a flow is saved; issue paths become the error's field. */
  readonly configSchema: ZodType<C, ZodTypeDef, unknown>;
  /** Run the node on a call and say where to go next. Throw IvrNodeError to take `onError`. */
  execute(context: IvrContext, config: C): Promise<IvrTransition>;
  /**
   * Node ids this config can continue at. Default: the string value of `next` and of every key
   * starting with `on` (`onFound`, `onTimeout`, …).
   */
  targets?(config: C): IvrNodeTarget[];
  /**
   * Whether the node can end the flow itself (hang up, hand off), for the "loop with no exit"
   * check. Default: true when it has no targets.
   */
  canEnd?(config: C): boolean;
  /**
   * true when the node can fail at run time for reasons outside the flow (network, a remote
   * system): saving a flow where such a node has no `onError` gives a warning.
   */
  readonly mayFail?: boolean;
}

/** Default target discovery: `next` and every `on*` string field. */
export function defaultTargets(config: unknown): IvrNodeTarget[] {
  if (typeof config !== 'object' || config === null) return [];
  const out: IvrNodeTarget[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (typeof value === 'string' && (key === 'next' || /^on[A-Z]/.test(key))) out.push({ field: key, nodeId: value });
  }
  return out;
}
