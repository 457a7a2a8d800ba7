import { DomainError } from '@callplane/core';

/**
 * States of a transfer (issue 8). Blind: `dialing` (target rings, the transferring agent already
 * released) → `completed` | `failed`. Attended: `consult-ringing` (caller on hold with music, the
 * consult leg rings the target) → `consulting` (agent talks to the target) ⇄ `swapped` (agent back
 * with the caller, the target on hold) → `conference` (three-way) → `completed` (caller and target
 * bridged, agent gone) | `cancelled` (agent back with the caller) | `ended` (the caller left).
 */
export const TRANSFER_STATES = ['dialing', 'consult-ringing', 'consulting', 'swapped', 'conference', 'completed', 'cancelled', 'failed', 'ended'] as const;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** Final states: the transfer is over and its row closed. */
export const TRANSFER_FINAL_STATES: ReadonlySet<TransferState> = new Set(['completed', 'cancelled', 'failed', 'ended']);

/**
 * What can happen to a transfer. Commands (REST/Socket.IO): `complete`, `cancel`, `swap`,
 * `conference`. PBX facts: `target-answered`, `target-failed` (busy, no answer, unreachable),
 * `target-hangup` (after answering), `caller-hangup`, `agent-hangup`.
 */
export const TRANSFER_EVENTS = ['complete', 'cancel', 'swap', 'conference', 'target-answered', 'target-failed', 'target-hangup', 'caller-hangup', 'agent-hangup'] as const;
export type TransferEvent = (typeof TRANSFER_EVENTS)[number];

/** The transfer commands a user may send (the rest are PBX facts). */
export const TRANSFER_COMMANDS: readonly TransferEvent[] = ['complete', 'cancel', 'swap', 'conference'];

/**
 * The transition table: state → event → next state. Anything absent is illegal
 * ({@link TransferTransitionError}, HTTP 409 with the current state).
 * - an agent hanging up during an attended transfer completes it (what a desk phone's
 *   "transfer on hang-up" does; Asterisk `atxferdropcall` default): a target still ringing is
 *   connected to the caller when it answers, like a blind transfer;
 * - the target failing or hanging up before completion returns the agent to the caller;
 * - swap toggles who the agent talks to; conference makes it three-way, then `complete` lets the
 *   agent leave and `cancel` drops the target.
 */
export const TRANSFER_TABLE: Readonly<Record<TransferState, Partial<Record<TransferEvent, TransferState>>>> = {
  dialing: { 'target-answered': 'completed', 'target-failed': 'failed', 'caller-hangup': 'ended', cancel: 'failed' },
  'consult-ringing': { 'target-answered': 'consulting', 'target-failed': 'cancelled', cancel: 'cancelled', 'caller-hangup': 'ended', 'agent-hangup': 'dialing' },
  consulting: { complete: 'completed', cancel: 'cancelled', swap: 'swapped', conference: 'conference', 'target-hangup': 'cancelled', 'caller-hangup': 'ended', 'agent-hangup': 'completed' },
  swapped: { swap: 'consulting', complete: 'completed', cancel: 'cancelled', conference: 'conference', 'target-hangup': 'cancelled', 'caller-hangup': 'ended', 'agent-hangup': 'completed' },
  conference: { complete: 'completed', cancel: 'cancelled', 'target-hangup': 'cancelled', 'agent-hangup': 'completed', 'caller-hangup': 'ended' },
  completed: {},
  cancelled: {},
  failed: {},
  ended: {},
};

/** An event the table does not allow in the transfer's current state. HTTP 409. */
export class TransferTransitionError extends DomainError {
  readonly code = 'transfer-illegal-transition';
  override readonly httpStatus = 409;
  constructor(
    readonly state: TransferState,
    readonly event: TransferEvent,
  ) {
    super(`transfer is ${state}: ${event} is not allowed`, { state, event });
  }
}

/**
 * The next state for `event` in `state`.
 * @throws TransferTransitionError when the table has no such transition
 */
export function nextTransferState(state: TransferState, event: TransferEvent): TransferState {
  const next = TRANSFER_TABLE[state][event];
  if (!next) throw new TransferTransitionError(state, event);
  return next;
}
