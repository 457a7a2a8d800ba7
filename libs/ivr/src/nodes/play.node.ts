import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { nodeRef, promptList } from './node-schema';

export const playConfigSchema = z
  .object({
    /** Sound files, digits, numbers, dates… (prompt URIs). */
    prompts: promptList.min(1),
    /** A key stops the prompt (and stays buffered for the next node). Default false. */
    skippable: z.boolean().default(false),
    /** Next node; without it the call is hung up after the prompts. */
    next: nodeRef.optional(),
  })
  .strict();
export type PlayConfig = z.infer<typeof playConfigSchema>;

/** `play`: prompts, skippable or not. */
@IvrNode()
@Injectable()
export class PlayNode implements IvrNodeHandler<PlayConfig> {
  readonly type = 'play';
  readonly configSchema = playConfigSchema;

  async execute(ctx: IvrContext, cfg: PlayConfig): Promise<IvrTransition> {
    const { bargedIn } = await ctx.play(cfg.prompts, { bargeIn: cfg.skippable });
    const result = bargedIn ? 'skipped' : 'played';
    if (cfg.next) return { next: cfg.next, result };
    await ctx.hangup();
    return { end: 'hangup', result };
  }
}
