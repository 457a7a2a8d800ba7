import type { QueueLiveStateView } from '../rest/admin.views';
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

/** Events the server emits on `/supervisors`. */
export interface SupervisorsServerToClientEvents {
  'queue.state': (event: QueueStateEvent) => void;
}

/** Commands clients send on `/supervisors`, each with an ack callback. */
export interface SupervisorsClientToServerEvents {
  'queues.subscribe': (request: QueuesSubscribeRequest, ack: (result: Ack<QueuesSubscribeResult>) => void) => void;
}
