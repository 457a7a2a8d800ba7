import type { QueueLiveStateView } from '../rest/admin.views';
import type { SupervisionChangedEvent, SupervisionMode, SupervisionView } from '../rest/supervision.views';
import type { Ack } from './agents.events';

/** Socket.IO namespace of the supervisors' gateway (wallboards, supervisor desks). */
export const SUPERVISORS_NAMESPACE = '/supervisors';

/**
 * Trailing throttle of `queue.state` per queue, ms: changes within this window are coalesced into
 * one push carrying the newest state (so at most ~4 pushes per second per queue).
 */
export const QUEUE_STATE_THROTTLE_MS = 250;

/**
 * `queues.subscribe` request: the queues to follow from now on (replacing the current choice);
 * omitted or empty = every queue (what a socket follows after connecting).
 */
export interface QueuesSubscribeRequest {
  queueIds?: string[];
}

/** `queues.subscribe` ack data: the current state of every followed queue (the snapshot). */
export interface QueuesSubscribeResult {
  queues: QueueLiveStateView[];
}

/** `queue.state`: a followed queue changed (coalesced, see {@link QUEUE_STATE_THROTTLE_MS}). */
export type QueueStateEvent = QueueLiveStateView;

/** `supervision.start`: ring the supervisor's phone, then listen/coach/barge on the call's agent leg. */
export interface SupervisionStartRequest {
  callId: string;
  mode: SupervisionMode;
  /** SIP endpoint to ring; default: the supervisor's own agent profile endpoint. */
  endpoint?: string;
}

/** `supervision.mode`: switch mode without redialling. */
export interface SupervisionModeRequest {
  supervisionId: string;
  mode: SupervisionMode;
}

/** `supervision.stop`: hang up the supervisor's leg. */
export interface SupervisionStopRequest {
  supervisionId: string;
}

/** Events the server emits on `/supervisors`. */
export interface SupervisorsServerToClientEvents {
  'queue.state': (event: QueueStateEvent) => void;
  /** A supervision of this socket's user changed (ringing, active, mode, ended). */
  'supervision.changed': (event: SupervisionChangedEvent) => void;
}

/** Commands clients send on `/supervisors`, each with an ack callback. */
export interface SupervisorsClientToServerEvents {
  'queues.subscribe': (request: QueuesSubscribeRequest, ack: (result: Ack<QueuesSubscribeResult>) => void) => void;
  'supervision.start': (request: SupervisionStartRequest, ack: (result: Ack<SupervisionView>) => void) => void;
  'supervision.mode': (request: SupervisionModeRequest, ack: (result: Ack<SupervisionView>) => void) => void;
  'supervision.stop': (request: SupervisionStopRequest, ack: (result: Ack<SupervisionView>) => void) => void;
}
