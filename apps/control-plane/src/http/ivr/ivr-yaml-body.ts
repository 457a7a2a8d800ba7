import { parseDocument } from 'yaml';
import { IvrFlowParseError } from '@callplane/ivr';
import { assertMaxDepth } from '../body/request-body';

/**
 * YAML aliases one document may use: a billion-laughs document expands a few aliases into
 * gigabytes, so more than this is refused (yaml's `maxAliasCount`).
 */
export const YAML_MAX_ALIASES = 100;

/**
 * A raw YAML flow (`Content-Type: application/yaml`, `text/yaml` or `text/plain`) becomes
 * `{ name?, definition: <text> }`: a top-level `name:` in the document is the flow name.
 * Registered with `@AcceptsYaml(ivrYamlBody)` so it runs only after the auth guard.
 * @throws IvrFlowParseError (400 `ivr-flow-unparsable`) for text that is not YAML; BodyTooDeepError past `maxDepth`
 */
export function ivrYamlBody(text: string, maxDepth: number): { name?: string; definition: string } {
  let doc: unknown;
  try {
    const parsed = parseDocument(text, { uniqueKeys: true });
    if (parsed.errors.length) throw parsed.errors[0];
    doc = parsed.toJS({ maxAliasCount: YAML_MAX_ALIASES });
  } catch (err) {
    // yaml's YAMLParseError / ReferenceError (too many aliases) / RangeError (nesting beyond the stack).
    throw new IvrFlowParseError(err instanceof Error ? err.message : String(err));
  }
  assertMaxDepth(doc, maxDepth);
  const name = doc && typeof doc === 'object' ? (doc as { name?: unknown }).name : undefined;
  return { ...(typeof name === 'string' ? { name } : {}), definition: text };
}
