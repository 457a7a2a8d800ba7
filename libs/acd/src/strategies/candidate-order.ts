import type { AgentCandidate } from './acd-strategy';

/**
 * Orders shared by the strategies. Each comparator returns < 0 when `a` is offered before `b`,
 * > 0 when after, 0 only for the same agent id (every order ends on the agent id, so picks are
 * deterministic whatever order the candidates arrive in).
 */
export type CandidateOrder = (a: AgentCandidate, b: AgentCandidate) => number;

const cmp = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : 0);
const cmpId = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
/** A member who never had a queue call has been idle the longest. */
const idleSince = (c: AgentCandidate): number => (c.lastCallEndedAt === null ? Number.NEGATIVE_INFINITY : c.lastCallEndedAt.getTime());

/**
 * longest-idle order: last queue call ended longest ago (never = first); ties → available the
 * longest (`availableSince` earliest), then lower tier, lower penalty, agent id.
 */
export const longestIdleOrder: CandidateOrder = (a, b) =>
  cmp(idleSince(a), idleSince(b)) ||
  cmp(a.availableSince.getTime(), b.availableSince.getTime()) ||
  cmp(a.tier, b.tier) ||
  cmp(a.penalty, b.penalty) ||
  cmpId(a.agentId, b.agentId);

/** Member order (top-down, round-robin, ring-progressively): position ascending, ties by agent id. */
export const memberOrder: CandidateOrder = (a, b) => cmp(a.position, b.position) || cmpId(a.agentId, b.agentId);

/** The place of a member in {@link memberOrder}, kept by round-robin after the member is gone. */
export interface MemberSlot {
  position: number;
  agentId: string;
}

/** `a` comes after the slot `s` in member order. */
export const afterSlot = (a: AgentCandidate, s: MemberSlot): boolean => a.position > s.position || (a.position === s.position && a.agentId > s.agentId);

/** The first candidate in `order`, in one pass (no sort); undefined when there is none. */
export function firstBy(candidates: readonly AgentCandidate[], order: CandidateOrder): AgentCandidate | undefined {
  let best: AgentCandidate | undefined;
  for (const c of candidates) if (best === undefined || order(c, best) < 0) best = c;
  return best;
}

/**
 * The first `k` candidates in `order`, sorted, in one pass with a k-long insertion buffer
 * (O(n·k); k is the handful of legs ring-progressively adds at once, usually 1).
 */
export function firstKBy(candidates: readonly AgentCandidate[], k: number, order: CandidateOrder): AgentCandidate[] {
  if (k <= 0) return [];
  const out: AgentCandidate[] = [];
  for (const c of candidates) {
    if (out.length === k && order(c, out[k - 1]) >= 0) continue;
    let i = out.length < k ? out.length : k - 1;
    while (i > 0 && order(c, out[i - 1]) < 0) {
      out[i] = out[i - 1];
      i--;
    }
    out[i] = c;
  }
  return out;
}
