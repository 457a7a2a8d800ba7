import type { AcdStrategy, AgentCandidate } from './acd-strategy';

/**
 * ring-all: every available member at once (Asterisk app_queue `ringall`); an agent becoming
 * available during a ring round joins it. First to answer wins.
 */
export class RingAllStrategy implements AcdStrategy {
  readonly name = 'ring-all' as const;

  select(candidates: readonly AgentCandidate[]): AgentCandidate[] {
    return [...candidates];
  }
}
