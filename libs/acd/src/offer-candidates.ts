import type { AgentStatus } from './agent-state.service';
import type { QueueMemberView } from './queue-directory';
import type { QueueEntry } from './queue-entry';
import type { AgentCandidate, StrategyContext } from './strategies';

/** A queue member as the ring rounds offer it: the member row plus the strategy's view of the agent. */
export type OfferCandidate = QueueMemberView & AgentCandidate;

/** The members of one loaded list by agent id, as candidates (own copies: refreshed in place each dispatch). */
export function candidateIndex(members: readonly QueueMemberView[]): Map<string, OfferCandidate> {
  return new Map(members.map((m) => [m.agentId, { ...m, skills: { ...m.skills }, availableSince: m.stateChangedAt }]));
}

/** Copies what the ACD's memory knows of the agent onto its candidate (memory wins: the member rows are cached for seconds). */
export function refreshCandidate(c: OfferCandidate, s: AgentStatus | undefined): void {
  if (!s) return;
  c.lastCallEndedAt = s.lastCallEndedAt ?? c.lastCallEndedAt;
  c.availableSince = s.availableSince ?? c.availableSince;
  if (s.callsAnswered !== undefined) c.callsAnswered = s.callsAnswered;
  if (s.talkTimeS !== undefined) c.talkTimeS = s.talkTimeS;
  if (s.skills) c.skills = s.skills;
}

/** The strategy's view of one entry at `now` (ms epoch). */
export function offerContext(entry: QueueEntry, now: number): StrategyContext {
  const ringing = entry.ringing.size;
  return {
    queueId: entry.queue.id,
    ringing,
    ringingForMs: ringing > 0 && entry.roundStartedAt !== undefined ? Math.max(0, now - entry.roundStartedAt) : 0,
    ringProgressivelyMs: Math.max(0, entry.queue.ringProgressivelyS ?? 0) * 1000,
    now,
  };
}
