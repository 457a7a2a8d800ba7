/** Transfer states (see @callplane/calls TRANSFER_TABLE). */
export type TransferStateView = 'dialing' | 'consult-ringing' | 'consulting' | 'swapped' | 'conference' | 'completed' | 'cancelled' | 'failed' | 'ended';

/** Where a call is transferred to: agent/queue/IVR flow id (uuid), endpoint resource or external number. */
export interface TransferTargetView {
  type: 'agent' | 'endpoint' | 'external' | 'queue' | 'ivr';
  id: string;
}

/** A transfer as REST and Socket.IO show it. Times ISO-8601. `reason`: why it ended so (`target-busy`, `target-no-answer`, …). */
export interface TransferView {
  id: string;
  callId: string;
  flow: 'blind' | 'attended';
  state: TransferStateView;
  target: TransferTargetView;
  origin: 'api' | 'phone';
  transfererAgentId: string | null;
  targetAgentId: string | null;
  reason: string | null;
  createdAt: string;
  endedAt: string | null;
}

/** `transfer.changed` (Socket.IO `/agents`, to both agents and supervisors): `type` is `transfer.<state>` or `transfer.started`. */
export interface TransferChangedEvent {
  type: string;
  transfer: TransferView;
}
