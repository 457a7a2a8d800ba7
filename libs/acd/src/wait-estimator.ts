/** Answered calls remembered per queue for the estimate (the most recent ones). */
export const WAIT_ESTIMATE_SAMPLES = 20;

/**
 * Estimated wait of a queued caller, from the queue's recent calls (in memory, per queue):
 *
 *   estimate(position, agents) = mean handle time × ceil(position ÷ max(1, agents))
 *
 * where the handle time of a call is its talk time (agent answer → end) plus the queue's
 * wrap-up, over the last {@link WAIT_ESTIMATE_SAMPLES} answered calls, and `agents` the members
 * who can take calls now (available, ringing, on-call or in wrap-up). The caller at `position`
 * waits for `ceil(position / agents)` calls to finish on each agent. Before any call finished,
 * the average speed of answer (queue entry → agent answer) of the recent answered calls stands in.
 * Without either: unknown (nothing is announced). app_queue `announce-holdtime` uses a running
 * average of hold times instead (Asterisk app_queue docs); handle time × position scales with load.
 */
export class WaitEstimator {
  private readonly handles = new Map<string, number[]>();
  private readonly answers = new Map<string, number[]>();

  constructor(private readonly samples = WAIT_ESTIMATE_SAMPLES) {}

  /** A call of `queueId` was answered after `waitMs` in the queue, ms. */
  answered(queueId: string, waitMs: number): void {
    this.push(this.answers, queueId, waitMs);
  }

  /** An answered call of `queueId` ended: talk time plus wrap-up, ms. */
  handled(queueId: string, handleMs: number): void {
    this.push(this.handles, queueId, handleMs);
  }

  /**
   * @param position 1-based place of the caller in the queue
   * @param agents members able to take calls now
   * @returns the estimated wait, s (rounded up), or undefined without recent calls
   */
  estimateS(queueId: string, position: number, agents: number): number | undefined {
    const handle = mean(this.handles.get(queueId));
    if (handle !== undefined) return Math.ceil((handle * Math.ceil(position / Math.max(1, agents))) / 1000);
    const asa = mean(this.answers.get(queueId));
    return asa === undefined ? undefined : Math.ceil(asa / 1000);
  }

  private push(map: Map<string, number[]>, queueId: string, ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) return;
    const list = map.get(queueId) ?? [];
    list.push(ms);
    if (list.length > this.samples) list.shift();
    map.set(queueId, list);
  }
}

function mean(list: number[] | undefined): number | undefined {
  if (!list || list.length === 0) return undefined;
  return list.reduce((a, b) => a + b, 0) / list.length;
}
