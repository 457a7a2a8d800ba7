import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';
import { CandidateOrder, firstBy, longestIdleOrder } from './candidate-order';

/** Fewest answered queue calls first; ties in longest-idle order. */
const fewestCallsOrder: CandidateOrder = (a, b) => a.callsAnswered - b.callsAnswered || longestIdleOrder(a, b);

/**
 * fewest-calls: one agent per ring round, the member who answered the fewest queue calls since
 * the counters were reset (app_queue `fewestcalls`, mod_callcenter `agent-with-fewest-calls`);
 * ties → longest-idle order. Nothing is added while a leg still rings.
 */
export class FewestCallsStrategy implements AcdStrategy {
  readonly name = 'fewest-calls' as const;

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringing > 0) return [];
    const best = firstBy(candidates, fewestCallsOrder);
    return best ? [best] : [];
  }
}
