import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { RandomStrategy } from './random.strategy';

/** An rng returning the given values in turn. */
const sequence = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length];
};

describe(RandomStrategy.name, () => {
  const members = [candidate('a'), candidate('b'), candidate('c'), candidate('d')];
  const ctx = strategyContext();

  it('picks the one member the random number lands on', () => {
    const sut = new RandomStrategy(sequence(0, 0.3, 0.74, 0.999));
    expect([1, 2, 3, 4].map(() => ids(sut.select(members, ctx))[0])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stays within the list even if the rng returns 1', () => {
    expect(ids(new RandomStrategy(() => 1).select(members, ctx))).toEqual(['d']);
  });

  it('spreads picks over every member with Math.random', () => {
    const sut = new RandomStrategy();
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) seen.add(sut.select(members, ctx)[0].agentId);
    expect([...seen].sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('adds nobody while a leg still rings, and nobody from an empty list', () => {
    const sut = new RandomStrategy(() => 0);
    expect(sut.select(members, strategyContext({ ringing: 1 }))).toEqual([]);
    expect(sut.select([], ctx)).toEqual([]);
  });
});
