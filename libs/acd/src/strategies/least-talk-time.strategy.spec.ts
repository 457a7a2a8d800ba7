import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { LeastTalkTimeStrategy } from './least-talk-time.strategy';

describe(LeastTalkTimeStrategy.name, () => {
  const sut = new LeastTalkTimeStrategy();
  const ctx = strategyContext();

  it('picks the one member with the least talk time, not the fewest calls', () => {
    const all = [candidate('a', { talkTimeS: 1200.5, callsAnswered: 1 }), candidate('b', { talkTimeS: 300, callsAnswered: 9 }), candidate('c', { talkTimeS: 301 })];
    expect(ids(sut.select(all, ctx))).toEqual(['b']);
  });

  it('breaks ties in longest-idle order', () => {
    const all = [candidate('a', { talkTimeS: 60, lastEndedMinAgo: 1 }), candidate('b', { talkTimeS: 60, lastEndedMinAgo: null }), candidate('c', { talkTimeS: 61 })];
    expect(ids(sut.select(all, ctx))).toEqual(['b']);
  });

  it('adds nobody while a leg still rings, and nobody from an empty list', () => {
    expect(sut.select([candidate('a')], strategyContext({ ringing: 2 }))).toEqual([]);
    expect(sut.select([], ctx)).toEqual([]);
  });
});
