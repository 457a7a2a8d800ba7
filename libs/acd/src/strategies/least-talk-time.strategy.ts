import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';
import { CandidateOrder, firstBy, longestIdleOrder } from './candidate-order';

/** Least total talk time first; ties in longest-idle order. */
const leastTalkTimeOrder: CandidateOrder = (a, b) => a.talkTimeS - b.talkTimeS || longestIdleOrder(a, b);

/**
 * least-talk-time: one agent per ring round, the member with the least talk time on answered
 * queue calls (mod_callcenter `agent-with-least-talk-time`); ties → longest-idle order. Nothing
 * is added while a leg still rings.
 */
export class LeastTalkTimeStrategy implements AcdStrategy {
  readonly name = 'least-talk-time' as const;

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringing > 0) return [];
    const best = firstBy(candidates, leastTalkTimeOrder);
    return best ? [best] : [];
  }
}
