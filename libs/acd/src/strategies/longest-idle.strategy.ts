import type { AcdStrategy, AgentCandidate } from './acd-strategy';

const idleSince = (c: AgentCandidate): number => c.lastCallEndedAt?.getTime() ?? -8.64e15; // earliest representable Date

/** a is served before b: idle longer, then lower penalty, then lower id. */
const before = (a: AgentCandidate, b: AgentCandidate): boolean =>
  idleSince(a) !== idleSince(b) ? idleSince(a) < idleSince(b) : a.penalty !== b.penalty ? a.penalty < b.penalty : a.agentId < b.agentId;

/**
 * longest-idle: one agent per ring round, the available member whose last call ended the
 * longest ago (never had a call = idle the longest); ties by penalty, then agent id (stable).
 * Nothing is added while a leg still rings.
 */
export class LongestIdleStrategy implements AcdStrategy {
  readonly name = 'longest-idle' as const;

  select(candidates: readonly AgentCandidate[], ringing: number): AgentCandidate[] {
    if (ringing > 0 || candidates.length === 0) return [];
    // One linear pass (no sort): dispatch runs this per waiting call over every available member.
    let best = candidates[0];
    for (const c of candidates) if (before(c, best)) best = c;
    return [best];
  }
}
