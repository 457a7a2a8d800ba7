import type { QueueStrategy } from '@callplane/contracts';

/** An available, eligible queue member the ACD may offer a call to (skills and tiers already applied). */
export interface AgentCandidate {
  agentId: string;
  name: string;
  /** SIP endpoint resource, e.g. `1001`. */
  endpoint: string;
  /** Tie-break within a tier: lower is better (app_queue penalty). */
  penalty: number;
  /** Tier/level of the membership, 1 = first. */
  tier: number;
  /** Member order (top-down, round-robin): ascending, ties by agent id. */
  position: number;
  /** End of the agent's last queue call; null = never had one (idle the longest). */
  lastCallEndedAt: Date | null;
  /** When the agent entered `available` (longest-idle's tie-break: available longest wins). */
  availableSince: Date;
  /** Queue calls answered since the counters were reset (fewest-calls). */
  callsAnswered: number;
  /** Talk time of answered queue calls, s (least-talk-time). */
  talkTimeS: number;
  /** Skill → proficiency 1–100. */
  skills: Readonly<Record<string, number>>;
}

/** What a strategy may know about the call being served. All times from the caller's clock (fake in tests). */
export interface StrategyContext {
  /** Queue the call waits in (strategies with memory, e.g. round-robin, keep it per queue). */
  queueId: string;
  /** Agent legs already ringing for this call. */
  ringing: number;
  /** Since the first leg of the current ring round started, ms; 0 when nothing rings. */
  ringingForMs: number;
  /** The queue's `ringProgressivelyS` × 1000, ms. */
  ringProgressivelyMs: number;
  /** Now, ms since the epoch. */
  now: number;
}

/**
 * Picks which of the eligible members to offer one waiting call to. No I/O; time only from
 * `ctx.now`. Called on every dispatch of the call (an agent freed, a leg ended, a timer); returns
 * the members to ring *in addition* to the `ctx.ringing` legs already ringing (often none).
 */
export interface AcdStrategy {
  readonly name: QueueStrategy;
  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[];
  /**
   * When the strategy wants to be asked again although nothing else changed (ring-progressively:
   * the next agent joins), ms from `ctx.now`; undefined = only on events.
   */
  nextSelectInMs?(ctx: StrategyContext): number | undefined;
}
