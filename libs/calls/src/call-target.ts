/**
 * A call callplane controls right now (in memory), as handed between the inbound router,
 * IVR flows and ACD queues. The persisted row is `CallEntity` with the same `id`.
 */
export interface LiveCall {
  /** Call row id (uuid). */
  id: string;
  /** PBX node carrying the call. */
  nodeId: string;
  /** The caller's channel on that node. */
  channelId: string;
  callerNumber: string;
  callerName: string;
  /** DID / extension dialled. */
  calledNumber: string;
  /** Whether the caller's channel has been answered. */
  answered: boolean;
  /** Call variables (IVR `set`/`gather`, routing data). */
  variables: Record<string, string>;
  /** When the PBX offered the call. */
  offeredAt: Date;
}

/** Where a call can be sent: `queue` (ACD), `ivr` (a flow), and later others. */
export interface CallTarget {
  type: string;
  id: string;
  /** Queue priority (higher is served first); ignored by other targets. */
  priority?: number;
}

/**
 * Takes over a live call for one target type. ACD registers `queue`, IVR registers `ivr`.
 * `handle` resolves once the call has been accepted by the target (queued, flow started), not
 * when the call ends.
 */
export abstract class CallTargetHandler {
  abstract readonly targetType: string;
  abstract handle(call: LiveCall, target: CallTarget): Promise<void>;
  /**
   * Optional (additive): take back a call that was already this target's before a
   * control-plane restart, in the state the PBX snapshot shows. Handlers without it get
   * adopted calls hung up (cause 16) and finished with the usual disposition rule.
   */
  adopt?(call: LiveCall, target: CallTarget, state: AdoptedCallState): Promise<void>;
}

/**
 * What the resync found on the PBX for an adopted call (see CallResyncService):
 * - `talking`: caller and `agentChannelId` share the mixing bridge `bridgeId`;
 * - `waiting`: the caller is alone, or in the holding bridge `bridgeId`.
 */
export type AdoptedCallState =
  | { kind: 'talking'; agentId?: string; agentChannelId: string; bridgeId: string }
  | { kind: 'waiting'; bridgeId?: string };

/** DI token: every {@link CallTargetHandler} (multi-provider array). */
export const CALL_TARGET_HANDLERS = Symbol('CALL_TARGET_HANDLERS');
