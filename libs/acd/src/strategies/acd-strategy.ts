import type { QueueStrategy } from '@callplane/contracts';

/** An available queue member the ACD may ring. */
export interface AgentCandidate {
  agentId: string;
  name: string;
  /** SIP endpoint resource, e.g. `1001`. */
  endpoint: string;
  /** Queue membership penalty (lower is better). */
  penalty: number;
  /** End of the agent's last call; null = never had one (idle the longest). */
  lastCallEndedAt: Date | null;
}

/**
 * Picks which available members to ring for one waiting call. Pure: no I/O, no clock.
 * `ringing` is how many legs already ring for that call (a strategy may add to a round).
 */
export interface AcdStrategy {
  readonly name: QueueStrategy;
  select(candidates: readonly AgentCandidate[], ringing: number): AgentCandidate[];
}
