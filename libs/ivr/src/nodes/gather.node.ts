import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { compileLinearPattern } from './linear-pattern';
import { durationMs, nodeRef, promptList, regexSource, variableName } from './node-schema';

export const gatherConfigSchema = z
  .object({
    /** Call variable receiving the digits. */
    variable: variableName,
    prompts: promptList.default([]),
    /** Stop after this many digits. */
    max: z.number().int().min(1).max(64).default(20),
    /** Fewer digits than this count as invalid. */
    min: z.number().int().min(0).max(64).default(1),
    /** Key that ends input; `""` disables it. */
    terminator: z.union([z.literal(''), z.string().regex(/^[*#]$/, 'must be "#", "*" or ""')]).default('#'),
    interDigitTimeoutMs: durationMs().default(3_000),
    timeoutMs: durationMs().default(5_000),
    /** Regular expression (RE2 syntax, run in linear time) the digits must contain; anchor it for the whole input, e.g. `^\d{4}$`. */
    pattern: regexSource.optional(),
    maxRetries: z.number().int().min(0).max(10).default(0),
    invalidPrompts: promptList.default([]),
    bargeIn: z.boolean().default(true),
    next: nodeRef,
    /** Where to go when no valid input came after the retries; without it the call is hung up. */
    onFailure: nodeRef.optional(),
  })
  .strict();
export type GatherConfig = z.infer<typeof gatherConfigSchema>;

/** `gather`: collect N digits (or until the terminator) into a call variable, optionally validated. */
@IvrNode()
@Injectable()
export class GatherNode implements IvrNodeHandler<GatherConfig> {
  readonly type = 'gather';
  readonly configSchema = gatherConfigSchema;

  async execute(ctx: IvrContext, cfg: GatherConfig): Promise<IvrTransition> {
    const pattern = cfg.pattern ? compileLinearPattern(cfg.pattern) : undefined;
    let prompts = cfg.prompts;
    let last = 'timeout';
    for (let attempt = 0; attempt <= cfg.maxRetries; attempt++) {
      if (prompts.length) await ctx.play(prompts, { bargeIn: cfg.bargeIn });
      const input = await ctx.collectDigits({ max: cfg.max, terminator: cfg.terminator || undefined, interDigitTimeoutMs: cfg.interDigitTimeoutMs, timeoutMs: cfg.timeoutMs });
      const ok = input.digits.length >= cfg.min && (!pattern || pattern.matcher(input.digits).find());
      if (ok) {
        ctx.variables[cfg.variable] = input.digits;
        return { next: cfg.next, result: `collected-${input.reason}` };
      }
      last = input.digits === '' ? 'timeout' : 'invalid';
      prompts = [...cfg.invalidPrompts, ...cfg.prompts];
    }
    if (cfg.onFailure) return { next: cfg.onFailure, result: last };
    await ctx.hangup();
    return { end: 'hangup', result: last };
  }

  canEnd(cfg: GatherConfig): boolean {
    return cfg.onFailure === undefined;
  }
}
