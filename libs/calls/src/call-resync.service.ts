import { Injectable } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { BridgeSnapshot, ChannelNotFoundError, ChannelSnapshot, isPbxRestart, PbxDrivers, PbxSnapshot, Q850 } from '@callplane/pbx';
import type { CallEntity, CallLegEntity } from '@callplane/persistence';
import type { CallDisposition } from '@callplane/contracts';
import type { AdoptedCallState, CallTarget, LiveCall } from './call-target';
import type { LiveCallState } from './call.types';
import { CallEventsBus } from './call-events.bus';
import { CallLifecycleService } from './call-lifecycle.service';
import { CallRecordsService } from './call-records.service';
import { CallTargetRegistry } from './call-target.registry';
import { LiveCallRegistry } from './live-call.registry';

/**
 * Resync after a node (re)connects (`driver.connected` with a snapshot), serialised per node:
 * 1. calls this process still holds: what happened while the link was down is replayed as
 *    synthetic leg events (a missing leg → hangup, cause 16; a leg now `up` → answered);
 * 2. active call rows not held here (control-plane restart): caller channel gone → finished
 *    (ANSWERED if an agent had answered, else IVR_ABANDONED inside an IVR, else ABANDONED; cause 16); caller still up → adopted:
 *    the LiveCall is rebuilt and handed to its owner's `adopt` in the state the snapshot shows.
 * Never creates a second row; `finish` is once-only.
 */

@Injectable()
export class CallResyncService {
  private readonly log = createLogger('call-resync');
  private readonly chains = new Map<string, Promise<void>>();
  /** When each node's link first dropped since its last resync. */
  private readonly lostAt = new Map<string, Date>();
  /** Each node's PBX start time at its last resync. */
  private readonly startedAt = new Map<string, Date>();
  private router?: (state: LiveCallState) => Promise<void>;
  /** Owners that claim adopted calls before the row's queue/IVR does (transfers under way). */
  private readonly claims: ((nodeId: string) => Promise<Map<string, CallTarget>>)[] = [];

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly registry: LiveCallRegistry,
    private readonly records: CallRecordsService,
    private readonly lifecycle: CallLifecycleService,
    private readonly targets: CallTargetRegistry,
    private readonly bus: CallEventsBus,
  ) {}

  /** How adopted calls without a target are routed (set by InboundCallService). */
  setRouter(router: (state: LiveCallState) => Promise<void>): void {
    this.router = router;
  }

  /**
   * Adds an owner that claims some active calls of a node at resync (call id → its target); a
   * claimed call goes to that target's `adopt`, with its legs left as they are.
   */
  addClaim(claim: (nodeId: string) => Promise<Map<string, CallTarget>>): void {
    this.claims.push(claim);
  }

  /** A link of `nodeId` dropped at `at` (the first drop counts until the next resync). */
  linkLost(nodeId: string, at: Date): void {
    if (!this.lostAt.has(nodeId)) this.lostAt.set(nodeId, at);
  }

  /** Queue a resync of `nodeId` against `snapshot`; resolves when it ran. Never rejects. */
  schedule(nodeId: string, snapshot: PbxSnapshot): Promise<void> {
    const next = (this.chains.get(nodeId) ?? Promise.resolve())
      .then(() => this.resync(nodeId, snapshot))
      .catch((err: unknown) => this.log.error({ node: nodeId, err: errorMessage(err) }, 'resync failed'));
    this.chains.set(nodeId, next);
    return next;
  }

  private async resync(nodeId: string, snapshot: PbxSnapshot): Promise<void> {
    const channels = new Map(snapshot.channels.map((c) => [c.id, c]));
    const at = new Date();
    const lostAt = this.lostAt.get(nodeId);
    this.lostAt.delete(nodeId);
    // The PBX's start time changed since the last resync: it restarted, and every call it had was lost
    // with it (at the drop, as far as anyone can tell) rather than hung up by a party.
    const before = this.startedAt.get(nodeId);
    if (snapshot.pbxStartedAt) this.startedAt.set(nodeId, snapshot.pbxStartedAt);
    const restarted = !!lostAt && isPbxRestart(before, snapshot.pbxStartedAt);
    const held = this.registry.callsOfNode(nodeId);
    for (const state of held) this.replay(state, channels, restarted ? lostAt : at, restarted);
    for (const { leg } of this.registry.lingeringLegs(nodeId)) {
      if (!channels.has(leg.channelId)) this.lifecycle.onLegEvent({ type: 'channel.hangup', nodeId, at, channelId: leg.channelId, cause: Q850.NORMAL_CLEARING, causeText: 'resync' });
    }
    // Calls held here were replayed above; their rows may still read active (write-behind) while
    // their end is being written, and must not be finished a second time from the row.
    const replayed = new Set(held.map((s) => s.call.id));
    const rows = (await this.records.activeCallsOfNode(nodeId)).filter((r) => !replayed.has(r.id) && !this.registry.get(r.id));
    if (rows.length === 0) return;
    const legs = await this.records.legsOfCalls(rows.map((r) => r.id));
    const claimed = new Map<string, CallTarget>();
    for (const claim of this.claims) for (const [id, target] of await claim(nodeId)) claimed.set(id, target);
    let adopted = 0;
    let finished = 0;
    for (const row of rows) {
      const rowLegs = legs.filter((l) => l.callId === row.id);
      const caller = channels.get(row.channelId) ?? this.bridgedOnly(row.channelId, snapshot.bridges);
      if (caller) {
        await this.adopt(row, rowLegs, caller, channels, snapshot.bridges, claimed.get(row.id));
        adopted++;
      } else {
        // Rows of an earlier callplane process: a PBX that started after the call began lost it then.
        const lost = !!snapshot.pbxStartedAt && snapshot.pbxStartedAt.getTime() > row.offeredAt.getTime();
        await this.finishGone(row, rowLegs, channels, lost ? snapshot.pbxStartedAt! : at, lost);
        finished++;
      }
    }
    this.log.info({ node: nodeId, adopted, finished }, 'resynced calls after (re)connect');
  }

  /** Synthesises the leg events missed while disconnected (agent legs first, the caller last); `lost`: the PBX restarted. */
  private replay(state: LiveCallState, channels: Map<string, ChannelSnapshot>, at: Date, lost: boolean): void {
    const nodeId = state.call.nodeId;
    const legs = [...state.legs.values()].sort((a, b) => (a.role === 'caller' ? 1 : 0) - (b.role === 'caller' ? 1 : 0));
    for (const leg of legs) {
      const ch = channels.get(leg.channelId);
      if (!ch && lost) {
        // The PBX restarted under the leg (the event says so: the call becomes PBX_LOST, cause 41).
        this.lifecycle.onLegEvent({ type: 'channel.hangup', nodeId, at, channelId: leg.channelId, cause: Q850.NORMAL_TEMPORARY_FAILURE, causeText: 'PBX restarted', lost: true });
      } else if (!ch) {
        this.lifecycle.onLegEvent({ type: 'channel.hangup', nodeId, at, channelId: leg.channelId, cause: Q850.NORMAL_CLEARING, causeText: 'gone after reconnect' });
      } else if (ch.state === 'up' && leg.role !== 'caller' && !leg.answeredAt) {
        this.lifecycle.onLegEvent({ type: 'channel.state', nodeId, at, channelId: leg.channelId, state: 'up' });
      }
    }
  }

  private async finishGone(row: CallEntity, legs: CallLegEntity[], channels: Map<string, ChannelSnapshot>, at: Date, pbxLost: boolean): Promise<void> {
    // Who hung up is lost with the link: a call still inside its IVR counts as IVR_ABANDONED, not as a queue abandon.
    const disposition: CallDisposition = pbxLost ? 'PBX_LOST' : row.agentId && row.answeredAt ? 'ANSWERED' : row.ivrFlowId && !row.queueId ? 'IVR_ABANDONED' : 'ABANDONED';
    const cause = pbxLost ? Q850.NORMAL_TEMPORARY_FAILURE : Q850.NORMAL_CLEARING;
    const done = await this.records.finish(row.id, { disposition, hangupCause: cause, endedAt: at });
    await this.records.endOpenLegs(row.id, at, cause);
    for (const leg of legs) if (channels.has(leg.channelId)) await this.hangup(row.pbxNodeId, leg.channelId);
    if (!done) return;
    this.bus.publish('call.ended', {
      call: this.liveCall(row, false),
      target: this.targetOf(row),
      disposition,
      cause,
      agentId: row.agentId ?? undefined,
      agentIds: [...new Set(legs.map((l) => l.agentId).filter((a): a is string => !!a))],
      endedAt: at,
    });
  }

  private async adopt(row: CallEntity, legs: CallLegEntity[], caller: ChannelSnapshot, channels: Map<string, ChannelSnapshot>, bridges: BridgeSnapshot[], claimedBy?: CallTarget): Promise<void> {
    const call = this.liveCall(row, caller.state === 'up');
    const state = this.registry.add(call);
    state.agentId = row.agentId ?? undefined;
    // answeredAt is the agent's only with an agent; else it may be the IVR's answer.
    state.agentAnsweredAt = row.agentId ? (row.answeredAt ?? undefined) : undefined;
    if (!row.agentId && row.ivrFlowId && row.answeredAt) state.ivr = { answeredAt: row.answeredAt, handedOff: !!row.queueId };
    const bridge = bridges.find((b) => b.channelIds.includes(caller.id)) ?? bridges.find((b) => b.id === caller.bridgeId);
    let adoptedState: AdoptedCallState = { kind: 'waiting', bridgeId: bridge?.type === 'holding' ? bridge.id : undefined };
    for (const leg of legs) {
      if (leg.role === 'caller' || leg.endedAt) continue;
      const ch = channels.get(leg.channelId);
      if (!ch) {
        await this.records.legEnded(row.pbxNodeId, leg.channelId, new Date(), Q850.NORMAL_CLEARING);
        continue;
      }
      this.registry.addLeg(call.id, { channelId: leg.channelId, role: leg.role, agentId: leg.agentId ?? undefined, endpoint: leg.endpoint ?? undefined, answeredAt: leg.answeredAt ?? undefined });
      if (bridge?.type === 'mixing' && bridge.channelIds.includes(leg.channelId)) {
        adoptedState = { kind: 'talking', agentId: leg.agentId ?? undefined, agentChannelId: leg.channelId, bridgeId: bridge.id };
      }
    }
    if (adoptedState.kind === 'waiting' && !claimedBy) {
      // Agent legs still ringing from before the restart: the owner starts a fresh ring round.
      for (const leg of state.legs.values()) if (leg.role === 'agent') await this.hangup(row.pbxNodeId, leg.channelId);
    }
    const target = claimedBy ?? this.targetOf(row);
    await this.handOver(state, target, adoptedState);
    await this.records.addEvent(row.id, 'adopted', { state: adoptedState.kind, target: target?.type ?? null });
  }

  /** Gives an adopted call back to its owner (or routes it, if it never got one). */
  private async handOver(state: LiveCallState, target: CallTarget | undefined, adoptedState: AdoptedCallState): Promise<void> {
    const { call } = state;
    const row = { id: call.id, pbxNodeId: call.nodeId, channelId: call.channelId };
    if (!target) {
      await this.router?.(state);
      return;
    }
    state.target = target;
    const handler = this.targets.get(target.type);
    if (!handler?.adopt) {
      this.log.warn({ callId: row.id, targetType: target.type }, 'owner cannot adopt calls; hanging the adopted call up');
      await this.hangup(row.pbxNodeId, row.channelId);
      return;
    }
    try {
      await handler.adopt(call, target, adoptedState);
    } catch (err) {
      this.log.error({ callId: row.id, err: errorMessage(err) }, 'adopting call failed; hanging up');
      await this.hangup(row.pbxNodeId, row.channelId);
    }
  }

  /**
   * A channel a snapshot lists only as a bridge member (FreeSWITCH: a parked leg that was
   * `uuid_bridge`d shows no application in `show channels` and is left out of the channel list):
   * it is alive and answered.
   */
  private bridgedOnly(channelId: string, bridges: BridgeSnapshot[]): ChannelSnapshot | undefined {
    const bridge = bridges.find((b) => b.channelIds.includes(channelId));
    if (!bridge) return undefined;
    const none = { number: '', name: '' };
    return { id: channelId, name: '', state: 'up', direction: 'inbound', caller: none, connected: none, dialed: '', bridgeId: bridge.id, createdAt: new Date() };
  }

  private liveCall(row: CallEntity, answered: boolean): LiveCall {
    return {
      id: row.id,
      nodeId: row.pbxNodeId,
      channelId: row.channelId,
      callerNumber: row.callerNumber,
      callerName: row.callerName,
      calledNumber: row.calledNumber,
      answered,
      variables: {},
      offeredAt: row.offeredAt,
    };
  }

  private targetOf(row: CallEntity): CallTarget | undefined {
    if (row.queueId) return { type: 'queue', id: row.queueId };
    if (row.ivrFlowId) return { type: 'ivr', id: row.ivrFlowId };
    return undefined;
  }

  private async hangup(nodeId: string, channelId: string): Promise<void> {
    try {
      await this.drivers.driver(nodeId).hangup(channelId, Q850.NORMAL_CLEARING);
    } catch (err) {
      // Gone in the meantime: nothing left to hang up.
      if (!(err instanceof ChannelNotFoundError)) this.log.warn({ node: nodeId, channelId, err: errorMessage(err) }, 'resync hangup failed');
    }
  }
}
