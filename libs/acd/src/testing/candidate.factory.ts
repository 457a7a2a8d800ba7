import type { AgentCandidate, StrategyContext } from '../strategies/acd-strategy';
import type { QueueMemberView } from '../queue-directory';

/** The fake clock's "now" for strategy tests, ms since the epoch. */
export const T0 = Date.parse('2026-01-01T09:00:00Z');

/** Minutes before {@link T0} as a Date; null stays null (never). */
export const minAgo = (min: number | null): Date | null => (min === null ? null : new Date(T0 - min * 60_000));

/**
 * An eligible member for strategy tests: idle since `lastEndedMinAgo` minutes (null = never had
 * a call), available for an hour, tier 1, position 0, no counters — override what the test is about.
 */
export function candidate(agentId: string, over: Partial<AgentCandidate> & { lastEndedMinAgo?: number | null; availableMinAgo?: number } = {}): AgentCandidate {
  const { lastEndedMinAgo = null, availableMinAgo = 60, ...rest } = over;
  return {
    agentId,
    name: agentId,
    endpoint: agentId,
    penalty: 0,
    tier: 1,
    position: 0,
    lastCallEndedAt: minAgo(lastEndedMinAgo),
    availableSince: minAgo(availableMinAgo) as Date,
    callsAnswered: 0,
    talkTimeS: 0,
    skills: {},
    ...rest,
  };
}

/** A strategy context at {@link T0} with nothing ringing, queue `q1`, 10 s progression. */
export function strategyContext(over: Partial<StrategyContext> = {}): StrategyContext {
  return { queueId: 'q1', ringing: 0, ringingForMs: 0, ringProgressivelyMs: 10_000, now: T0, ...over };
}

/** The agent ids of a pick, in order. */
export const ids = (picked: readonly AgentCandidate[]): string[] => picked.map((c) => c.agentId);

/**
 * A queue member row as {@link QueueDirectory.membersOf} returns it: available for a minute before
 * {@link T0}, tier 1, position 0, no counters — override what the test is about.
 */
export function queueMember(agentId: string, extra: Partial<QueueMemberView> = {}): QueueMemberView {
  return {
    agentId,
    name: agentId,
    endpoint: agentId,
    pbxNodeId: null,
    penalty: 0,
    tier: 1,
    position: 0,
    state: 'available',
    stateChangedAt: new Date(T0 - 60_000),
    lastCallEndedAt: null,
    skills: {},
    callsAnswered: 0,
    talkTimeS: 0,
    ringTimeoutS: null,
    ...extra,
  };
}
