import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrNodeTarget, IvrTransition } from '../ivr-node.handler';
import { nodeRef } from './node-schema';

export const gotoConfigSchema = z
  .object({
    /** Node of this flow, or (with `flow`) of the other flow; the other flow's start node when absent. */
    node: nodeRef.optional(),
    /** Another flow's id: the call continues in its published version. */
    flow: z.string().min(1).optional(),
  })
  .strict()
  .refine((c) => c.node !== undefined || c.flow !== undefined, { message: 'is required (or "flow")', path: ['node'] });
export type GotoConfig = z.infer<typeof gotoConfigSchema>;

/** `goto`: jump to another node or flow. The interpreter's step limit protects against endless loops. */
@IvrNode()
@Injectable()
export class GotoNode implements IvrNodeHandler<GotoConfig> {
  readonly type = 'goto';
  readonly configSchema = gotoConfigSchema;

  async execute(_ctx: unknown, cfg: GotoConfig): Promise<IvrTransition> {
    if (cfg.flow) return { flow: cfg.flow, node: cfg.node, result: `flow-${cfg.flow}` };
    return { next: cfg.node!, result: `node-${cfg.node}` };
  }

  targets(cfg: GotoConfig): IvrNodeTarget[] {
    return cfg.flow || !cfg.node ? [] : [{ field: 'node', nodeId: cfg.node }];
  }

  canEnd(cfg: GotoConfig): boolean {
    return cfg.flow !== undefined;
  }
}
