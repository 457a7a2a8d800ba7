import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';
import { firstBy, longestIdleOrder } from './candidate-order';

/**
 * longest-idle: one agent per ring round, the member whose last queue call ended the longest
 * ago (never had one = idle the longest); ties → available the longest, then tier, penalty,
 * agent id ({@link longestIdleOrder}). mod_callcenter `longest-idle-agent`, app_queue
 * `leastrecent`. Nothing is added while a leg still rings for the call.
 */
export class LongestIdleStrategy implements AcdStrategy {
  readonly name = 'longest-idle' as const;

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringing > 0) return [];
    // One linear pass (no sort): dispatch runs this per waiting call over every available member.
    const best = firstBy(candidates, longestIdleOrder);
    return best ? [best] : [];
  }
}
