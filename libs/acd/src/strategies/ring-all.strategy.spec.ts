import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { RingAllStrategy } from './ring-all.strategy';

describe(RingAllStrategy.name, () => {
  const sut = new RingAllStrategy();

  it('rings every eligible member at once', () => {
    const all = [candidate('a', { lastEndedMinAgo: 1 }), candidate('b', { lastEndedMinAgo: 5 }), candidate('c')];
    expect(ids(sut.select(all, strategyContext()))).toEqual(['a', 'b', 'c']);
  });

  it('adds members who became available while the round rings (they join it)', () => {
    expect(ids(sut.select([candidate('late')], strategyContext({ ringing: 3, ringingForMs: 4000 })))).toEqual(['late']);
  });

  it('rings nobody when nobody is eligible', () => {
    expect(sut.select([], strategyContext())).toEqual([]);
  });

  it('returns a new array (the caller may change it without touching the candidates)', () => {
    const all = [candidate('a')];
    expect(sut.select(all, strategyContext())).not.toBe(all);
  });
});
