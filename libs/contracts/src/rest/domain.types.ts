/**
 * Value sets shared by the database rows (libs/persistence), the REST DTOs and the Socket.IO
 * events. Each `as const` array is the runtime list (for validation), the type its union.
 */

/** ACD agent states (issue 2 §7): `wrap-up` follows a call for the queue's `wrapUpS` seconds. */
export const AGENT_STATES = ['offline', 'available', 'away', 'ringing', 'busy', 'wrap-up'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/** Queue distribution strategies: ring every available agent at once, or the one idle longest. */
export const QUEUE_STRATEGIES = ['ring-all', 'longest-idle'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

/** What an inbound route hands the call to. */
export const ROUTE_TARGET_TYPES = ['queue', 'ivr'] as const;
export type RouteTargetType = (typeof ROUTE_TARGET_TYPES)[number];

export const CALL_DIRECTIONS = ['inbound', 'outbound'] as const;
export type CallDirection = (typeof CALL_DIRECTIONS)[number];

export const CALL_STATUSES = ['active', 'ended'] as const;
export type CallStatus = (typeof CALL_STATUSES)[number];

/**
 * Final outcome of a call, set when it ends:
 * - `ANSWERED`: an agent answered; `ABANDONED`: the caller hung up while waiting in a queue
 *   (only these count for abandon rates); `NO_ANSWER`: the queue's max wait passed;
 * - `IVR_COMPLETED`: an IVR flow ended the call itself (a `hangup` node, a menu out of retries);
 *   `IVR_ABANDONED`: the caller hung up inside an IVR flow before it handed the call to a queue
 *   (not a queue abandon: the caller never waited for an agent);
 * - `NO_ROUTE`, `FAILED`, `TRANSFERRED` (blind transfer out of callplane), `VOICEMAIL`;
 * - `PBX_LOST`: the PBX restarted (or crashed) under the call; `endedAt` is when callplane's link to it
 *   dropped (or the PBX's new start time when no earlier link saw it), cause 41 (temporary failure).
 */
export const CALL_DISPOSITIONS = ['ANSWERED', 'ABANDONED', 'NO_ANSWER', 'NO_ROUTE', 'FAILED', 'TRANSFERRED', 'VOICEMAIL', 'IVR_COMPLETED', 'IVR_ABANDONED', 'PBX_LOST'] as const;
export type CallDisposition = (typeof CALL_DISPOSITIONS)[number];

/** Role of a leg within a call: the caller's channel, an agent's, a snoop (monitor/whisper/barge), a transfer target. */
export const CALL_LEG_ROLES = ['caller', 'agent', 'snoop', 'transfer'] as const;
export type CallLegRole = (typeof CALL_LEG_ROLES)[number];

/** PBX products (mirrors `PbxType` of @callplane/pbx, kept here so clients need no PBX types). */
export const PBX_TYPES = ['asterisk', 'freeswitch'] as const;
