/**
 * Value sets shared by the database rows (libs/persistence), the REST DTOs and the Socket.IO
 * events. Each `as const` array is the runtime list (for validation), the type its union.
 */

/**
 * ACD agent states (issue 7 §3): `ringing` = reserved for one offer; `on-call` = talking (a queue
 * call, or any other call the agent's phone is on); `wrap-up` follows a call for the agent's or the
 * queue's `wrapUpS` seconds; `away` carries a reason ({@link AWAY_REASONS}); `dnd` = signed in, takes no offers.
 */
export const AGENT_STATES = ['offline', 'available', 'ringing', 'on-call', 'wrap-up', 'away', 'dnd'] as const;
export type AgentState = (typeof AGENT_STATES)[number];

/**
 * Built-in `away` reason codes. `no-answer` is set by the ACD itself after an agent's
 * `maxNoAnswer` consecutive missed offers; more reasons are added with `ACD_AWAY_REASONS`.
 */
export const AWAY_REASONS = ['break', 'lunch', 'training', 'meeting', 'no-answer'] as const;

/**
 * Queue distribution strategies (issue 7 §1), named as app_queue / mod_callcenter users know them:
 * - `ring-all`: every eligible agent at once, first answer wins (app_queue `ringall`)
 * - `longest-idle`: the agent whose last queue call ended longest ago; ties → available longest
 *   (mod_callcenter `longest-idle-agent`, app_queue `leastrecent`)
 * - `round-robin`: the next member after the one offered last (app_queue `rrmemory`)
 * - `fewest-calls`: fewest answered queue calls (app_queue `fewestcalls`, mod_callcenter `agent-with-fewest-calls`)
 * - `least-talk-time`: least total talk time (mod_callcenter `agent-with-least-talk-time`)
 * - `top-down`: member order, first free from the top (mod_callcenter `top-down`, app_queue `linear`)
 * - `random`: a uniformly random eligible agent (app_queue `random`)
 * - `ring-progressively`: one agent, then one more every `ringProgressivelyS` while the earlier keep
 *   ringing (mod_callcenter `ring-progressively`)
 */
export const QUEUE_STRATEGIES = ['ring-all', 'longest-idle', 'round-robin', 'fewest-calls', 'least-talk-time', 'top-down', 'random', 'ring-progressively'] as const;
export type QueueStrategy = (typeof QUEUE_STRATEGIES)[number];

/**
 * Where a waiting caller goes when the queue's `maxWaitS` passes (or on its `leaveKey`):
 * another queue, an IVR flow, a voicemail box (dialplan extension), or a hangup with NO_ANSWER.
 */
export const OVERFLOW_TARGET_TYPES = ['queue', 'ivr', 'voicemail', 'hangup'] as const;
export type OverflowTargetType = (typeof OVERFLOW_TARGET_TYPES)[number];

/** A callback request's life (issue 7 §4): waiting in place → agent reserved → caller dialled → outcome. */
export const CALLBACK_STATES = ['waiting', 'reserving', 'dialling', 'connected', 'completed', 'failed', 'cancelled'] as const;
export type CallbackState = (typeof CALLBACK_STATES)[number];

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

/**
 * Role of a leg within a call: `caller` (the call's first channel: the customer inbound, the agent's
 * phone for click-to-call), `agent`, `snoop` (the PBX's spy channel), `supervisor` (the supervisor's
 * phone listening/coaching), `transfer` (a transfer target that took the call), `consult` (the consult
 * leg of an attended transfer while it is not yet the call's), `party` (a conference party or the
 * customer dialled by click-to-call).
 */
export const CALL_LEG_ROLES = ['caller', 'agent', 'snoop', 'transfer', 'consult', 'supervisor', 'party'] as const;
export type CallLegRole = (typeof CALL_LEG_ROLES)[number];

/** PBX products (mirrors `PbxType` of @callplane/pbx, kept here so clients need no PBX types). */
export const PBX_TYPES = ['asterisk', 'freeswitch'] as const;
