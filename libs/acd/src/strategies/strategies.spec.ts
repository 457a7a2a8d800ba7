import { AgentCandidate } from './acd-strategy';
import { LongestIdleStrategy } from './longest-idle.strategy';
import { RingAllStrategy } from './ring-all.strategy';
import { strategyFor } from './index';

const T0 = Date.parse('2026-01-01T09:00:00Z');
const agent = (agentId: string, lastEndedMinAgo: number | null, penalty = 0): AgentCandidate => ({
  agentId,
  name: agentId,
  endpoint: agentId,
  penalty,
  lastCallEndedAt: lastEndedMinAgo === null ? null : new Date(T0 - lastEndedMinAgo * 60_000),
});

describe(RingAllStrategy.name, () => {
  const sut = new RingAllStrategy();

  it('rings every available member', () => {
    const all = [agent('a', 1), agent('b', 5), agent('c', null)];
    expect(sut.select(all).map((c) => c.agentId)).toEqual(['a', 'b', 'c']);
  });

  it('rings nobody when nobody is available', () => {
    expect(sut.select([])).toEqual([]);
  });
});

describe(LongestIdleStrategy.name, () => {
  const sut = new LongestIdleStrategy();

  it('picks the member whose last call ended the longest ago', () => {
    expect(sut.select([agent('a', 1), agent('b', 30), agent('c', 5)], 0).map((c) => c.agentId)).toEqual(['b']);
  });

  it('counts a member without any call as idle the longest', () => {
    expect(sut.select([agent('a', 600), agent('fresh', null)], 0).map((c) => c.agentId)).toEqual(['fresh']);
  });

  it('breaks ties by penalty, then id', () => {
    expect(sut.select([agent('x', 10, 2), agent('y', 10, 1)], 0).map((c) => c.agentId)).toEqual(['y']);
    expect(sut.select([agent('n', 10), agent('m', 10)], 0).map((c) => c.agentId)).toEqual(['m']);
  });

  it('adds nobody while a leg still rings for the call', () => {
    expect(sut.select([agent('a', 1)], 1)).toEqual([]);
  });
});

describe('strategyFor', () => {
  it('maps queue strategy names', () => {
    expect(strategyFor('longest-idle')).toBeInstanceOf(LongestIdleStrategy);
    expect(strategyFor('ring-all')).toBeInstanceOf(RingAllStrategy);
  });
});
