import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import type { AgentCandidate } from './acd-strategy';
import { RingProgressivelyStrategy } from './ring-progressively.strategy';

describe(RingProgressivelyStrategy.name, () => {
  const sut = new RingProgressivelyStrategy();
  const members = ['d', 'b', 'a', 'c'].map((id, i) => candidate(id, { position: id.charCodeAt(0), lastEndedMinAgo: i }));
  /** Candidates exclude the members already ringing. */
  const except = (...ringing: string[]): AgentCandidate[] => members.filter((m) => !ringing.includes(m.agentId));
  const at = (ringing: number, ringingForMs: number) => strategyContext({ ringing, ringingForMs, ringProgressivelyMs: 10_000 });

  it('starts a round with one agent, the first in member order', () => {
    expect(ids(sut.select(members, at(0, 0)))).toEqual(['a']);
  });

  it('adds nobody before the interval has passed', () => {
    expect(sut.select(except('a'), at(1, 9_999))).toEqual([]);
  });

  it('adds the next one each interval while the earlier keep ringing', () => {
    expect(ids(sut.select(except('a'), at(1, 10_000)))).toEqual(['b']);
    expect(ids(sut.select(except('a', 'b'), at(2, 20_000)))).toEqual(['c']);
    expect(ids(sut.select(except('a', 'b', 'c'), at(3, 30_500)))).toEqual(['d']);
    expect(sut.select([], at(4, 40_000))).toEqual([]);
  });

  it('catches up with every agent due when asked late', () => {
    expect(ids(sut.select(except('a'), at(1, 25_000)))).toEqual(['b', 'c']);
  });

  it('fills the place of an earlier leg that ended (the agent left mid-offer) with the next one', () => {
    // a and b ring; a's leg ends at 12 s and a is gone: one leg rings, two are allowed.
    const left = except('a', 'b');
    expect(ids(sut.select(left, at(1, 12_000)))).toEqual(['c']);
    expect(sut.select(except('a', 'b', 'c'), at(2, 15_000))).toEqual([]);
  });

  it('starts from the first again when a new round begins', () => {
    expect(ids(sut.select(members, at(0, 0)))).toEqual(['a']);
    expect(ids(sut.select(members, at(0, 50_000)))).toEqual(['a']); // nothing rings: a new round, one leg
  });

  it('rings everyone at once when the interval is 0', () => {
    expect(ids(sut.select(members, strategyContext({ ringProgressivelyMs: 0 })))).toEqual(['d', 'b', 'a', 'c']);
  });

  describe('nextSelectInMs', () => {
    it('is the time to the next interval boundary of the round', () => {
      expect(sut.nextSelectInMs(at(1, 0))).toBe(10_000);
      expect(sut.nextSelectInMs(at(1, 3_000))).toBe(7_000);
      expect(sut.nextSelectInMs(at(2, 10_000))).toBe(10_000);
      expect(sut.nextSelectInMs(at(2, 19_999))).toBe(1);
    });

    it('is undefined while nothing rings or without an interval', () => {
      expect(sut.nextSelectInMs(at(0, 0))).toBeUndefined();
      expect(sut.nextSelectInMs(strategyContext({ ringing: 1, ringProgressivelyMs: 0 }))).toBeUndefined();
    });
  });
});
