import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';

/**
 * ring-all: every eligible member at once, first to answer wins (Asterisk app_queue `ringall`,
 * mod_callcenter `ring-all`). Unlike app_queue, a member who becomes available while a ring
 * round is under way joins it: the candidates are always rung, whatever `ctx.ringing` is (they
 * exclude the members already ringing).
 */
export class RingAllStrategy implements AcdStrategy {
  readonly name = 'ring-all' as const;

  select(candidates: readonly AgentCandidate[], _ctx?: StrategyContext): AgentCandidate[] {
    return [...candidates];
  }
}
