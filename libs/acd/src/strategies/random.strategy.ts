import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';

/**
 * random: one uniformly random eligible member per ring round (app_queue `random`,
 * mod_callcenter `random`). Nothing is added while a leg still rings.
 */
export class RandomStrategy implements AcdStrategy {
  readonly name = 'random' as const;

  /** @param rng uniform in [0, 1) like `Math.random` (tests inject a fixed sequence). */
  constructor(private readonly rng: () => number = Math.random) {}

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringing > 0 || candidates.length === 0) return [];
    // min(): an rng that returns 1 (outside its contract) still picks the last one.
    return [candidates[Math.min(candidates.length - 1, Math.floor(this.rng() * candidates.length))]];
  }
}
