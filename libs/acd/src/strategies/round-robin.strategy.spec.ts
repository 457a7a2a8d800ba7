import { candidate, ids, strategyContext } from '../testing/candidate.factory';
import { RoundRobinStrategy } from './round-robin.strategy';

describe(RoundRobinStrategy.name, () => {
  let sut: RoundRobinStrategy;
  beforeEach(() => (sut = new RoundRobinStrategy()));

  const a = candidate('a', { position: 1 });
  const b = candidate('b', { position: 2 });
  const c = candidate('c', { position: 3 });
  const members = [c, a, b];
  const ctx = strategyContext();
  const next = (list = members, over = {}) => ids(sut.select(list, strategyContext(over)))[0];

  it('starts at the top, then offers each next member after the one offered last, wrapping', () => {
    expect([next(), next(), next(), next(), next()]).toEqual(['a', 'b', 'c', 'a', 'b']);
  });

  it('orders equal positions by agent id', () => {
    const same = [candidate('n', { position: 1 }), candidate('m', { position: 1 }), candidate('o', { position: 0 })];
    expect([next(same), next(same), next(same), next(same)]).toEqual(['o', 'm', 'n', 'o']);
  });

  it('ignores idle time and counters', () => {
    const busy = [candidate('a', { position: 1, callsAnswered: 99, lastEndedMinAgo: 0 }), candidate('b', { position: 2, lastEndedMinAgo: null })];
    expect(next(busy)).toEqual('a');
  });

  it('continues after the one offered last even when that one has left', () => {
    expect([next(), next()]).toEqual(['a', 'b']);
    expect(next([a, c])).toEqual('c'); // b (offered last) logged out between the offers
  });

  it('skips a member who is not free and comes back to it on its turn', () => {
    expect(next()).toEqual('a');
    expect(next([a, c])).toEqual('c'); // b is ringing for another call
    expect(next()).toEqual('a');
    expect(next()).toEqual('b');
  });

  it('keeps a separate turn per queue', () => {
    expect([next(members, { queueId: 'q1' }), next(members, { queueId: 'q1' })]).toEqual(['a', 'b']);
    expect(next(members, { queueId: 'q2' })).toEqual('a');
    expect(next(members, { queueId: 'q1' })).toEqual('c');
  });

  it('neither offers nor advances while a leg still rings', () => {
    expect(next()).toEqual('a');
    expect(sut.select(members, strategyContext({ ringing: 1 }))).toEqual([]);
    expect(next()).toEqual('b');
  });

  it('starts over at the top after forget()', () => {
    expect([next(), next()]).toEqual(['a', 'b']);
    sut.forget(ctx.queueId);
    expect(next()).toEqual('a');
  });

  it('offers nobody from an empty list and keeps its place', () => {
    expect(next()).toEqual('a');
    expect(sut.select([], ctx)).toEqual([]);
    expect(next()).toEqual('b');
  });
});
