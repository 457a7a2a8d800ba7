import { parse as parseYaml, stringify } from 'yaml';
import { IvrFlowParseError } from '../ivr.errors';
import type { IvrFlowDefinition } from './ivr-flow.types';

/** Deepest nesting of objects/arrays in a flow definition (a node's options, branches… sit at 4–6). */
export const IVR_MAX_FLOW_DEPTH = 32;
/** Aliases one YAML flow may use (a billion-laughs document expands a few into gigabytes). */
export const IVR_MAX_YAML_ALIASES = 100;
/** Top-level keys a flow definition keeps; any other is dropped when parsed (so never stored). */
const FLOW_KEYS = ['start', 'name', 'description', 'nodes'] as const;

/**
 * Reads a flow written as YAML or JSON text (JSON is YAML, so one parser reads both), or
 * passes an already parsed object through. Only the shape `{ nodes: [...] }` and the nesting
 * depth ({@link IVR_MAX_FLOW_DEPTH}) are checked here; unknown top-level keys are dropped;
 * {@link IvrFlowValidator} checks the rest.
 * @throws IvrFlowParseError when the text does not parse, nests too deep, or is not an object with `nodes`
 */
export function parseIvrFlow(input: unknown): IvrFlowDefinition {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = parseYaml(input, { prettyErrors: true, maxAliasCount: IVR_MAX_YAML_ALIASES });
    } catch (err) {
      throw new IvrFlowParseError(err instanceof Error ? err.message : String(err));
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IvrFlowParseError('expected an object with "nodes"');
  const nodes = (value as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes)) throw new IvrFlowParseError('"nodes" must be a list of nodes');
  const flow = Object.fromEntries(FLOW_KEYS.filter((k) => k in value).map((k) => [k, (value as Record<string, unknown>)[k]])) as unknown as IvrFlowDefinition;
  if (depthExceeds(flow, IVR_MAX_FLOW_DEPTH)) throw new IvrFlowParseError(`the flow nests objects/lists deeper than ${IVR_MAX_FLOW_DEPTH} levels`);
  return flow;
}

/** Whether `value` nests objects/arrays deeper than `max`; iterative, so a hostile document cannot overflow the stack. */
function depthExceeds(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v !== 'object' || v === null) continue;
    if (depth + 1 > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The flow as YAML text (for `Accept: application/yaml`). */
export function ivrFlowToYaml(def: IvrFlowDefinition): string {
  return stringify(def);
}
