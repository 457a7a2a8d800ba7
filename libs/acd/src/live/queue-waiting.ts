import type { QueueEntry } from '../queue-entry';

/** Entry states of a caller still waiting for an agent (not connected, not timed out). */
export const WAITING_ENTRY_STATES: ReadonlySet<QueueEntry['state']> = new Set(['greeting', 'waiting', 'ringing']);

/** The waiting callers of one queue at `nowMs`. */
export interface WaitingSummary {
  waiting: number;
  /** Callers with an offer ringing. */
  ringing: number;
  /** Whole seconds the longest-waiting caller has waited (floor), 0 when nobody waits. */
  longestWaitS: number;
  /** When that caller entered the queue, ms since the epoch; undefined when nobody waits. */
  longestWaitSinceMs?: number;
  /** The caller served next that no offer rings for (`waiting` state, service order), if any. */
  head?: QueueEntry;
}

/** Counts the waiting callers among `entries` (a queue's entries in service order). Pure. */
export function summarizeWaiting(entries: readonly QueueEntry[], nowMs: number): WaitingSummary {
  const waiting = entries.filter((e) => WAITING_ENTRY_STATES.has(e.state));
  const since = waiting.length ? Math.min(...waiting.map((e) => e.enqueuedAt.getTime())) : undefined;
  return {
    waiting: waiting.length,
    ringing: waiting.filter((e) => e.state === 'ringing').length,
    longestWaitS: since === undefined ? 0 : Math.max(0, Math.floor((nowMs - since) / 1000)),
    longestWaitSinceMs: since,
    head: waiting.find((e) => e.state === 'waiting'),
  };
}
