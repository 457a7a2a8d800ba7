import { Injectable } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { CallEventsBus, CallRecordsService } from '@callplane/calls';

/**
 * The queue events of a call, one naming for analytics (`call_events.type`) and for the call bus
 * (`queue.event`):
 * - `queue.entered` { queueId, queueName, priority, queuedAt } — the caller (or a callback) entered the queue
 * - `queue.offered` { queueId, agentId } — an agent's phone is rung for it
 * - `queue.no-answer` { queueId, agentId, cause } — that offer ended unanswered (Q.850 cause)
 * - `queue.connected` { queueId, agentId, waitS } — an agent answered and is bridged with the caller
 * - `queue.abandoned` { queueId, waitS, position } — the caller hung up while waiting
 * - `queue.overflow` { queueId, reason: 'max-wait'|'leave-key', targetType, targetId, waitS, position } —
 *   the caller left for the overflow target (`hangup`: NO_ANSWER; also the fallback for a bad target)
 * - `queue.callback-requested` { queueId, callbackId, waitS, position } — the caller asked to be called back
 * - `queue.completed` { queueId, agentId, talkS } — a connected call ended
 * Times in s (ms resolution); positions 1-based.
 */
export const QUEUE_EVENT_TYPES = [
  'queue.entered',
  'queue.offered',
  'queue.no-answer',
  'queue.connected',
  'queue.abandoned',
  'queue.overflow',
  'queue.callback-requested',
  'queue.completed',
] as const;
export type QueueEventType = (typeof QUEUE_EVENT_TYPES)[number];

/** Writes a queue event to the call's events and publishes it on the call bus (`queue.event`). Never rejects. */
@Injectable()
export class QueueEvents {
  private readonly log = createLogger('acd-events');

  constructor(
    private readonly records: CallRecordsService,
    private readonly bus: CallEventsBus,
  ) {}

  record(callId: string, type: QueueEventType, data: { queueId: string } & Record<string, unknown>): void {
    this.bus.publish('queue.event', { callId, queueId: data.queueId, type, data, at: new Date() });
    this.records.addEvent(callId, type, data).catch((err: unknown) => this.log.error({ callId, type, err: errorMessage(err) }, 'queue event write failed'));
  }
}

/** Seconds between two times, ms resolution. */
export function secondsBetween(from: Date, to: Date = new Date()): number {
  return Math.max(0, Math.round(to.getTime() - from.getTime())) / 1000;
}
