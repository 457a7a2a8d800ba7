import { Injectable } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { Q850 } from '@callplane/pbx';
import type { CallDisposition } from '@callplane/contracts';
import { CallEventsBus, LegPbxEvent } from './call-events.bus';
import { CallRecordsService } from './call-records.service';
import { LiveCallRegistry } from './live-call.registry';
import type { LiveCallState, LiveLeg } from './call.types';

/**
 * Keeps the records and the registry of live calls in step with what their legs do, and tells
 * owners through the {@link CallEventsBus}. Used for real PBX events and for the events the
 * resync synthesises for what happened while a node was disconnected.
 */
@Injectable()
export class CallLifecycleService {
  private readonly log = createLogger('call-lifecycle');

  constructor(
    private readonly registry: LiveCallRegistry,
    private readonly records: CallRecordsService,
    private readonly bus: CallEventsBus,
  ) {}

  /**
   * Adds a leg to a live call (registry first, so its PBX events route at once, then its row).
   * Owners call this BEFORE originating with the pre-chosen channel id.
   * @returns false when the call is no longer live
   */
  addLeg(callId: string, nodeId: string, leg: Omit<LiveLeg, 'recorded'>): boolean {
    const state = this.registry.get(callId);
    if (!state) return false;
    const recorded = state.ready.then(() => this.records.addLeg({ callId, nodeId, ...leg }));
    const live: LiveLeg = { ...leg, recorded: recorded.catch((err: unknown) => this.logWriteError(err, callId, 'leg insert')) };
    return this.registry.addLeg(callId, live);
  }

  /** Routes a PBX event of a channel to its call: records, registry, bus. Ignores foreign channels. */
  onLegEvent(event: LegPbxEvent): void {
    const channelId = event.channelId;
    if (!channelId) return;
    const found = this.registry.findByChannel(event.nodeId, channelId);
    if (!found) return;
    const { state, leg } = found;
    if (event.type === 'channel.state' && event.state === 'up') this.onLegUp(state, leg, event.at);
    if (event.type === 'channel.hangup') this.registry.removeLeg(state, channelId);
    this.bus.publish('leg.event', { call: state.call, leg, event });
    if (event.type !== 'channel.hangup') return;
    void this.recordLegEnd(state, leg, event.at, event.cause);
    if (leg.role === 'caller') {
      // The PBX restarted under the call: nobody hung up, whatever the call had become.
      if (event.lost) state.outcome = { ...state.outcome, disposition: 'PBX_LOST', cause: event.cause };
      void this.endCall(state, event.cause, event.at);
    }
  }

  /**
   * The PBX says a channel we hold does not exist any more (ChannelNotFoundError on a command)
   * but we never saw its hangup: end the leg as if it hung up (cause 16). A no-op when the
   * hangup was seen.
   */
  channelGone(nodeId: string, channelId: string): void {
    this.onLegEvent({ type: 'channel.hangup', nodeId, at: new Date(), channelId, cause: Q850.NORMAL_CLEARING, causeText: 'channel not found' });
  }

  /**
   * Finishes a call whose caller leg ended: disposition = the owner's `outcome` if set, else
   * ANSWERED when an agent answered, else IVR_ABANDONED when the caller left inside an IVR flow
   * (never handed to a queue), else ABANDONED; cause = `outcome.cause` ?? the caller's.
   * The answer time written is the agent's, else — for a call that ended in its IVR — the IVR's.
   * Runs once per call.
   */
  async endCall(state: LiveCallState, callerCause: number, endedAt: Date): Promise<void> {
    if (state.ending) return;
    state.ending = true;
    const inIvr = state.ivr !== undefined && !state.ivr.handedOff;
    const disposition: CallDisposition = state.outcome?.disposition ?? (state.agentAnsweredAt ? 'ANSWERED' : inIvr ? 'IVR_ABANDONED' : 'ABANDONED');
    const cause = state.outcome?.cause ?? callerCause ?? Q850.NORMAL_CLEARING;
    this.registry.remove(state.call.id);
    if (state.agentId) state.agentIds.add(state.agentId);
    // A call handed from the IVR to a queue that no agent answered keeps the IVR's answeredAt on
    // the row, but its wait runs to the end (the caller waited for an agent, nobody answered).
    const answeredAt = state.agentAnsweredAt ?? (inIvr ? state.ivr?.answeredAt : undefined);
    try {
      await state.ready;
      await this.records.finish(state.call.id, { disposition, hangupCause: cause, endedAt, answeredAt, agentId: state.agentId, offeredAt: state.call.offeredAt });
    } catch (err) {
      this.logWriteError(err, state.call.id, 'finish');
    }
    this.bus.publish('call.ended', {
      call: state.call,
      target: state.target,
      disposition,
      cause,
      agentId: state.agentId,
      agentIds: [...state.agentIds],
      endedAt,
    });
  }

  private onLegUp(state: LiveCallState, leg: LiveLeg, at: Date): void {
    if (leg.role === 'caller') {
      state.call.answered = true;
      return;
    }
    if (leg.answeredAt) return;
    leg.answeredAt = at;
    void (leg.recorded ?? state.ready)
      .then(() => this.records.legAnswered(state.call.nodeId, leg.channelId, at))
      .catch((err: unknown) => this.logWriteError(err, state.call.id, 'leg answered'));
  }

  private async recordLegEnd(state: LiveCallState, leg: LiveLeg, at: Date, cause: number): Promise<void> {
    try {
      await (leg.recorded ?? state.ready);
      await this.records.legEnded(state.call.nodeId, leg.channelId, at, cause);
    } catch (err) {
      this.logWriteError(err, state.call.id, 'leg end');
    }
  }

  private logWriteError(err: unknown, callId: string, what: string): void {
    this.log.error({ callId, err: errorMessage(err) }, `call record write failed: ${what}`);
  }
}
