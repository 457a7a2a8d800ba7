import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrNodeTarget, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { dtmfDigit, durationMs, nodeRef, promptList, variableName } from './node-schema';

export const menuConfigSchema = z
  .object({
    prompts: promptList.min(1),
    /** One entry per key; a key may appear once. */
    options: z.array(z.object({ digit: dtmfDigit, next: nodeRef }).strict()).min(1),
    /** Wait for a key after the prompt, ms. */
    timeoutMs: durationMs().default(5_000),
    /** Extra attempts after the first one (invalid key or timeout). */
    maxRetries: z.number().int().min(0).max(10).default(2),
    invalidPrompts: promptList.default([]),
    timeoutPrompts: promptList.default([]),
    /** A key pressed during the prompt stops it and counts as the choice. */
    bargeIn: z.boolean().default(true),
    /** Where to go when the retries are used up; without it the call is hung up. */
    default: nodeRef.optional(),
    /** Store the chosen key in this call variable. */
    variable: variableName.optional(),
  })
  .strict()
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, number>();
    cfg.options.forEach((o, i) => {
      if (seen.has(o.digit)) ctx.addIssue({ code: 'custom', path: ['options', i, 'digit'], message: `digit "${o.digit}" is used twice in this menu (options ${seen.get(o.digit)} and ${i})` });
      else seen.set(o.digit, i);
    });
  });
export type MenuConfig = z.infer<typeof menuConfigSchema>;

/** `menu`: prompt, one key, up to `maxRetries` more attempts on invalid keys / timeouts, then `default`. */
@IvrNode()
@Injectable()
export class MenuNode implements IvrNodeHandler<MenuConfig> {
  readonly type = 'menu';
  readonly configSchema = menuConfigSchema;

  async execute(ctx: IvrContext, cfg: MenuConfig): Promise<IvrTransition> {
    let prompts = cfg.prompts;
    const failures: string[] = [];
    for (let attempt = 0; attempt <= cfg.maxRetries; attempt++) {
      await ctx.play(prompts, { bargeIn: cfg.bargeIn });
      const input = await ctx.collectDigits({ max: 1, timeoutMs: cfg.timeoutMs, interDigitTimeoutMs: cfg.timeoutMs });
      const option = cfg.options.find((o) => o.digit === input.digits);
      if (option) {
        if (cfg.variable) ctx.variables[cfg.variable] = option.digit;
        return { next: option.next, result: withFailures(`digit-${option.digit}`, failures) };
      }
      const timedOut = input.digits === '';
      failures.push(timedOut ? 'timeout' : `invalid-${input.digits}`);
      const retryPrompts = timedOut ? cfg.timeoutPrompts : cfg.invalidPrompts;
      prompts = [...retryPrompts, ...cfg.prompts];
    }
    if (cfg.default) return { next: cfg.default, result: withFailures('retries-exhausted', failures) };
    await ctx.hangup();
    return { end: 'hangup', result: withFailures('retries-exhausted', failures) };
  }

  targets(cfg: MenuConfig): IvrNodeTarget[] {
    const out = cfg.options.map((o, i) => ({ field: `options.${i}.next`, nodeId: o.next }));
    if (cfg.default) out.push({ field: 'default', nodeId: cfg.default });
    return out;
  }

  canEnd(cfg: MenuConfig): boolean {
    return cfg.default === undefined;
  }
}

function withFailures(result: string, failures: string[]): string {
  return failures.length ? `${result} (after ${failures.join(', ')})` : result;
}
