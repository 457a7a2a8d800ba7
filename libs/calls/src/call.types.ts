import type { CallDisposition, CallLegRole } from '@callplane/contracts';
import type { CallTarget, LiveCall } from './call-target';

export type { CallDisposition, CallLegRole };

/** One channel of a live call. */
export interface LiveLeg {
  channelId: string;
  role: CallLegRole;
  /** Agent the leg rings (role `agent`). */
  agentId?: string;
  /** Endpoint dialled (role `agent`/`transfer`). */
  endpoint?: string;
  /** When the leg was answered (PBX `up`). */
  answeredAt?: Date;
  /** Resolves when the leg's row is written (its end waits on it). */
  recorded?: Promise<void>;
}

/**
 * Engine-side state of a live call, kept by {@link LiveCallRegistry} beside the contract
 * object {@link LiveCall} that handlers get.
 */
export interface LiveCallState {
  call: LiveCall;
  /** Legs by channel id (the caller's included). */
  legs: Map<string, LiveLeg>;
  /** The handler that owns the call (route target), once routed. */
  target?: CallTarget;
  /** Agent who answered and when (→ `calls.agentId`, `calls.answeredAt`). */
  agentId?: string;
  agentAnsweredAt?: Date;
  /**
   * Outcome an owner decided before hanging the caller up (e.g. `NO_ANSWER`), and/or the
   * cause to record (e.g. the agent's cause when the agent hung up first). Applied when the
   * caller leg ends; otherwise ANSWERED if an agent answered, else IVR_ABANDONED if the call
   * was still inside an IVR flow ({@link ivr}), else ABANDONED, with the caller's cause.
   */
  outcome?: { disposition?: CallDisposition; cause?: number };
  /**
   * Set while an IVR flow serves the call: when the flow took (or answered) the caller, and
   * whether it handed the call to another target (a queue) since. A call that ends inside the
   * IVR without an outcome is `IVR_ABANDONED`; once handed off, the target's dispositions apply.
   */
  ivr?: { answeredAt: Date; handedOff: boolean };
  /** Resolves when the call row and caller leg are written (hangup processing waits on it). */
  ready: Promise<void>;
  /** Every agent whose phone was rung for this call. */
  agentIds: Set<string>;
  /** Set once the caller leg ended (the call is finishing). */
  ending: boolean;
  /**
   * The mixing bridge the caller talks in now (caller + agent after a queue answer, caller +
   * target after a transfer), set by whoever bridged it; call control, conference, supervision
   * and transfers start from it. Undefined while the caller is not talking to anyone.
   */
  bridgeId?: string;
  /** The leg the caller talks to now (agent, or the transfer target), with {@link bridgeId}. */
  peerChannelId?: string;
}
