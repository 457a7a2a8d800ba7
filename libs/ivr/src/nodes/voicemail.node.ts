import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { IvrNode } from '../ivr-node.decorator';
import type { IvrNodeHandler, IvrTransition } from '../ivr-node.handler';
import type { IvrContext } from '../runtime/ivr-context';
import { promptList } from './node-schema';

export const voicemailConfigSchema = z
  .object({
    /** Mailbox name; recordings are named `vm-<mailbox>-<callId>`. */
    mailbox: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'must be 1-64 letters, digits, "_" or "-"'),
    greeting: promptList.default([]),
    /** Recording limit, s. */
    maxDurationS: z.number().int().min(1).max(3600).default(120),
    beep: z.boolean().default(true),
  })
  .strict();
export type VoicemailConfig = z.infer<typeof voicemailConfigSchema>;

/** Name of the recording a voicemail node makes (the recording pipeline picks it up by this name). */
export function voicemailRecordingName(mailbox: string, callId: string): string {
  return `vm-${mailbox}-${callId}`;
}

/** `voicemail`: answer, greeting, beep, record into a mailbox, hang up. Ends the flow. */
@IvrNode()
@Injectable()
export class VoicemailNode implements IvrNodeHandler<VoicemailConfig> {
  readonly type = 'voicemail';
  readonly configSchema = voicemailConfigSchema;

  async execute(ctx: IvrContext, cfg: VoicemailConfig): Promise<IvrTransition> {
    await ctx.answer();
    if (cfg.greeting.length) await ctx.play(cfg.greeting, { bargeIn: true });
    await ctx.record({ name: voicemailRecordingName(cfg.mailbox, ctx.callId), maxDurationS: cfg.maxDurationS, beep: cfg.beep });
    await ctx.hangup();
    return { end: 'voicemail', result: `mailbox-${cfg.mailbox}` };
  }
}
