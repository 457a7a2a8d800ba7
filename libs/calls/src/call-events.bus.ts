import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { Subject, Subscription, filter } from 'rxjs';
import { createLogger, errorMessage } from '@callplane/core';
import type { ChannelDtmfEvent, ChannelHangupEvent, ChannelStateEvent, PlaybackFinishedEvent } from '@callplane/pbx';
import type { CallTarget, LiveCall } from './call-target';
import type { CallDisposition } from '@callplane/contracts';
import type { LiveLeg } from './call.types';

/** PBX events of a channel that belongs to a live call. */
export type LegPbxEvent = ChannelStateEvent | ChannelHangupEvent | ChannelDtmfEvent | PlaybackFinishedEvent;

/**
 * The call domain's events, by type. Published by the call engine (libs/calls) and by the
 * owners of calls (ACD, IVR); consumed by owners and by the Socket.IO gateway.
 */
export interface CallDomainEventMap {
  /** The call row is written and the call was handed to `target` (absent: no route). */
  'call.routed': { call: LiveCall; target?: CallTarget };
  /**
   * A PBX event on one leg of a live call (also synthesised by the resync for what happened
   * while a node was disconnected). Owners react to their legs here.
   */
  'leg.event': { call: LiveCall; leg: LiveLeg; event: LegPbxEvent };
  /** The call is finished (record written). `agentIds`: every agent that was rung. */
  'call.ended': { call: LiveCall; target?: CallTarget; disposition: CallDisposition; cause: number; agentId?: string; agentIds: string[]; endedAt: Date };
  /**
   * Another owner (`by`: `transfer`, `conference`, …) takes over a call whose caller talks in
   * {@link LiveCallState.bridgeId}: the previous owner (the ACD's connected queue entry) lets go of
   * it — records its completion, stops hanging up one side when the other leaves — but keeps
   * following its agent's leg (wrap-up when that leg ends).
   */
  'call.taken-over': { callId: string; by: string };
  /**
   * A transfer changed (`type`: `transfer.started`, `transfer.consulting`, `transfer.completed`, …;
   * see TRANSFER_TABLE); `agentIds`: the transferring and the target agent, whose clients are told.
   */
  'transfer.changed': { type: string; transfer: import('./transfers/transfer.types').TransferView; agentIds: string[] };
  /** A supervision changed (`type`: `supervision.ringing|active|mode|ended`); the supervisors' gateway tells its user. */
  'supervision.changed': { type: string; supervision: import('@callplane/contracts').SupervisionView };
  /** An agent's phone is being rung for a call (ACD). */
  'agent.offered': { callId: string; agentId: string; callerNumber: string; callerName: string; queueId: string; queueName: string };
  /** An agent answered a call (ACD). `agentIds`: every agent that was rung. */
  'call.answered': { callId: string; agentId: string; agentIds: string[] };
  /**
   * A queue event of a call (ACD), also written as its `call_events` row: `type` is one of
   * `queue.entered`, `queue.offered`, `queue.connected`, `queue.no-answer`, `queue.abandoned`,
   * `queue.overflow`, `queue.callback-requested`, `queue.completed` (@callplane/acd QUEUE_EVENT_TYPES).
   */
  'queue.event': { callId: string; queueId: string; type: string; data: Record<string, unknown>; at: Date };
  /**
   * An agent's state changed (ACD). `at`: when; `reason`: the `away` reason (e.g. `break`, or
   * `no-answer` when the ACD set the agent away after `maxNoAnswer` missed offers), else null;
   * `trigger`: what made the change (@callplane/acd AgentStateTrigger, e.g. `agent`, `no-answer`).
   */
  'agent.state': { agentId: string; state: string; at: Date; reason?: string | null; trigger?: string };
}

export type CallDomainEventType = keyof CallDomainEventMap;

/** One published domain event. */
export type CallDomainEvent = { [K in CallDomainEventType]: { type: K; payload: CallDomainEventMap[K] } }[CallDomainEventType];

/**
 * In-process typed event bus of the call domain (an rxjs Subject). Delivery is synchronous,
 * in publish order; a throwing subscriber is logged and isolated from the others.
 */
@Injectable()
export class CallEventsBus implements OnModuleDestroy {
  private readonly subject = new Subject<CallDomainEvent>();
  private readonly log = createLogger('call-events');

  publish<K extends CallDomainEventType>(type: K, payload: CallDomainEventMap[K]): void {
    this.subject.next({ type, payload } as CallDomainEvent);
  }

  /** Subscribe to one event type; unsubscribe with the returned Subscription. */
  on<K extends CallDomainEventType>(type: K, handler: (payload: CallDomainEventMap[K]) => void): Subscription {
    return this.subject.pipe(filter((e) => e.type === type)).subscribe((e) => {
      try {
        handler(e.payload as CallDomainEventMap[K]);
      } catch (err) {
        this.log.error({ err: errorMessage(err), type }, 'call domain event handler failed');
      }
    });
  }

  onModuleDestroy(): void {
    this.subject.complete();
  }
}
