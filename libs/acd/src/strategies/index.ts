import type { QueueStrategy } from '@callplane/contracts';
import type { AcdStrategy } from './acd-strategy';
import { FewestCallsStrategy } from './fewest-calls.strategy';
import { LeastTalkTimeStrategy } from './least-talk-time.strategy';
import { LongestIdleStrategy } from './longest-idle.strategy';
import { RandomStrategy } from './random.strategy';
import { RingAllStrategy } from './ring-all.strategy';
import { RingProgressivelyStrategy } from './ring-progressively.strategy';
import { RoundRobinStrategy } from './round-robin.strategy';
import { TopDownStrategy } from './top-down.strategy';

export * from './acd-strategy';
export * from './candidate-order';
export * from './ring-all.strategy';
export * from './longest-idle.strategy';
export * from './round-robin.strategy';
export * from './fewest-calls.strategy';
export * from './least-talk-time.strategy';
export * from './top-down.strategy';
export * from './random.strategy';
export * from './ring-progressively.strategy';

/**
 * One instance of every strategy. Strategies with memory (round-robin) keep it per queue inside
 * their instance, so the same registry must serve every dispatch of a queue.
 */
export class AcdStrategies {
  private readonly byName: Record<QueueStrategy, AcdStrategy>;

  /** @param rng for `random` (tests inject one); default `Math.random`. */
  constructor(rng: () => number = Math.random) {
    this.byName = {
      'ring-all': new RingAllStrategy(),
      'longest-idle': new LongestIdleStrategy(),
      'round-robin': new RoundRobinStrategy(),
      'fewest-calls': new FewestCallsStrategy(),
      'least-talk-time': new LeastTalkTimeStrategy(),
      'top-down': new TopDownStrategy(),
      random: new RandomStrategy(rng),
      'ring-progressively': new RingProgressivelyStrategy(),
    };
  }

  /** The strategy for a queue's `strategy` column; unknown names fall back to ring-all. */
  for(name: string): AcdStrategy {
    return Object.prototype.hasOwnProperty.call(this.byName, name) ? this.byName[name as QueueStrategy] : this.byName['ring-all'];
  }
}

const DEFAULT_STRATEGIES = new AcdStrategies();

/**
 * The process-wide strategy for a queue's `strategy` column (the same instance on every call, so
 * round-robin's per-queue memory lasts); unknown names fall back to ring-all.
 */
export function strategyFor(name: string): AcdStrategy {
  return DEFAULT_STRATEGIES.for(name);
}
