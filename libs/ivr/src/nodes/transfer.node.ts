import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { renderTemplate, templateScope } from '../runtime/ivr-template';
import { dialplanContext, dialTarget } from './node-schema';

export const transferConfigSchema = z
  .object({
    /** Extension or external number (templated, e.g. `{{agentExtension}}`); dial-string characters only. */
    extension: dialTarget,
    /** Dialplan context (Asterisk) / dialplan context (FreeSWITCH); the driver's default when absent. */
    context: dialplanContext.optional(),
  })
  .strict();
export type TransferConfig = z.infer<typeof transferConfigSchema>;

/** `transfer`: blind transfer to an extension or number (driver.redirect). Ends the flow. */
@IvrNode()
@Injectable()
export class TransferNode implements IvrNodeHandler<TransferConfig> {
  readonly type = 'transfer';
  readonly configSchema = transferConfigSchema;

  async execute(ctx: IvrContext, cfg: TransferConfig): Promise<IvrTransition> {
    const extension = renderTemplate(cfg.extension, templateScope(ctx));
    await ctx.transfer({ extension, context: cfg.context });
    return { end: 'transferred', result: `transfer-${extension}` };
  }
}
