import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { TopDownStrategy } from './top-down.strategy';

describe(TopDownStrategy.name, () => {
  const sut = new TopDownStrategy();
  const ctx = strategyContext();
  const members = [candidate('c', { position: 3 }), candidate('a', { position: 1 }), candidate('b', { position: 2 })];

  it('picks the lowest position, every time (no memory between calls)', () => {
    expect(ids(sut.select(members, ctx))).toEqual(['a']);
    expect(ids(sut.select(members, ctx))).toEqual(['a']);
  });

  it('goes down the list when the top is not free', () => {
    expect(ids(sut.select(members.filter((m) => m.agentId !== 'a'), ctx))).toEqual(['b']);
  });

  it('ignores idle time and counters, and breaks equal positions by agent id', () => {
    const all = [candidate('y', { position: 5, lastEndedMinAgo: null }), candidate('x', { position: 5, callsAnswered: 50, lastEndedMinAgo: 0 })];
    expect(ids(sut.select(all, ctx))).toEqual(['x']);
  });

  it('adds nobody while a leg still rings', () => {
    expect(sut.select(members, strategyContext({ ringing: 1 }))).toEqual([]);
  });
});
