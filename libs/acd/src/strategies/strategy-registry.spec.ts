import { QUEUE_STRATEGIES } from '@callplane/contracts';
import { candidate, strategyContext } from '../testing/candidate.factory';
import { AcdStrategies, RingAllStrategy, RoundRobinStrategy, strategyFor } from './index';

describe(AcdStrategies.name, () => {
  it('has a strategy for every queue strategy name, named after it', () => {
    const sut = new AcdStrategies();
    for (const name of QUEUE_STRATEGIES) expect(sut.for(name).name).toBe(name);
  });

  it('falls back to ring-all for an unknown name (and an Object.prototype key)', () => {
    const sut = new AcdStrategies();
    expect(sut.for('ringall')).toBeInstanceOf(RingAllStrategy);
    expect(sut.for('constructor')).toBeInstanceOf(RingAllStrategy);
  });

  it('passes its rng to the random strategy', () => {
    const members = [candidate('a'), candidate('b')];
    expect(new AcdStrategies(() => 0.9).for('random').select(members, strategyContext())[0].agentId).toBe('b');
  });
});

describe(strategyFor.name, () => {
  it('returns the same instance each time, so round-robin remembers its turn per queue', () => {
    expect(strategyFor('round-robin')).toBe(strategyFor('round-robin'));
    expect(strategyFor('round-robin')).toBeInstanceOf(RoundRobinStrategy);
    const members = [candidate('a', { position: 1 }), candidate('b', { position: 2 })];
    const ctx = strategyContext({ queueId: 'registry-spec' });
    expect([strategyFor('round-robin').select(members, ctx)[0].agentId, strategyFor('round-robin').select(members, ctx)[0].agentId]).toEqual(['a', 'b']);
  });
});
