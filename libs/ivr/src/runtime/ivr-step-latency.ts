import { Injectable } from '@nestjs/common';

/** p50/p99 of IVR step latency (DTMF received → next prompt requested), ms. */
export interface IvrLatencySummary {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

const MAX_SAMPLES = 200_000;

/**
 * Collects `dtmfToPromptMs` of live calls (the time between the DTMF that completed an input
 * and the play request of the prompt that followed), for `npm run bench` and diagnostics.
 * Keeps the last 200 000 samples.
 */
@Injectable()
export class IvrStepLatency {
  private samples: number[] = [];

  record(ms: number): void {
    if (this.samples.length >= MAX_SAMPLES) this.samples.shift();
    this.samples.push(ms);
  }

  /** Nearest-rank percentiles of the samples so far (zeros when none). */
  summary(): IvrLatencySummary {
    const sorted = [...this.samples].sort((a, b) => a - b);
    const rank = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0);
    return { count: sorted.length, p50Ms: rank(50), p99Ms: rank(99), maxMs: sorted.at(-1) ?? 0 };
  }

  reset(): void {
    this.samples = [];
  }
}
