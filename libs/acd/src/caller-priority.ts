/** Highest queue priority (IVR `queue` node and API accept 0–100; higher is served first). */
export const MAX_QUEUE_PRIORITY = 100;

/** A caller number as VIP lists compare it: spaces (any whitespace) and dashes removed, nothing else (`+49 30-1234` → `+49301234`). */
export function normalizeCallerNumber(number: string): string {
  return number.replace(/[\s-]/g, '');
}

/** What decides a caller's priority in a queue. */
export interface CallerPriorityInput {
  /** Priority asked for by the IVR flow or the API (0–100); null/undefined = 0. */
  requested?: number | null;
  /** The caller's number as received; null/empty = never a VIP. */
  callerNumber: string | null | undefined;
  /** The queue's `vipNumbers`. */
  vipNumbers: readonly string[];
  /** The queue's `vipPriority`, given to callers on {@link vipNumbers}. */
  vipPriority: number;
}

/**
 * A caller's priority in a queue (higher is served first): the larger of the requested priority
 * and — when the caller's number is on the queue's VIP list — the queue's `vipPriority`, rounded
 * and bounded to 0–{@link MAX_QUEUE_PRIORITY}; a non-finite value counts as 0.
 *
 * Numbers match after {@link normalizeCallerNumber} on both sides, exactly otherwise: no E.164
 * rewriting, so `+4930…` and `004930…` are different numbers — list them as the carrier sends them.
 */
export function callerPriority(input: CallerPriorityInput): number {
  const requested = finiteOr0(input.requested);
  const caller = input.callerNumber ? normalizeCallerNumber(input.callerNumber) : '';
  const vip = caller !== '' && input.vipNumbers.some((n) => normalizeCallerNumber(n) === caller);
  const priority = vip ? Math.max(requested, finiteOr0(input.vipPriority)) : requested;
  return Math.min(MAX_QUEUE_PRIORITY, Math.max(0, Math.round(priority)));
}

const finiteOr0 = (v: number | null | undefined): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
