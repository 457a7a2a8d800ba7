import type { SimRequest } from './pbx-sim.types';

interface DelayRule {
  match: (req: SimRequest) => boolean;
  ms: number;
}

/**
 * Scripted request latency of a simulator (see {@link PbxSimulator.delayRequests}): a request
 * matching a rule is handled (and answered) `ms` later, while events go out as they happen.
 */
export class RequestDelays {
  private readonly rules = new Set<DelayRule>();

  /** @returns a function removing the rule */
  add(match: (req: SimRequest) => boolean, ms: number): () => void {
    const rule = { match, ms };
    this.rules.add(rule);
    return () => this.rules.delete(rule);
  }

  /** How long to hold `req`, ms (the longest matching rule; 0 = none). */
  of(req: SimRequest): number {
    let ms = 0;
    for (const r of this.rules) if (r.ms > ms && r.match(req)) ms = r.ms;
    return ms;
  }
}

/** Resolves after `ms` (not at all when 0: the caller goes on in the same turn). */
export async function hold(ms: number): Promise<void> {
  if (ms > 0) await new Promise((r) => setTimeout(r, ms));
}
