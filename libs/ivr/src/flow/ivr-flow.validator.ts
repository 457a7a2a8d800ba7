import type { ZodIssue } from 'zod';
import type { IvrNodeRegistry } from '../ivr-node.registry';
import { defaultTargets, IvrNodeHandler, IvrNodeTarget } from '../ivr-node.handler';
import { DEFAULT_IVR_OPTIONS } from '../ivr.options';
import { IvrFlowDefinition, IvrFlowIssue, IvrFlowValidation, IvrNodeDefinition, nodeConfig, startNodeId } from './ivr-flow.types';

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

/** Errors (and, separately, warnings) reported per flow; the rest are counted in one last "and N more" issue. */
export const MAX_FLOW_ISSUES = 100;

/** Nodes checked between two yields of {@link IvrFlowValidator.checkYielding}. */
const NODES_PER_SLICE = 100;

/** Nodes shown in a "loop with no exit" message before it is cut short with "…". */
const LOOP_PATH_NODES = 8;

interface CheckedNode {
  node: IvrNodeDefinition;
  handler?: IvrNodeHandler;
  config?: unknown;
  targets: IvrNodeTarget[];
}

/** Limits of {@link IvrFlowValidator}. */
export interface IvrFlowLimits {
  /** Most nodes a flow may have (IVR_MAX_FLOW_NODES). */
  maxFlowNodes: number;
}

/**
 * Checks a flow against the registered node types. Errors (the flow cannot be saved):
 * more than `maxFlowNodes` nodes (checked first: nothing else is looked at then), unknown node
 * type, invalid/missing config (zod issues of the type's `configSchema`), duplicate or missing
 * ids, dangling targets (`next`, `goto`, menu options, `onError`, …), a missing start node,
 * loops with no exit. Warnings: nodes unreachable from the start node, failing nodes without
 * `onError`. Every issue names the node id and the field.
 *
 * Cost (issue 13): linear in nodes + targets. The graph is walked twice — forward from the start
 * node (reachability) and backward from the nodes that can end the flow (a node "has an exit"
 * iff some path leads from it to such a node, which is what an exit-less strongly connected
 * component lacks) — each node and edge visited once. At most {@link MAX_FLOW_ISSUES} errors and
 * as many warnings are returned, each followed, when cut, by `and N more …`.
 */
export class IvrFlowValidator {
  private readonly limits: IvrFlowLimits;

  constructor(private readonly registry: IvrNodeRegistry, limits: Partial<IvrFlowLimits> = {}) {
    this.limits = { maxFlowNodes: DEFAULT_IVR_OPTIONS.maxFlowNodes, ...limits };
  }

  /** {@link check}, with errors and warnings capped ({@link capFlowIssues}). */
  validate(def: IvrFlowDefinition): IvrFlowValidation {
    return capFlowIssues(this.check(def));
  }

  /**
   * Every issue found (uncapped: a caller adding its own issues caps the sum with
   * {@link capFlowIssues}; "loop with no exit" issues past the first 100 errors carry no path).
   */
  check(def: IvrFlowDefinition): IvrFlowValidation {
    const run = new ValidationRun(def, this.limits.maxFlowNodes);
    if (run.overLimit()) return run.result();
    run.checkNodes(this, 0, def.nodes.length);
    return run.analyse();
  }

  /**
   * {@link check} that yields to the event loop every {@link NODES_PER_SLICE} nodes (the config
   * checks are most of the cost), so validating a large flow never stalls calls in progress.
   */
  async checkYielding(def: IvrFlowDefinition): Promise<IvrFlowValidation> {
    const run = new ValidationRun(def, this.limits.maxFlowNodes);
    if (run.overLimit()) return run.result();
    for (let from = 0; from < def.nodes.length; from += NODES_PER_SLICE) {
      if (from > 0) await new Promise((resolve) => setImmediate(resolve));
      run.checkNodes(this, from, Math.min(def.nodes.length, from + NODES_PER_SLICE));
    }
    return run.analyse();
  }

  /** @internal one node's id-independent checks: type, config, targets. */
  checkNode(node: IvrNodeDefinition, errors: IvrFlowIssue[]): CheckedNode {
    const targets: IvrNodeTarget[] = [];
    if (node.onError !== undefined) {
      if (typeof node.onError === 'string') targets.push({ field: 'onError', nodeId: node.onError });
      else errors.push({ nodeId: node.id, field: 'onError', message: 'must be a node id' });
    }
    const handler = typeof node.type === 'string' ? this.registry.get(node.type) : undefined;
    if (!handler) {
      errors.push({ nodeId: node.id, field: 'type', message: `unknown node type "${clip(node.type)}" (known: ${this.registry.types().join(', ')})` });
      return { node, targets };
    }
    const parsed = handler.configSchema.safeParse(nodeConfig(node));
    if (!parsed.success) {
      errors.push(...parsed.error.issues.map((issue) => zodIssue(node.id, issue)));
      return { node, handler, targets };
    }
    targets.push(...(handler.targets ? handler.targets(parsed.data) : defaultTargets(parsed.data)));
    return { node, handler, config: parsed.data, targets };
  }
}

/** One validation: the nodes seen so far and the issues found. */
class ValidationRun {
  readonly errors: IvrFlowIssue[] = [];
  readonly warnings: IvrFlowIssue[] = [];
  private readonly byId = new Map<string, CheckedNode>();

  constructor(
    private readonly def: IvrFlowDefinition,
    private readonly maxFlowNodes: number,
  ) {}

  overLimit(): boolean {
    if (this.def.nodes.length <= this.maxFlowNodes) return false;
    this.errors.push({ field: 'nodes', message: `a flow may have at most ${this.maxFlowNodes} nodes (IVR_MAX_FLOW_NODES); this one has ${this.def.nodes.length}` });
    return true;
  }

  checkNodes(validator: IvrFlowValidator, from: number, to: number): void {
    for (let index = from; index < to; index++) {
      const node = this.def.nodes[index];
      if (typeof node !== 'object' || node === null) {
        this.errors.push({ field: `nodes.${index}`, message: 'a node must be an object with id and type' });
        continue;
      }
      const id = node.id;
      if (typeof id !== 'string' || !NODE_ID.test(id)) this.errors.push({ field: `nodes.${index}.id`, message: 'id is required: 1-64 letters, digits, "-", "_" or "."' });
      else if (this.byId.has(id)) this.errors.push({ nodeId: id, field: 'id', message: `node id "${id}" is used twice` });
      else this.byId.set(id, validator.checkNode(node, this.errors));
    }
  }

  /** The flow-wide checks, once every node is checked: start, targets, reachability, exits. */
  analyse(): IvrFlowValidation {
    const { def, byId, errors, warnings } = this;
    if (def.nodes.length === 0) errors.push({ field: 'nodes', message: 'a flow needs at least one node' });
    const start = startNodeId(def);
    if (def.start !== undefined && !byId.has(def.start)) errors.push({ field: 'start', message: `start node "${clip(def.start)}" does not exist` });
    for (const checked of byId.values()) {
      for (const t of checked.targets) {
        if (!byId.has(t.nodeId)) errors.push({ nodeId: checked.node.id, field: t.field, message: `points to node "${clip(t.nodeId)}", which does not exist` });
      }
    }
    for (const c of byId.values()) {
      if (c.handler?.mayFail && c.node.onError === undefined) warnings.push({ nodeId: c.node.id, field: 'onError', message: `a failing "${c.node.type}" node (timeout, error answer) hangs the call up: set onError` });
    }
    const graph = FlowGraph.of(byId);
    const reachable = graph.reachableFrom(start);
    graph.nodes.forEach((c, i) => {
      if (!reachable[i]) warnings.push({ nodeId: c.node.id, message: `node "${c.node.id}" cannot be reached from the start node "${start}"` });
    });
    errors.push(...loopsWithoutExit(graph, reachable, MAX_FLOW_ISSUES - errors.length));
    return this.result();
  }

  result(): IvrFlowValidation {
    return { valid: this.errors.length === 0, errors: this.errors, warnings: this.warnings };
  }
}

/**
 * Reachable nodes from which no path leads to a node that can end the flow. Only the first
 * `listed` get the path in their message (the rest are past the cap and only counted).
 */
function loopsWithoutExit(graph: FlowGraph, reachable: boolean[], listed: number): IvrFlowIssue[] {
  const ends = graph.nodes.map((c) => {
    // Nodes with config errors or dangling targets are already reported; do not pile on.
    const dangling = c.targets.some((t) => !graph.index.has(t.nodeId));
    return c.config === undefined || dangling || (c.handler?.canEnd ? c.handler.canEnd(c.config) : c.targets.length === 0);
  });
  const hasExit = graph.reachingAny(ends);
  const issues: IvrFlowIssue[] = [];
  graph.nodes.forEach((c, i) => {
    if (!reachable[i] || hasExit[i]) return;
    const path = issues.length < listed ? ` (${graph.firstPath(i).join(' → ')})` : '';
    issues.push({ nodeId: c.node.id, field: c.targets[0]?.field, message: `loop with no exit: every path from "${c.node.id}"${path} returns forever without reaching a node that ends the flow` });
  });
  return issues;
}

/** The flow as an index-based graph: `edges[i]` are the existing targets of node `i`. */
class FlowGraph {
  private constructor(
    readonly nodes: CheckedNode[],
    readonly index: Map<string, number>,
    private readonly edges: number[][],
  ) {}

  static of(byId: Map<string, CheckedNode>): FlowGraph {
    const nodes = [...byId.values()];
    const index = new Map(nodes.map((c, i) => [c.node.id, i] as const));
    const edges = nodes.map((c) => c.targets.flatMap((t) => (index.has(t.nodeId) ? [index.get(t.nodeId)!] : [])));
    return new FlowGraph(nodes, index, edges);
  }

  /** Nodes reachable from `start` (iterative DFS: no recursion depth limit). */
  reachableFrom(start: string | undefined): boolean[] {
    const seen = new Array<boolean>(this.nodes.length).fill(false);
    const first = start === undefined ? undefined : this.index.get(start);
    if (first === undefined) return seen;
    const stack = [first];
    seen[first] = true;
    while (stack.length > 0) {
      for (const j of this.edges[stack.pop()!]) {
        if (!seen[j]) {
          seen[j] = true;
          stack.push(j);
        }
      }
    }
    return seen;
  }

  /** Nodes from which some path leads to a node with `targets[i]` true (backward BFS over reversed edges). */
  reachingAny(targets: boolean[]): boolean[] {
    const reverse: number[][] = this.nodes.map(() => []);
    this.edges.forEach((out, i) => out.forEach((j) => reverse[j].push(i)));
    const found = [...targets];
    const queue = found.flatMap((f, i) => (f ? [i] : []));
    for (let head = 0; head < queue.length; head++) {
      for (const p of reverse[queue[head]]) {
        if (!found[p]) {
          found[p] = true;
          queue.push(p);
        }
      }
    }
    return found;
  }

  /** Ids along the first targets from node `i`, until a node repeats; at most LOOP_PATH_NODES, then "…". */
  firstPath(i: number): string[] {
    const path = [this.nodes[i].node.id];
    const seen = new Set([i]);
    for (let current = i; ; ) {
      const next = this.edges[current][0];
      if (next === undefined) return path;
      if (path.length >= LOOP_PATH_NODES) return [...path, '…'];
      path.push(this.nodes[next].node.id);
      if (seen.has(next)) return path;
      seen.add(next);
      current = next;
    }
  }
}

/** The validation with at most {@link MAX_FLOW_ISSUES} errors and as many warnings, each list followed by one issue counting the rest. */
export function capFlowIssues(v: IvrFlowValidation): IvrFlowValidation {
  return { valid: v.errors.length === 0, errors: capped(v.errors, 'errors'), warnings: capped(v.warnings, 'warnings') };
}

function capped(issues: IvrFlowIssue[], kind: 'errors' | 'warnings'): IvrFlowIssue[] {
  if (issues.length <= MAX_FLOW_ISSUES) return issues;
  return [...issues.slice(0, MAX_FLOW_ISSUES), { message: `and ${issues.length - MAX_FLOW_ISSUES} more ${kind} (only the first ${MAX_FLOW_ISSUES} are listed)` }];
}

/** A value from the flow as it appears in a message: at most 64 characters. */
function clip(value: unknown): string {
  const text = String(value);
  return text.length > 64 ? `${text.slice(0, 64)}…` : text;
}

function zodIssue(nodeId: string, issue: ZodIssue): IvrFlowIssue {
  const field = issue.path.join('.') || undefined;
  const message = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.slice(0, 10).map(clip).join(', ')}${issue.keys.length > 10 ? `, … (${issue.keys.length} in all)` : ''}` : issue.message;
  return { nodeId, field: field ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined), message };
}
