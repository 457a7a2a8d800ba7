import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { FewestCallsStrategy } from './fewest-calls.strategy';

describe(FewestCallsStrategy.name, () => {
  const sut = new FewestCallsStrategy();
  const ctx = strategyContext();

  it('picks the one member who answered the fewest queue calls', () => {
    const all = [candidate('a', { callsAnswered: 7 }), candidate('b', { callsAnswered: 2 }), candidate('c', { callsAnswered: 4, lastEndedMinAgo: null })];
    expect(ids(sut.select(all, ctx))).toEqual(['b']);
  });

  it('breaks ties in longest-idle order', () => {
    const all = [candidate('a', { callsAnswered: 3, lastEndedMinAgo: 2 }), candidate('b', { callsAnswered: 3, lastEndedMinAgo: 20 }), candidate('c', { callsAnswered: 4, lastEndedMinAgo: 90 })];
    expect(ids(sut.select(all, ctx))).toEqual(['b']);
    expect(ids(sut.select([candidate('z', { callsAnswered: 0 }), candidate('y', { callsAnswered: 0 })], ctx))).toEqual(['y']);
  });

  it('adds nobody while a leg still rings, and nobody from an empty list', () => {
    expect(sut.select([candidate('a')], strategyContext({ ringing: 1 }))).toEqual([]);
    expect(sut.select([], ctx)).toEqual([]);
  });
});
