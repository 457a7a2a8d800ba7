import { randomUUID } from 'node:crypto';
import { Injectable, OnApplicationBootstrap, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, ChannelOfferedEvent, PbxDrivers, PbxEvent, Q850 } from '@callplane/pbx';
import { InboundRouteEntity } from '@callplane/persistence';
import type { CallTarget, LiveCall } from './call-target';
import type { LiveCallState } from './call.types';
import { CallEventsBus } from './call-events.bus';
import { CallLifecycleService } from './call-lifecycle.service';
import { CallRecordsService } from './call-records.service';
import { CallResyncService } from './call-resync.service';
import { CallTargetRegistry } from './call-target.registry';
import { LiveCallRegistry } from './live-call.registry';
import { PromptPlayer } from './prompt-player.service';
import { TtlCache } from './ttl-cache';

/** Prompt played to a caller whose DID has no route (or whose target failed) before hanging up. */
export const NO_SERVICE_PROMPT = 'sound:ss-noservice';

/**
 * The inbound call engine. Subscribes to every PBX node's events:
 * - `channel.offered`: answers at once (the answer request goes out before any DB work),
 *   meanwhile finds the inbound route by DID (a node-specific route beats an any-node one) and
 *   writes the call row + caller leg + `offered` event, then hands the call to the
 *   {@link CallTargetHandler} of the route's target type. Unknown DID: a prompt, hangup,
 *   disposition `NO_ROUTE`, a warning log and a `no-route` call event.
 * - channel events of live calls: to {@link CallLifecycleService} (records, bus, call end).
 * - `driver.connected`: to {@link CallResyncService} (finish / adopt).
 */
@Injectable()
export class InboundCallService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly log = createLogger('inbound-calls');
  private unsubscribe?: () => void;
  /** Set on shutdown: live calls are left to the next process (adoption), never hung up. */
  private stopping = false;
  private readonly routeCache = new TtlCache<string, CallTarget | undefined>();

  constructor(
    private readonly drivers: PbxDrivers,
    @InjectRepository(InboundRouteEntity) private readonly routes: Repository<InboundRouteEntity>,
    private readonly registry: LiveCallRegistry,
    private readonly records: CallRecordsService,
    private readonly lifecycle: CallLifecycleService,
    private readonly resync: CallResyncService,
    private readonly targets: CallTargetRegistry,
    private readonly prompts: PromptPlayer,
    private readonly bus: CallEventsBus,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.drivers.onEvent((e) => this.onEvent(e));
    this.resync.setRouter((state) => this.route(state));
  }

  /** Drivers started before this service subscribed: resync them from a fresh snapshot. */
  async onApplicationBootstrap(): Promise<void> {
    for (const driver of this.drivers.all()) {
      if (driver.health().status !== 'up') continue;
      try {
        await this.resync.schedule(driver.nodeId, await driver.snapshot());
      } catch (err) {
        this.log.warn({ node: driver.nodeId, err: errorMessage(err) }, 'boot resync skipped; the next driver.connected resyncs');
      }
    }
  }

  onModuleDestroy(): void {
    this.stopping = true;
    this.unsubscribe?.();
  }

  private onEvent(e: PbxEvent): void {
    switch (e.type) {
      case 'channel.offered':
        void this.onOffered(e);
        return;
      case 'channel.state':
      case 'channel.hangup':
      case 'channel.dtmf':
      case 'playback.finished':
        this.lifecycle.onLegEvent(e);
        return;
      case 'driver.connected':
        this.resync.schedule(e.nodeId, e.snapshot);
        return;
      case 'driver.disconnected':
        this.resync.linkLost(e.nodeId, e.at);
        return;
      default:
        return;
    }
  }

  private async onOffered(e: ChannelOfferedEvent): Promise<void> {
    const ch = e.channel;
    if (this.registry.findByChannel(e.nodeId, ch.id)) return; // re-offered while live: already ours
    const answering = this.answer(e.nodeId, ch.id);
    const call: LiveCall = {
      id: randomUUID(),
      nodeId: e.nodeId,
      channelId: ch.id,
      callerNumber: ch.caller.number,
      callerName: ch.caller.name,
      calledNumber: ch.dialed,
      answered: false,
      variables: {},
      offeredAt: e.at,
    };
    const tempId = call.id;
    const ready = this.records
      .createInboundCall({ id: call.id, nodeId: e.nodeId, channelId: ch.id, callerNumber: call.callerNumber, callerName: call.callerName, calledNumber: call.calledNumber, offeredAt: e.at })
      .then((r) => {
        if (!r.created) this.registry.rekey(tempId, r.id);
      });
    const state = this.registry.add(call, ready);
    try {
      await Promise.all([ready, answering]);
    } catch (err) {
      this.log.error({ node: e.nodeId, channelId: ch.id, err: errorMessage(err) }, 'call could not be set up (answer or record failed); hanging up');
      state.outcome = { disposition: 'FAILED' };
      await this.hangupCaller(state, Q850.NORMAL_TEMPORARY_FAILURE);
      return;
    }
    await this.route(state);
  }

  /** Looks up the route by DID and hands the call to its target (also used for adopted, never-routed calls). */
  private async route(state: LiveCallState): Promise<void> {
    const { call } = state;
    if (state.ending) return;
    let target: CallTarget | undefined;
    try {
      target = await this.findTarget(call.nodeId, call.calledNumber);
    } catch (err) {
      this.log.error({ callId: call.id, err: errorMessage(err) }, 'inbound route lookup failed');
      return this.refuse(state, 'FAILED', 'route-failed', { error: errorMessage(err) });
    }
    if (!target) {
      this.log.warn({ did: call.calledNumber, node: call.nodeId, callId: call.id }, 'no inbound route for DID; refusing call');
      return this.refuse(state, 'NO_ROUTE', 'no-route', { did: call.calledNumber, nodeId: call.nodeId });
    }
    const handler = this.targets.get(target.type);
    if (!handler) {
      this.log.error({ callId: call.id, targetType: target.type }, 'no handler for the route target type');
      return this.refuse(state, 'FAILED', 'route-failed', { targetType: target.type, error: 'no handler' });
    }
    state.target = target;
    void this.records.addEvent(call.id, 'routed', { targetType: target.type, targetId: target.id }).catch((err: unknown) => this.log.error({ callId: call.id, err: errorMessage(err) }, 'routed event write failed'));
    this.bus.publish('call.routed', { call, target });
    try {
      await handler.handle(call, target);
    } catch (err) {
      this.log.error({ callId: call.id, targetType: target.type, err: errorMessage(err) }, 'call target handler failed');
      if (!state.ending) await this.refuse(state, 'FAILED', 'route-failed', { targetType: target.type, error: errorMessage(err) });
    }
  }

  /** Route by DID: a node-specific route beats an any-node one. Cached for CONFIG_CACHE_TTL_MS. */
  private findTarget(nodeId: string, did: string): Promise<CallTarget | undefined> {
    return this.routeCache.get(`${nodeId}\u0000${did}`, async () => {
      const rows = await this.routes.find({ where: [{ did, pbxNodeId: nodeId }, { did, pbxNodeId: IsNull() }] });
      const route = rows.find((r) => r.pbxNodeId === nodeId) ?? rows[0];
      return route ? { type: route.targetType, id: route.targetId } : undefined;
    });
  }

  /** Answer, `sound:ss-noservice`, hang up; the caller's hangup finishes the row with `disposition`. */
  private async refuse(state: LiveCallState, disposition: 'NO_ROUTE' | 'FAILED', eventType: string, data: Record<string, unknown>): Promise<void> {
    state.outcome = { disposition };
    this.bus.publish('call.routed', { call: state.call });
    await this.records.addEvent(state.call.id, eventType, data).catch((err: unknown) => this.log.error({ callId: state.call.id, err: errorMessage(err) }, 'call event write failed'));
    if (!state.call.answered) await this.answer(state.call.nodeId, state.call.channelId).catch(() => undefined);
    await this.prompts.playAndWait(state.call.nodeId, state.call.channelId, [NO_SERVICE_PROMPT]);
    if (!this.stopping) await this.hangupCaller(state, Q850.NORMAL_CLEARING);
  }

  private async answer(nodeId: string, channelId: string): Promise<void> {
    try {
      await this.drivers.driver(nodeId).answer(channelId);
      const found = this.registry.findByChannel(nodeId, channelId);
      if (found) found.state.call.answered = true;
    } catch (err) {
      // The caller may hang up before we answer: its channel.hangup ends the call.
      if (err instanceof ChannelNotFoundError) return;
      throw err;
    }
  }

  private async hangupCaller(state: LiveCallState, cause: number): Promise<void> {
    try {
      await this.drivers.driver(state.call.nodeId).hangup(state.call.channelId, cause);
    } catch (err) {
      // Already gone: end it unless its channel.hangup was seen already.
      if (err instanceof ChannelNotFoundError) this.lifecycle.channelGone(state.call.nodeId, state.call.channelId);
      else this.log.warn({ callId: state.call.id, err: errorMessage(err) }, 'caller hangup failed');
    }
  }
}
