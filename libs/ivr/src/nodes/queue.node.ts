import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { entityId } from './node-schema';

export const queueConfigSchema = z
  .object({
    /** ACD queue id. */
    queue: entityId,
    /** Higher is served first (0-100). */
    priority: z.number().int().min(0).max(100).optional(),
  })
  .strict();
export type QueueConfig = z.infer<typeof queueConfigSchema>;

/** `queue`: hand the call to an ACD queue (through the `queue` call target handler). Ends the flow. */
@IvrNode()
@Injectable()
export class QueueNode implements IvrNodeHandler<QueueConfig> {
  readonly type = 'queue';
  readonly configSchema = queueConfigSchema;

  async execute(ctx: IvrContext, cfg: QueueConfig): Promise<IvrTransition> {
    await ctx.handOff({ type: 'queue', id: cfg.queue, priority: cfg.priority });
    return { end: 'queued', result: `queue-${cfg.queue}` };
  }

  targets(): [] {
    return [];
  }
}
