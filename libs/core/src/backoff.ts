import { backOff } from 'exponential-backoff';

/**
 * Reconnect policy shared by every PBX connection: capped exponential backoff with full
 * jitter ("Exponential Backoff And Jitter", AWS Architecture Blog), never giving up.
 */
export interface BackoffPolicy {
  /** First delay, ms. */
  initialMs: number;
  /** Cap, ms. */
  maxMs: number;
  /** Growth factor per attempt. */
  factor: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 250, maxMs: 10_000, factor: 2 };

/**
 * Runs `attempt` until it resolves, waiting a jittered, capped, exponentially growing delay
 * between failures (via `exponential-backoff`). Exactly one attempt runs at a time. Stops
 * (rejecting with the last error) only when `shouldContinue()` turns false, e.g. on shutdown.
 * `onFailure(err, attemptNo)` is called after each failed attempt (for logging / health).
 */
export function retryForever<T>(
  attempt: () => Promise<T>,
  opts: {
    policy?: BackoffPolicy;
    shouldContinue: () => boolean;
    onFailure?: (err: unknown, attemptNo: number) => void;
    delayFirstAttempt?: boolean;
  },
): Promise<T> {
  const policy = opts.policy ?? DEFAULT_BACKOFF;
  return backOff(attempt, {
    numOfAttempts: Number.MAX_SAFE_INTEGER,
    startingDelay: policy.initialMs,
    maxDelay: policy.maxMs,
    timeMultiple: policy.factor,
    jitter: 'full',
    delayFirstAttempt: opts.delayFirstAttempt ?? false,
    retry: (err: unknown, attemptNo: number) => {
      opts.onFailure?.(err, attemptNo);
      return opts.shouldContinue();
    },
  });
}
