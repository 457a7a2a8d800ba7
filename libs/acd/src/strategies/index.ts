import type { QueueStrategy } from '@callplane/contracts';
import type { AcdStrategy } from './acd-strategy';
import { LongestIdleStrategy } from './longest-idle.strategy';
import { RingAllStrategy } from './ring-all.strategy';

export * from './acd-strategy';
export * from './ring-all.strategy';
export * from './longest-idle.strategy';

const STRATEGIES: Record<QueueStrategy, AcdStrategy> = {
  'ring-all': new RingAllStrategy(),
  'longest-idle': new LongestIdleStrategy(),
};

/** The strategy for a queue's `strategy` column; unknown names fall back to ring-all. */
export function strategyFor(name: string): AcdStrategy {
  return STRATEGIES[name as QueueStrategy] ?? STRATEGIES['ring-all'];
}
