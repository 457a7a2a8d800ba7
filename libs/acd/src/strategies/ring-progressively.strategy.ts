import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';
import { firstKBy, memberOrder } from './candidate-order';

/**
 * ring-progressively (mod_callcenter `ring-progressively`): a ring round starts with one agent;
 * every `ctx.ringProgressivelyMs` one more joins while the earlier keep ringing.
 *
 * Decisions (mod_callcenter orders by tier, then position):
 * - order: member order (`position`, then agent id), as top-down. Tiers are not part of it:
 *   eligibility lets a higher tier in only once its wait has passed, so its members join the
 *   progression from then on.
 * - legs allowed at once: `1 + floor(ringingForMs / ringProgressivelyMs)`; select returns the
 *   first `allowed − ringing` candidates (candidates exclude the members already ringing). A leg
 *   that ended early (an agent rejected, left, or their phone failed) frees its place, which the
 *   next member takes at the next select; the progression's clock is not reset.
 * - `ringProgressivelyMs` ≤ 0: everyone at once (ring-all).
 */
export class RingProgressivelyStrategy implements AcdStrategy {
  readonly name = 'ring-progressively' as const;

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringProgressivelyMs <= 0) return [...candidates];
    return firstKBy(candidates, allowedLegs(ctx) - ctx.ringing, memberOrder);
  }

  /** ms until the next agent joins (the next multiple of the interval since the round began); undefined while nothing rings. */
  nextSelectInMs(ctx: StrategyContext): number | undefined {
    if (ctx.ringing === 0 || ctx.ringProgressivelyMs <= 0) return undefined;
    const elapsed = Math.max(0, ctx.ringingForMs);
    return ctx.ringProgressivelyMs - (elapsed % ctx.ringProgressivelyMs);
  }
}

/** Legs that may ring at once now: one, plus one per full interval since the round's first leg. */
function allowedLegs(ctx: StrategyContext): number {
  // A new round (nothing ringing) starts with one leg whatever ringingForMs says.
  const elapsed = ctx.ringing > 0 ? Math.max(0, ctx.ringingForMs) : 0;
  return 1 + Math.floor(elapsed / ctx.ringProgressivelyMs);
}
