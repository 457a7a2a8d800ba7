import { parse as parseYaml, stringify } from 'yaml';
import { IvrFlowParseError } from '../ivr.errors';
import type { IvrFlowDefinition } from './ivr-flow.types';

/**
 * Reads a flow written as YAML or JSON text (JSON is YAML, so one parser reads both), or
 * passes an already parsed object through. Only the shape `{ nodes: [...] }` is checked here;
 * {@link IvrFlowValidator} checks the rest.
 * @throws IvrFlowParseError when the text does not parse or is not an object with `nodes`
 */
export function parseIvrFlow(input: unknown): IvrFlowDefinition {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = parseYaml(input, { prettyErrors: true });
    } catch (err) {
      throw new IvrFlowParseError(err instanceof Error ? err.message : String(err));
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new IvrFlowParseError('expected an object with "nodes"');
  const nodes = (value as { nodes?: unknown }).nodes;
  if (!Array.isArray(nodes)) throw new IvrFlowParseError('"nodes" must be a list of nodes');
  return value as IvrFlowDefinition;
}

/** The flow as YAML text (for `Accept: application/yaml`). */
export function ivrFlowToYaml(def: IvrFlowDefinition): string {
  return stringify(def);
}
