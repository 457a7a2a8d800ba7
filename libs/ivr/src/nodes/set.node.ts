import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { renderTemplate, templateScope } from '../runtime/ivr-template';
import { nodeRef, variableName } from './node-schema';

export const setConfigSchema = z
  .object({
    /** Variable → template (`"{{callerNumber}}-{{account}}"`), rendered in order. */
    variables: z.record(variableName, z.union([z.string(), z.number(), z.boolean()]).transform(String)).refine((v) => Object.keys(v).length > 0, 'set at least one variable'),
    next: nodeRef,
  })
  .strict();
export type SetConfig = z.infer<typeof setConfigSchema>;

/** `set`: set call variables from templates over other variables. */
@IvrNode()
@Injectable()
export class SetNode implements IvrNodeHandler<SetConfig> {
  readonly type = 'set';
  readonly configSchema = setConfigSchema;

  async execute(ctx: IvrContext, cfg: SetConfig): Promise<IvrTransition> {
    for (const [name, template] of Object.entries(cfg.variables)) ctx.variables[name] = renderTemplate(template, templateScope(ctx));
    return { next: cfg.next, result: `set-${Object.keys(cfg.variables).length}` };
  }
}
