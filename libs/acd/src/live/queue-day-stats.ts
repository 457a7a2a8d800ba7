import type { QueueDayStatsView } from '@callplane/contracts';

/** Local midnight (the server's time zone) of the day containing `ms`, ms since the epoch. */
export function startOfLocalDay(ms: number): number {
  const d = new Date(ms);
  return new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
}

const oneDecimal = (n: number): number => Math.round(n * 10) / 10;

/**
 * One queue's figures for the current local day (pure: time comes in as `nowMs`). Each call is
 * counted once per day however often it is reported (the start-up read of the calls table and
 * the bus may both report it). The waits are kept, not pre-bucketed, so a change of the queue's
 * service level threshold applies to the whole day at once. At the first report or view after
 * local midnight everything starts from zero.
 *
 * Formulas (see {@link QueueDayStatsView}): service level % = answered within T ÷ (answered +
 * abandoned after T + overflowed after T) × 100, T = the queue's `serviceLevelS`; ASA = mean
 * answer wait, s.
 */
export class QueueDayStats {
  private day: number;
  private readonly counted = new Set<string>();
  private answerWaitsMs: number[] = [];
  private abandonWaitsMs: number[] = [];
  private overflowWaitsMs: number[] = [];
  private callbacks = 0;

  constructor(nowMs: number) {
    this.day = startOfLocalDay(nowMs);
  }

  /** An agent answered `callId` at `atMs` after a wait of `waitMs`. @returns false when not counted (already, or not today) */
  answered(callId: string, waitMs: number, atMs: number, nowMs: number): boolean {
    return this.count(callId, atMs, nowMs) && this.answerWaitsMs.push(Math.max(0, waitMs)) > 0;
  }

  /** The caller of `callId` hung up at `atMs` after waiting `waitMs`. @returns false when not counted */
  abandoned(callId: string, waitMs: number, atMs: number, nowMs: number): boolean {
    return this.count(callId, atMs, nowMs) && this.abandonWaitsMs.push(Math.max(0, waitMs)) > 0;
  }

  /**
   * The queue gave up on the caller of `callId` at `atMs` after `waitMs`: max wait passed (NO_ANSWER
   * or sent to the overflow target) or the caller pressed the leave key. @returns false when not counted
   */
  overflowed(callId: string, waitMs: number, atMs: number, nowMs: number): boolean {
    return this.count(callId, atMs, nowMs) && this.overflowWaitsMs.push(Math.max(0, waitMs)) > 0;
  }

  /** The caller of `callId` asked to be called back (kept their place; not in the service level). @returns false when not counted */
  callbackRequested(callId: string, atMs: number, nowMs: number): boolean {
    return this.count(callId, atMs, nowMs) && ++this.callbacks > 0;
  }

  /** Today's figures against a threshold of `serviceLevelS` s. */
  view(serviceLevelS: number, nowMs: number): QueueDayStatsView {
    this.roll(nowMs);
    const thresholdMs = serviceLevelS * 1000;
    const answered = this.answerWaitsMs.length;
    const inTime = this.answerWaitsMs.filter((w) => w <= thresholdMs).length;
    const abandonedLate = this.abandonWaitsMs.filter((w) => w > thresholdMs).length;
    const overflowedLate = this.overflowWaitsMs.filter((w) => w > thresholdMs).length;
    const base = answered + abandonedLate + overflowedLate;
    const total = this.answerWaitsMs.reduce((a, b) => a + b, 0);
    return {
      since: new Date(this.day).toISOString(),
      answered,
      abandoned: this.abandonWaitsMs.length,
      abandonedWithinThreshold: this.abandonWaitsMs.length - abandonedLate,
      overflowed: this.overflowWaitsMs.length,
      callbacksRequested: this.callbacks,
      serviceLevelS,
      serviceLevelPct: base === 0 ? null : oneDecimal((inTime / base) * 100),
      averageSpeedOfAnswerS: answered === 0 ? null : oneDecimal(total / answered / 1000),
    };
  }

  private count(callId: string, atMs: number, nowMs: number): boolean {
    this.roll(nowMs);
    if (atMs < this.day || this.counted.has(callId)) return false;
    this.counted.add(callId);
    return true;
  }

  private roll(nowMs: number): void {
    const day = startOfLocalDay(nowMs);
    if (day === this.day) return;
    this.day = day;
    this.counted.clear();
    this.answerWaitsMs = [];
    this.abandonWaitsMs = [];
    this.overflowWaitsMs = [];
    this.callbacks = 0;
  }
}
