import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { LongestIdleStrategy } from './longest-idle.strategy';

describe(LongestIdleStrategy.name, () => {
  const sut = new LongestIdleStrategy();
  const ctx = strategyContext();

  it('picks the one member whose last queue call ended the longest ago', () => {
    const all = [candidate('a', { lastEndedMinAgo: 1 }), candidate('b', { lastEndedMinAgo: 30 }), candidate('c', { lastEndedMinAgo: 5 })];
    expect(ids(sut.select(all, ctx))).toEqual(['b']);
  });

  it('counts a member who never had a queue call as idle the longest', () => {
    expect(ids(sut.select([candidate('a', { lastEndedMinAgo: 600 }), candidate('fresh', { lastEndedMinAgo: null })], ctx))).toEqual(['fresh']);
  });

  it('breaks a tie on the last call by who has been available the longest', () => {
    const all = [candidate('x', { lastEndedMinAgo: 10, availableMinAgo: 2 }), candidate('y', { lastEndedMinAgo: 10, availableMinAgo: 8 })];
    expect(ids(sut.select(all, ctx))).toEqual(['y']);
    const never = [candidate('x', { availableMinAgo: 1 }), candidate('y', { availableMinAgo: 3 })];
    expect(ids(sut.select(never, ctx))).toEqual(['y']);
  });

  it('then by tier, penalty and agent id, whatever the input order', () => {
    const same = { lastEndedMinAgo: 10, availableMinAgo: 5 };
    expect(ids(sut.select([candidate('a', { ...same, tier: 2 }), candidate('b', { ...same, tier: 1, penalty: 9 })], ctx))).toEqual(['b']);
    expect(ids(sut.select([candidate('a', { ...same, penalty: 2 }), candidate('b', { ...same, penalty: 1 })], ctx))).toEqual(['b']);
    expect(ids(sut.select([candidate('n', same), candidate('m', same)], ctx))).toEqual(['m']);
    expect(ids(sut.select([candidate('m', same), candidate('n', same)], ctx))).toEqual(['m']);
  });

  it('adds nobody while a leg still rings for the call', () => {
    expect(sut.select([candidate('a')], strategyContext({ ringing: 1 }))).toEqual([]);
  });

  it('picks nobody when nobody is eligible', () => {
    expect(sut.select([], ctx)).toEqual([]);
  });
});
