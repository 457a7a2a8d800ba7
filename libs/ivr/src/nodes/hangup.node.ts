import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { promptList } from './node-schema';

export const hangupConfigSchema = z
  .object({
    /** Q.850 cause (ITU-T Q.850 Table 1), default 16 normal clearing. */
    cause: z.number().int().min(1).max(127).default(16),
    /** Prompts played before hanging up. */
    prompts: promptList.default([]),
  })
  .strict();
export type HangupConfig = z.infer<typeof hangupConfigSchema>;

/** `hangup`: optional goodbye prompts, then hang up with a Q.850 cause. Ends the flow. */
@IvrNode()
@Injectable()
export class HangupNode implements IvrNodeHandler<HangupConfig> {
  readonly type = 'hangup';
  readonly configSchema = hangupConfigSchema;

  async execute(ctx: IvrContext, cfg: HangupConfig): Promise<IvrTransition> {
    if (cfg.prompts.length) await ctx.play(cfg.prompts, { bargeIn: false });
    await ctx.hangup(cfg.cause);
    return { end: 'hangup', result: `cause-${cfg.cause}` };
  }
}
