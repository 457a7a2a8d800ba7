import type { AgentState, OverflowTargetType, QueueStrategy, RouteTargetType } from './domain.types';
import type { PbxHealthView } from './http.views';

/**
 * PBX node as the API shows it. `connection` is the node's connection config WITHOUT its
 * secrets (`ariPassword`, `amiSecret`, `eslPassword` are never returned).
 */
export interface PbxNodeView {
  id: string;
  name: string;
  type: 'asterisk' | 'freeswitch';
  enabled: boolean;
  connection: Record<string, string | number | undefined>;
  /** Live link state of its driver; null when no driver runs (disabled, or failed to start). */
  health: PbxHealthView | null;
  createdAt: string;
  updatedAt: string;
}

/**
 * An agent: configuration plus its ACD state as the ACD holds it. Durations are whole seconds;
 * `null` overrides mean "the queue's value".
 */
export interface AgentView {
  id: string;
  userId: string | null;
  name: string;
  /** SIP resource, e.g. `1001`. */
  endpoint: string;
  pbxNodeId: string | null;
  state: AgentState;
  stateChangedAt: string;
  /** The `away` reason code while `state` is `away` (e.g. `break`, `no-answer`), else null. */
  awayReason: string | null;
  /** Skill → proficiency 1–100, matched against queues' required skills. */
  skills: Record<string, number>;
  /** Wrap-up after a queue call, s (0–3600); null = the queue's `wrapUpS`. */
  wrapUpS: number | null;
  /** How long an offer rings this agent, s (1–600); null = the queue's `ringTimeoutS`. */
  ringTimeoutS: number | null;
  /** Missed offers in a row that set the agent away (reason `no-answer`), 0–100; 0 = never. */
  maxNoAnswer: number;
  /** Missed offers in a row so far. */
  noAnswerCount: number;
  /** Pause before the next offer after one rang out / was rejected / found the phone busy, s (0–3600). */
  noAnswerDelayS: number;
  rejectDelayS: number;
  busyDelayS: number;
  /** Queue calls answered and their total talk time, s (fewest-calls, least-talk-time). */
  callsAnswered: number;
  talkTimeS: number;
  lastCallEndedAt: string | null;
  createdAt: string;
}

/** One agent state transition (`GET /agents/:id/state-log`). `at`: ISO-8601. */
export interface AgentStateLogEntryView {
  id: number;
  agentId: string;
  at: string;
  from: AgentState;
  to: AgentState;
  /** `away` reason when `to` is `away`, else null. */
  reason: string | null;
  /** `agent` (self), `supervisor`, or the ACD's trigger: `ring`, `answer`, `ring-ended`, `no-answer`, `call-ended`, `wrap-up-done`, `other-call`, `other-call-ended`, `restart`. */
  trigger: string;
  /** The user who made the change; null for the ACD. */
  byUserId: string | null;
}

/** A skill a queue requires: agents need it at `minProficiency` (1–100) or more. */
export interface QueueSkillRequirementView {
  skill: string;
  minProficiency: number;
}

/** An ACD queue's configuration (issue 7). Durations are whole seconds. */
export interface QueueView {
  id: string;
  name: string;
  strategy: QueueStrategy;
  /** How long one offer rings an agent, s. */
  ringTimeoutS: number;
  /** Longest a caller waits before the overflow target (or NO_ANSWER), s. */
  maxWaitS: number;
  /** Agent wrap-up after a queue call, s. */
  wrapUpS: number;
  greetingPrompt: string | null;
  noAnswerPrompt: string | null;
  mohClass: string;
  /** Pause before the next ring round after one nobody answered, s. */
  retryDelayS: number;
  /** Tier n+1 joins once the caller waited n × this, s. */
  tierWaitS: number;
  /** ring-progressively: one more agent every this many s. */
  ringProgressivelyS: number;
  /** Every skill is required (AND), each at least at its proficiency. */
  requiredSkills: QueueSkillRequirementView[];
  /** Caller numbers served first with {@link vipPriority}. */
  vipNumbers: string[];
  vipPriority: number;
  /** Users (role `supervisor`) who may monitor, whisper to and barge into this queue's calls. */
  supervisorUserIds: string[];
  /** Prompt played every {@link announceEveryS} to waiting callers; null = none. */
  periodicPrompt: string | null;
  /** Announcement period, s; 0 = off. */
  announceEveryS: number;
  announcePosition: boolean;
  announceWaitTime: boolean;
  /** Where callers go after maxWaitS or on the leave key; null = hang up with NO_ANSWER. */
  overflowTargetType: OverflowTargetType | null;
  /** Queue id, IVR flow id or voicemail box; null with type `hangup` or null. */
  overflowTargetId: string | null;
  /** DTMF digit (0-9, *, #) that sends a waiting caller to the overflow target; null = none. */
  leaveKey: string | null;
  /** DTMF digit that requests a callback (the caller keeps their place); null = none. */
  callbackKey: string | null;
  /** Service level threshold, s: answered within it counts as in service level. */
  serviceLevelS: number;
  createdAt: string;
  updatedAt: string;
}

/** An agent's membership in a queue. */
export interface QueueMemberView {
  id: string;
  queueId: string;
  agentId: string;
  /** Within a tier, lower is offered first (0 = best). */
  penalty: number;
  /** 1 = first tier; tier n+1 is offered once the caller waited n × the queue's tierWaitS. */
  tier: number;
  /** Member order for top-down / round-robin (ascending). */
  position: number;
}

/**
 * Why a member cannot take the queue's next call right now (see {@link QueueLiveStateView.stalled}):
 * its agent state (`offline`, `away`, `dnd`, `busy` = ringing/on-call/wrap-up), or, for an
 * `available` agent: `endpoint-offline` (the phone is not registered on the call's PBX node),
 * `backed-off` (recent offers failed without ringing: unreachable phone), `other-node` (the agent
 * is bound to another PBX node), `offer-pause` (pausing after an offer it missed, rejected or was
 * busy for), `missing-skills`, `tier-wait` (its tier is not open yet for the longest-waiting caller).
 */
export const QUEUE_MEMBER_BLOCKS = ['offline', 'away', 'dnd', 'busy', 'endpoint-offline', 'backed-off', 'other-node', 'offer-pause', 'missing-skills', 'tier-wait'] as const;
export type QueueMemberBlock = (typeof QUEUE_MEMBER_BLOCKS)[number];

/**
 * Why callers wait with no offer ringing:
 * - `no-members`: the queue has no members;
 * - `no-agent-signed-in`: every member is offline;
 * - `all-agents-away`: none available, some away or on do-not-disturb;
 * - `all-agents-busy`: none available, some ringing for other calls, on a call or in wrap-up;
 * - `phones-unreachable`: available members whose phones are unregistered, on another node or backed off;
 * - `offer-pause`: the available members pause after offers they missed, rejected or were busy for
 *   (the agents' `noAnswerDelayS` / `rejectDelayS` / `busyDelayS`);
 * - `missing-skills`: the available members lack a required skill (or its proficiency);
 * - `tier-wait`: the available members are in tiers the longest-waiting caller has not reached yet;
 * - `retry-pause`: an agent is free but the queue pauses `retryDelayS` after a round nobody answered.
 */
export const QUEUE_STALL_REASONS = ['no-members', 'no-agent-signed-in', 'all-agents-away', 'all-agents-busy', 'phones-unreachable', 'offer-pause', 'missing-skills', 'tier-wait', 'retry-pause'] as const;
export type QueueStallReason = (typeof QUEUE_STALL_REASONS)[number];

/** Why nobody is being offered a waiting call, with the members counted by what blocks them. */
export interface QueueStallView {
  reason: QueueStallReason;
  /** Human-readable explanation (English). */
  message: string;
  /** Members by block (only blocks with at least one member). */
  blocked: Partial<Record<QueueMemberBlock, number>>;
}

/**
 * Today's figures of a queue, since local midnight of the server (`since`). Calls count on the
 * day they were answered (answered) or ended (abandoned). Waits run from queue entry (from the
 * call's offer when the entry time is not known) to the agent's answer or the caller's hangup.
 */
export interface QueueDayStatsView {
  /** Local midnight of the server, ISO-8601. */
  since: string;
  /** Calls an agent answered. */
  answered: number;
  /** Callers who hung up while waiting (disposition ABANDONED), short abandons included. */
  abandoned: number;
  /** Abandoned within the service level threshold (excluded from the service level). */
  abandonedWithinThreshold: number;
  /**
   * Callers the queue did not answer and sent on: max wait passed (NO_ANSWER, or to the overflow
   * target) or the caller pressed the leave key.
   */
  overflowed: number;
  /** Callers who asked to be called back (callback key): neither abandoned nor in the service level. */
  callbacksRequested: number;
  /** The queue's threshold the service level is measured against, s. */
  serviceLevelS: number;
  /**
   * Service level, % (0–100, one decimal): answered within `serviceLevelS` ÷ (answered +
   * abandoned after `serviceLevelS` + overflowed after `serviceLevelS`) × 100 — the common
   * contact-centre definition (callers who gave up within the threshold do not count against it),
   * with callers the queue sent away unanswered after the threshold counted like late abandons (else
   * a queue whose callers all time out would show no service level). null when no call counts yet.
   */
  serviceLevelPct: number | null;
  /** Average speed of answer: mean wait of the answered calls, s (one decimal); null when none. */
  averageSpeedOfAnswerS: number | null;
}

/** A queue right now (`GET /queues/:id/live`, Socket.IO `/supervisors` `queue.state`). */
export interface QueueLiveStateView {
  queueId: string;
  name: string;
  /** Callers in the queue not connected to an agent yet (greeting, waiting, ringing). */
  waiting: number;
  /** Of those, callers with an offer ringing at an agent now. */
  ringing: number;
  /** Longest current wait, s (whole seconds, 0 when nobody waits). */
  longestWaitS: number;
  /** When the longest-waiting caller entered the queue, ISO-8601 (clients tick from it); null when nobody waits. */
  longestWaitSince: string | null;
  /** Number of members. */
  members: number;
  /** Members by agent state (every state present, 0 included). */
  agents: Record<AgentState, number>;
  today: QueueDayStatsView;
  /** Set while callers wait and no offer rings: why. null otherwise. */
  stalled: QueueStallView | null;
  /** When this view was computed, ISO-8601. */
  at: string;
}

export interface InboundRouteView {
  id: string;
  did: string;
  pbxNodeId: string | null;
  targetType: RouteTargetType;
  targetId: string;
  /**
   * Whether calls can reach the target now: `ok`; `missing` (the queue or flow was deleted
   * since); `unpublished` (the IVR flow has no published version). Saving a route refuses the
   * last two, so they appear only when the target changed later.
   */
  targetState: RouteTargetState;
  createdAt: string;
}

/** See {@link InboundRouteView.targetState}. */
export type RouteTargetState = 'ok' | 'missing' | 'unpublished';

