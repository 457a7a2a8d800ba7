import { DomainError } from '@callplane/core';
import type { LiveCall } from '@callplane/calls';
import type { QueueEntity } from '@callplane/persistence';

/**
 * A caller's place in a queue:
 * - `greeting`: answered, hearing the queue greeting
 * - `waiting`: in the holding bridge with MOH, no agent ringing
 * - `ringing`: a ring round is under way (agent legs in `ringing`)
 * - `connected`: bridged with the agent who answered first
 * - `timed-out`: maxWaitS passed; hearing the no-answer prompt before the hangup
 * - `ended`: the caller is gone
 */
export type QueueEntryState = 'greeting' | 'waiting' | 'ringing' | 'connected' | 'timed-out' | 'ended';

/** Allowed entry transitions (from → to). */
export const QUEUE_ENTRY_TABLE: Readonly<Record<QueueEntryState, readonly QueueEntryState[]>> = {
  greeting: ['waiting', 'timed-out', 'ended'],
  waiting: ['ringing', 'timed-out', 'ended'],
  ringing: ['waiting', 'connected', 'timed-out', 'ended'],
  connected: ['ended'],
  'timed-out': ['ended'],
  ended: [],
};

/** An entry transition the table forbids (a bug, never user input). */
export class QueueEntryStateError extends DomainError {
  readonly code = 'queue-entry-illegal';
  constructor(callId: string, from: QueueEntryState, to: QueueEntryState) {
    super(`Queue entry of call ${callId} cannot go from ${from} to ${to}`, { callId, from, to });
  }
}

/** One waiting (or connected) caller, in memory. */
export interface QueueEntry {
  call: LiveCall;
  /** The queue's settings when the call entered. */
  queue: QueueEntity;
  /** Higher is served first. */
  priority: number;
  enqueuedAt: Date;
  /** Tie-break for equal priority and enqueue time (arrival order). */
  seq: number;
  state: QueueEntryState;
  holdingBridgeId?: string;
  mixingBridgeId?: string;
  /** Agent legs of the current ring round: channel id → agent id. */
  ringing: Map<string, string>;
  /** Agents rung for this call without answering; passed over until every eligible agent was tried. */
  tried: Set<string>;
  /** Agent who answered, and its leg. */
  agentId?: string;
  agentChannelId?: string;
  maxWaitTimer?: NodeJS.Timeout;
  /** Set while waiting for the next ring round after one that nobody answered (the queue's `retryDelayS`). */
  retryTimer?: NodeJS.Timeout;
  /** When the first leg of the current ring round started, ms since the epoch (ring-progressively); unset between rounds. */
  roundStartedAt?: number;
}

/** Moves an entry. @throws QueueEntryStateError when the table forbids it */
export function moveEntry(entry: QueueEntry, to: QueueEntryState): void {
  if (!QUEUE_ENTRY_TABLE[entry.state].includes(to)) throw new QueueEntryStateError(entry.call.id, entry.state, to);
  entry.state = to;
}

/** Service order: priority (higher first), then enqueue time, then arrival. */
export function compareEntries(a: QueueEntry, b: QueueEntry): number {
  return b.priority - a.priority || a.enqueuedAt.getTime() - b.enqueuedAt.getTime() || a.seq - b.seq;
}
