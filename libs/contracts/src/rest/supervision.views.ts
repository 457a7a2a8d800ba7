/**
 * Supervision modes (issue 8 §4): `monitor` (listen to both sides, silent), `whisper` (coach: the
 * agent hears the supervisor, the customer does not), `barge` (both hear the supervisor).
 */
export const SUPERVISION_MODES = ['monitor', 'whisper', 'barge'] as const;
export type SupervisionMode = (typeof SUPERVISION_MODES)[number];

/** `ringing`: the supervisor's phone rings; `active`: listening through the snoop; `ended`. */
export type SupervisionState = 'ringing' | 'active' | 'ended';

/** A supervision session as REST and Socket.IO show it. Times ISO-8601. */
export interface SupervisionView {
  id: string;
  callId: string;
  mode: SupervisionMode;
  state: SupervisionState;
  /** User who supervises (null for an admin API key). */
  supervisorUserId: string | null;
  /** The supervisor's phone (SIP endpoint) callplane rang. */
  endpoint: string;
  /** Agent being supervised, if the call's peer is an agent. */
  agentId: string | null;
  /** Why it ended: `stopped`, `supervisor-hangup`, `supervisor-no-answer`, `call-ended`, `agent-left`, `snoop-failed`. */
  reason: string | null;
  startedAt: string;
  endedAt: string | null;
}

/** `supervision.changed` (Socket.IO `/supervisors`): `type` is `supervision.<ringing|active|mode|ended>`. */
export interface SupervisionChangedEvent {
  type: string;
  supervision: SupervisionView;
}
