import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';
import { firstBy, memberOrder } from './candidate-order';

/**
 * top-down: one agent per ring round, the first free member from the top of the member order
 * (lowest `position`, ties by agent id), every time — no memory, so the top members take most
 * calls (mod_callcenter `top-down`, app_queue `linear`). Tiers are not part of the order: the
 * eligibility step lets a higher tier's members in only once their tier's wait has passed.
 * Nothing is added while a leg still rings.
 */
export class TopDownStrategy implements AcdStrategy {
  readonly name = 'top-down' as const;

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringing > 0) return [];
    const best = firstBy(candidates, memberOrder);
    return best ? [best] : [];
  }
}
