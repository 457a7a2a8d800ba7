/**
 * The public IVR flow format (stored as JSON, written as YAML or JSON). Example:
 *
 * ```yaml
 * start: main
 * nodes:
 *   - id: main
 *     type: menu
 *     prompts: [sound:main-menu]
 *     options: { "1": sales, "2": support }
 *     default: goodbye
 *   - id: sales
 *     type: queue
 *     queue: 5d0c…
 *   - id: goodbye
 *     type: hangup
 * ```
 *
 * Every node has `id` and `type`; `onError` (a node id) is where the flow continues when the
 * node fails (missing prompt, HTTP error, …). All other keys are the node type's config,
 * validated by its `configSchema`.
 */
export interface IvrFlowDefinition {
  /** Id of the first node; defaults to the first node in `nodes`. */
  start?: string;
  /** Flow name (used when a YAML document is posted as is; the stored name is the flow row's). */
  name?: string;
  /** Free text for admins. */
  description?: string;
  nodes: IvrNodeDefinition[];
}

export interface IvrNodeDefinition {
  /** Unique within the flow: letters, digits, `-`, `_`, `.`. */
  id: string;
  /** A registered node type (`menu`, `gather`, … or an extension's). */
  type: string;
  /** Node to continue at when this node fails. */
  onError?: string;
  [configKey: string]: unknown;
}

/** One validation finding. `field` is a dotted path inside the node (`options.1`, `timeoutMs`). */
/** One problem of a flow. Prompt checks against the PBX also name the `prompt` and the `pbxNode` (its id). */
export interface IvrFlowIssue {
  nodeId?: string;
  field?: string;
  /** Prompt URI the issue is about (prompt checks). */
  prompt?: string;
  /** PBX node id the issue is about (prompt checks: missing there, or could not check). */
  pbxNode?: string;
  message: string;
}

export interface IvrFlowValidation {
  valid: boolean;
  errors: IvrFlowIssue[];
  warnings: IvrFlowIssue[];
}

/** An immutable, published flow version as the interpreter runs it. */
export interface IvrFlowVersion {
  flowId: string;
  version: number;
  definition: IvrFlowDefinition;
}

/** Keys every node has; the rest is config. */
export const NODE_COMMON_KEYS = ['id', 'type', 'onError'] as const;

/** The config part of a node (without `id`, `type`, `onError`). */
export function nodeConfig(node: IvrNodeDefinition): Record<string, unknown> {
  const { id: _id, type: _type, onError: _onError, ...config } = node;
  return config;
}

/** Id of the first node of a flow. */
export function startNodeId(def: IvrFlowDefinition): string | undefined {
  return def.start ?? def.nodes[0]?.id;
}
