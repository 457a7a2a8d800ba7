import type { ZodIssue } from 'zod';
import type { IvrNodeRegistry } from '../ivr-node.registry';
import { defaultTargets, IvrNodeHandler, IvrNodeTarget } from '../ivr-node.handler';
import { IvrFlowDefinition, IvrFlowIssue, IvrFlowValidation, IvrNodeDefinition, nodeConfig, startNodeId } from './ivr-flow.types';

const NODE_ID = /^[A-Za-z0-9_.-]{1,64}$/;

interface CheckedNode {
  node: IvrNodeDefinition;
  handler?: IvrNodeHandler;
  config?: unknown;
  targets: IvrNodeTarget[];
}

/**
 * Checks a flow against the registered node types. Errors (the flow cannot be saved):
 * unknown node type, invalid/missing config (zod issues of the type's `configSchema`), duplicate
 * or missing ids, dangling targets (`next`, `goto`, menu options, `onError`, …), a missing start
 * node, loops with no exit. Warnings: nodes unreachable from the start node.
 * Every issue names the node id and the field.
 */
export class IvrFlowValidator {
  constructor(private readonly registry: IvrNodeRegistry) {}

  validate(def: IvrFlowDefinition): IvrFlowValidation {
    const errors: IvrFlowIssue[] = [];
    const warnings: IvrFlowIssue[] = [];
    const byId = new Map<string, CheckedNode>();

    def.nodes.forEach((node, index) => {
      if (typeof node !== 'object' || node === null) return errors.push({ field: `nodes.${index}`, message: 'a node must be an object with id and type' });
      const id = node.id;
      if (typeof id !== 'string' || !NODE_ID.test(id)) return errors.push({ field: `nodes.${index}.id`, message: 'id is required: 1-64 letters, digits, "-", "_" or "."' });
      if (byId.has(id)) return errors.push({ nodeId: id, field: 'id', message: `node id "${id}" is used twice` });
      byId.set(id, this.checkNode(node, errors));
    });
    if (def.nodes.length === 0) errors.push({ field: 'nodes', message: 'a flow needs at least one node' });

    const start = startNodeId(def);
    if (def.start !== undefined && !byId.has(def.start)) errors.push({ field: 'start', message: `start node "${def.start}" does not exist` });

    for (const checked of byId.values()) {
      for (const t of checked.targets) {
        if (!byId.has(t.nodeId)) errors.push({ nodeId: checked.node.id, field: t.field, message: `points to node "${t.nodeId}", which does not exist` });
      }
    }

    for (const c of byId.values()) {
      if (c.handler?.mayFail && c.node.onError === undefined) warnings.push({ nodeId: c.node.id, field: 'onError', message: `a failing "${c.node.type}" node (timeout, error answer) hangs the call up: set onError` });
    }
    const reachable = this.reachable(start, byId);
    for (const id of byId.keys()) {
      if (!reachable.has(id)) warnings.push({ nodeId: id, message: `node "${id}" cannot be reached from the start node "${start}"` });
    }
    errors.push(...this.loopsWithoutExit(byId, reachable));
    return { valid: errors.length === 0, errors, warnings };
  }

  private checkNode(node: IvrNodeDefinition, errors: IvrFlowIssue[]): CheckedNode {
    const targets: IvrNodeTarget[] = [];
    if (node.onError !== undefined) {
      if (typeof node.onError === 'string') targets.push({ field: 'onError', nodeId: node.onError });
      else errors.push({ nodeId: node.id, field: 'onError', message: 'must be a node id' });
    }
    const handler = typeof node.type === 'string' ? this.registry.get(node.type) : undefined;
    if (!handler) {
      errors.push({ nodeId: node.id, field: 'type', message: `unknown node type "${String(node.type)}" (known: ${this.registry.types().join(', ')})` });
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

  private reachable(start: string | undefined, byId: Map<string, CheckedNode>): Set<string> {
    const seen = new Set<string>();
    const stack = start && byId.has(start) ? [start] : [];
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const t of byId.get(id)?.targets ?? []) if (byId.has(t.nodeId)) stack.push(t.nodeId);
    }
    return seen;
  }

  /** Reachable nodes from which no path leads to a node that can end the flow. */
  private loopsWithoutExit(byId: Map<string, CheckedNode>, reachable: Set<string>): IvrFlowIssue[] {
    const exits = new Set<string>();
    for (const [id, c] of byId) {
      // Nodes with config errors or dangling targets are already reported; do not pile on.
      const dangling = c.targets.some((t) => !byId.has(t.nodeId));
      const ends = c.config === undefined || dangling || (c.handler?.canEnd ? c.handler.canEnd(c.config) : c.targets.length === 0);
      if (ends) exits.add(id);
    }
    for (let changed = true; changed; ) {
      changed = false;
      for (const [id, c] of byId) {
        if (!exits.has(id) && c.targets.some((t) => exits.has(t.nodeId))) {
          exits.add(id);
          changed = true;
        }
      }
    }
    const issues: IvrFlowIssue[] = [];
    for (const id of reachable) {
      if (exits.has(id)) continue;
      const c = byId.get(id)!;
      issues.push({ nodeId: id, field: c.targets[0]?.field, message: `loop with no exit: every path from "${id}" (${this.loopPath(id, byId).join(' → ')}) returns forever without reaching a node that ends the flow` });
    }
    return issues;
  }

  private loopPath(from: string, byId: Map<string, CheckedNode>): string[] {
    const path = [from];
    let current = from;
    for (let i = 0; i < byId.size; i++) {
      const next = byId.get(current)?.targets[0]?.nodeId;
      if (!next) break;
      path.push(next);
      if (path.indexOf(next) !== path.length - 1) break;
      current = next;
    }
    return path;
  }
}

function zodIssue(nodeId: string, issue: ZodIssue): IvrFlowIssue {
  const field = issue.path.join('.') || undefined;
  const message = issue.code === 'invalid_type' && issue.received === 'undefined' ? 'is required' : issue.code === 'unrecognized_keys' ? `unknown field(s): ${issue.keys.join(', ')}` : issue.message;
  return { nodeId, field: field ?? (issue.code === 'unrecognized_keys' ? issue.keys[0] : undefined), message };
}
