import type { QueueEntity } from '@callplane/persistence';

/** Dialplan context of the voicemail extensions in the bundled asterisk-config and freeswitch-config. */
export const VOICEMAIL_CONTEXT = 'callplane-voicemail';

/** A voicemail box callplane can send a caller to: the extension of {@link VOICEMAIL_CONTEXT} (digits). */
const VOICEMAIL_BOX = /^[0-9]{1,20}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Where a waiting caller goes on max wait or the leave key:
 * - `queue`: enters the target queue afresh (its greeting, its max wait; the wait there counts from
 *   entering it, as app_queue does when the dialplan runs Queue() again), keeping the priority;
 * - `ivr`: handed to the IVR flow (target `ivr`);
 * - `voicemail`: sent to the dialplan extension `<box>` of {@link VOICEMAIL_CONTEXT} (Asterisk
 *   `VoiceMail(<box>@default,u)`, FreeSWITCH `voicemail default ${domain_name} <box>`), disposition VOICEMAIL;
 * - `hangup`: the no-answer prompt, hangup, NO_ANSWER.
 * `invalid`: the queue's target cannot be used as configured (`why`): callers get `hangup`.
 */
export type OverflowPlan =
  | { kind: 'queue'; queueId: string }
  | { kind: 'ivr'; flowId: string }
  | { kind: 'voicemail'; box: string }
  | { kind: 'hangup' }
  | { kind: 'invalid'; why: string };

/** The overflow plan of a queue as configured (whether the target still exists is checked when used). */
export function overflowPlan(queue: Pick<QueueEntity, 'id' | 'overflowTargetType' | 'overflowTargetId'>): OverflowPlan {
  const id = queue.overflowTargetId ?? '';
  switch (queue.overflowTargetType) {
    case null:
    case undefined:
    case 'hangup':
      return { kind: 'hangup' };
    case 'queue':
      if (!UUID.test(id)) return { kind: 'invalid', why: 'overflow queue id is not a queue id' };
      if (id === queue.id) return { kind: 'invalid', why: 'a queue cannot overflow into itself' };
      return { kind: 'queue', queueId: id };
    case 'ivr':
      return UUID.test(id) ? { kind: 'ivr', flowId: id } : { kind: 'invalid', why: 'overflow IVR flow id is not a flow id' };
    case 'voicemail':
      return VOICEMAIL_BOX.test(id) ? { kind: 'voicemail', box: id } : { kind: 'invalid', why: 'voicemail box must be 1-20 digits' };
    default:
      return { kind: 'invalid', why: `unknown overflow target type ${String(queue.overflowTargetType)}` };
  }
}
