import type { AgentState } from '@callplane/contracts';
import type { AgentEntity } from '@callplane/persistence';
import type { AgentStateTrigger } from './agent-state.table';

/**
 * An agent's ACD state as the ACD holds it (a snapshot: every change makes a new object).
 * `skills`, `callsAnswered` and `talkTimeS` are undefined until this process has read the
 * agent's row (an agent first seen through queue member rows is read in the background).
 */
export interface AgentStatus {
  agentId: string;
  state: AgentState;
  /** When `state` was entered. */
  at: Date;
  /** The `away` reason code while `state` is `away` (e.g. `break`, `no-answer`), else null. */
  reason: string | null;
  /** End of the agent's last queue call (longest-idle). */
  lastCallEndedAt: Date | null;
  /** When the agent became available (= `at` while available), else null. */
  availableSince: Date | null;
  /** Missed offers in a row (reset by an answer, or by the agent making itself available). */
  noAnswerCount: number;
  /** Skill → proficiency 1–100. */
  skills?: Record<string, number>;
  /** Queue calls answered (fewest-calls). */
  callsAnswered?: number;
  /** Talk time of answered queue calls, s (least-talk-time). */
  talkTimeS?: number;
}

/** The agent's own offer settings (columns of `agents`; see AgentEntity). */
export interface AgentOfferSettings {
  /** Wrap-up override, s; null = the queue's. */
  wrapUpS: number | null;
  /** Missed offers in a row that set the agent away (`no-answer`); 0 = never. */
  maxNoAnswer: number;
  /** Pauses before the next offer after a miss of each kind, s. */
  noAnswerDelayS: number;
  rejectDelayS: number;
  busyDelayS: number;
}

/** Who made a change and why (REST / Socket.IO); logged in `agent_state_log`. */
export interface AgentStateChange {
  /** `away` reason code (required meaning for `away`; default {@link DEFAULT_AWAY_REASON}); refused with other states. */
  reason?: string | null;
  /** The user making the change (null/absent: the ACD). */
  byUserId?: string | null;
  /** The change was made for the agent by a supervisor/admin: logged with trigger `supervisor`. */
  bySupervisor?: boolean;
}

/** How an offer the agent did not take ended (see offerMissKind in offer-legs.ts). */
export type AgentOfferMiss = 'no-answer' | 'rejected' | 'busy' | 'failed';

/** The reason an `away` without one gets. */
export const DEFAULT_AWAY_REASON = 'break';

/**
 * Called on every state change, after it is applied in memory, with the trigger and the state
 * left. An agent leaving while its phone rings is seen as `from` `ringing`, `status.state`
 * `away` / `offline` / `dnd`, trigger `agent` (or `no-answer` when the ACD set it away after
 * its `maxNoAnswer`-th miss): the reservation is over, the ringing leg must be hung up.
 */
export type AgentStateListener = (status: AgentStatus, trigger: AgentStateTrigger, from: AgentState) => void;

/** A row the caller read (queue members); columns beyond the first four are taken when present. */
export type AgentRowFacts = Pick<AgentEntity, 'id' | 'state' | 'stateChangedAt' | 'lastCallEndedAt'> & Partial<AgentEntity>;

/** The offer settings of a full agent row (null-safe for partial rows). */
export function settingsOf(r: AgentEntity): AgentOfferSettings {
  return { wrapUpS: r.wrapUpS ?? null, maxNoAnswer: r.maxNoAnswer ?? 0, noAnswerDelayS: r.noAnswerDelayS ?? 0, rejectDelayS: r.rejectDelayS ?? 0, busyDelayS: r.busyDelayS ?? 0 };
}
