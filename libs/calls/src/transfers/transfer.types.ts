/** Blind: the transferring agent leaves at once. Attended: it consults the target first. */
export type TransferFlow = 'blind' | 'attended';

/**
 * Where a call is transferred to. `agent`: an agent id (rung on its endpoint, its state follows);
 * `endpoint`: a registered phone (`1002`); `external`: a number dialled out; `queue` / `ivr`: a
 * queue or IVR flow id (blind only: callplane hands the call to it).
 */
export interface TransferTarget {
  type: 'agent' | 'endpoint' | 'external' | 'queue' | 'ivr';
  /** Agent/queue/flow uuid, endpoint resource, or number (dial-string characters only). */
  id: string;
}

/** Who asked for a transfer. */
export interface TransferRequester {
  /** User id (null for API keys and phones). */
  userId?: string | null;
  /** Agent id of the requester, when the user is an agent. */
  agentId?: string;
  role?: string;
}

export interface StartTransferRequest {
  callId: string;
  flow: TransferFlow;
  target: TransferTarget;
  by?: TransferRequester;
  /** `api` (REST/Socket.IO) or `phone` (SIP REFER). */
  origin?: 'api' | 'phone';
  /** Ring time of the target, s (default 20). */
  timeoutS?: number;
}

/** A transfer as the API shows it (the contract type). */
export type { TransferView } from '@callplane/contracts';
