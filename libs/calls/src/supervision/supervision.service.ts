import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Subscription } from 'rxjs';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, PbxDrivers, Q850 } from '@callplane/pbx';
import { AgentEntity, CallEntity, QueueEntity } from '@callplane/persistence';
import { CallEventsBus, LegPbxEvent } from '../call-events.bus';
import { CallLifecycleService } from '../call-lifecycle.service';
import { CallRecordsService } from '../call-records.service';
import { LiveCallRegistry } from '../live-call.registry';
import type { LiveLeg } from '../call.types';
import type { LiveCall } from '../call-target';
import { SNOOP_OF_MODE, StartSupervisionRequest, SupervisionMode, SupervisionRequester, SupervisionState, SupervisionView } from './supervision.types';

/** Default ring time of the supervisor's phone, s. */
export const SUPERVISION_RING_TIMEOUT_S = 30;
/** SIP endpoint resource: letters, digits, `_ . + -`, 1–64 (as agents' endpoints). */
const ENDPOINT = /^[A-Za-z0-9_.+-]{1,64}$/;

/** No such supervision (ended ones are forgotten). HTTP 404. */
export class SupervisionNotFoundError extends NotFoundError {
  override readonly code = 'supervision-not-found';
  constructor(id: string) {
    super('supervision', id);
  }
}

/** The call is not a caller talking to an agent (not bridged, ended, unknown). HTTP 409. */
export class SupervisionCallNotConnectedError extends ConflictError {
  override readonly code = 'supervision-call-not-connected';
  constructor(callId: string) {
    super(`call ${callId} is not connected: only a caller talking to an agent can be supervised`, { callId });
  }
}

interface LiveSupervision {
  id: string;
  callId: string;
  nodeId: string;
  mode: SupervisionMode;
  state: SupervisionState;
  supervisorUserId: string | null;
  endpoint: string;
  agentId?: string;
  /** The supervised leg (the agent's), snooped. */
  agentChannelId: string;
  callerChannelId: string;
  supervisorChannelId: string;
  snoopChannelId?: string;
  bridgeId?: string;
  reason?: string;
  startedAt: Date;
  endedAt?: Date;
  /** Moves of one supervision run one after the other. */
  chain: Promise<void>;
}

/**
 * Supervisor monitor / whisper / barge on a live call (issue 8 §4). `start` rings the supervisor's
 * phone (a leg of role `supervisor` in the call's leg chain); once it answers, a snoop of the
 * agent's leg with the mode's directions ({@link SNOOP_OF_MODE}; Asterisk ARI
 * `POST /channels/{id}/snoop`, FreeSWITCH `eavesdrop` with the whisper variables) joins it in a
 * mixing bridge. `setMode` swaps the snoop for one with the new directions, the supervisor's phone
 * stays up (no redial). The supervisor hanging up, the agent or the caller leaving, or `stop` ends
 * it and removes the snoop and its bridge. Only admins, and supervisors of the call's queue
 * (`queues.supervisorUserIds`); every step is a `supervision.*` call event naming who.
 */
@Injectable()
export class SupervisionService implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('supervision');
  private readonly live = new Map<string, LiveSupervision>();
  /** Supervisor, snoop, agent and caller channels → supervision ids. */
  private readonly byChannel = new Map<string, Set<string>>();
  private subs: Subscription[] = [];

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly registry: LiveCallRegistry,
    private readonly lifecycle: CallLifecycleService,
    private readonly records: CallRecordsService,
    private readonly bus: CallEventsBus,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
  ) {}

  onModuleInit(): void {
    this.subs.push(this.bus.on('leg.event', (e) => this.onLegEvent(e.call, e.leg, e.event)));
  }

  onModuleDestroy(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
  }

  /**
   * Rings the supervisor's phone for a connected call; the snoop starts when it answers.
   * @throws ForbiddenError (agents; supervisors not supervising the call's queue; API keys that are not admin),
   *   SupervisionCallNotConnectedError (409), ConflictError (this supervisor already on the call),
   *   ValidationError (`endpoint` missing or malformed), OriginateFailedError (the phone cannot be rung)
   */
  async start(req: StartSupervisionRequest): Promise<SupervisionView> {
    const state = this.registry.get(req.callId);
    if (!state || state.ending || !state.bridgeId || !state.peerChannelId) throw new SupervisionCallNotConnectedError(req.callId);
    await this.assertMay(req.by, req.callId);
    for (const s of this.live.values()) {
      if (s.callId === req.callId && s.supervisorUserId !== null && s.supervisorUserId === req.by.userId) {
        throw new ConflictError(`you already supervise call ${req.callId} (supervision ${s.id}): change its mode instead`, { supervisionId: s.id });
      }
    }
    const endpoint = await this.endpointOf(req);
    const peer = state.legs.get(state.peerChannelId);
    const s: LiveSupervision = {
      id: randomUUID(),
      callId: req.callId,
      nodeId: state.call.nodeId,
      mode: req.mode,
      state: 'ringing',
      supervisorUserId: req.by.userId,
      endpoint,
      agentId: peer?.agentId ?? state.agentId,
      agentChannelId: state.peerChannelId,
      callerChannelId: state.call.channelId,
      supervisorChannelId: randomUUID(),
      startedAt: new Date(),
      chain: Promise.resolve(),
    };
    if (!this.lifecycle.addLeg(s.callId, s.nodeId, { channelId: s.supervisorChannelId, role: 'supervisor', endpoint })) throw new SupervisionCallNotConnectedError(req.callId);
    this.track(s);
    this.event(s, 'supervision.ringing', { by: req.by.userId, role: req.by.role });
    try {
      await this.drivers.driver(s.nodeId).originate({
        endpoint,
        channelId: s.supervisorChannelId,
        timeoutS: req.timeoutS ?? SUPERVISION_RING_TIMEOUT_S,
        callerId: { number: state.call.callerNumber, name: `Monitor ${state.call.callerName ?? ''}`.trim() },
      });
    } catch (err) {
      this.lifecycle.channelGone(s.nodeId, s.supervisorChannelId);
      await this.end(s, 'supervisor-unreachable');
      throw err;
    }
    return this.view(s);
  }

  /**
   * Switches monitor ⇄ whisper ⇄ barge; the supervisor's phone stays up. While it still rings,
   * the new mode applies when it answers.
   * @throws SupervisionNotFoundError, ForbiddenError (another supervisor's session, unless admin)
   */
  async setMode(id: string, mode: SupervisionMode, by: SupervisionRequester): Promise<SupervisionView> {
    const s = this.owned(id, by);
    if (s.mode === mode) return this.view(s);
    const from = s.mode;
    s.mode = mode;
    if (s.state === 'active') await this.queue(s, () => this.swapSnoop(s));
    this.event(s, 'supervision.mode', { from, to: mode, by: by.userId });
    return this.view(s);
  }

  /** Hangs up the supervisor's leg; the snoop and its bridge go with it. @throws SupervisionNotFoundError, ForbiddenError */
  async stop(id: string, by: SupervisionRequester): Promise<SupervisionView> {
    const s = this.owned(id, by);
    await this.end(s, 'stopped');
    return this.view(s);
  }

  /** @throws SupervisionNotFoundError */
  get(id: string, by: SupervisionRequester): SupervisionView {
    return this.view(this.owned(id, by));
  }

  /** Live supervisions of a call (all of them for admins, the requester's own otherwise). */
  ofCall(callId: string, by: SupervisionRequester): SupervisionView[] {
    return [...this.live.values()].filter((s) => s.callId === callId && (by.role === 'admin' || s.supervisorUserId === by.userId)).map((s) => this.view(s));
  }

  /** Number of live supervisions (tests, health). */
  get activeCount(): number {
    return this.live.size;
  }

  /**
   * Admins: any call. Supervisors (users): calls whose queue lists them in `supervisorUserIds`.
   * Agents, and supervisor API keys (no user to scope): refused.
   * @throws ForbiddenError
   */
  async assertMay(by: SupervisionRequester, callId: string): Promise<void> {
    if (by.role === 'admin') return;
    if (by.role !== 'supervisor') throw new ForbiddenError('only supervisors and admins may monitor, whisper or barge');
    if (!by.userId) throw new ForbiddenError('supervision needs a supervisor user (an API key is not scoped to queues): use an admin key');
    const row = await this.calls.findOne({ where: { id: callId }, select: { id: true, queueId: true } });
    const queue = row?.queueId ? await this.queues.findOne({ where: { id: row.queueId }, select: { id: true, supervisorUserIds: true } }) : null;
    if (!queue || !(queue.supervisorUserIds ?? []).includes(by.userId)) throw new ForbiddenError('supervisors may supervise only the calls of the queues they supervise');
  }

  // ------------------------------------------------------------------ PBX facts

  private onLegEvent(call: LiveCall, leg: LiveLeg, event: LegPbxEvent): void {
    const ids = this.byChannel.get(leg.channelId);
    if (!ids) return;
    for (const id of [...ids]) {
      const s = this.live.get(id);
      if (!s) continue;
      if (event.type === 'channel.state' && event.state === 'up' && leg.channelId === s.supervisorChannelId && s.state === 'ringing') {
        void this.queue(s, () => this.attach(s));
      } else if (event.type === 'channel.hangup') {
        if (leg.channelId === s.supervisorChannelId) void this.end(s, s.state === 'ringing' ? (event.cause === 17 ? 'supervisor-busy' : 'supervisor-no-answer') : 'supervisor-hangup', true);
        else if (leg.channelId === s.snoopChannelId) void this.end(s, 'snoop-ended');
        else if (leg.channelId === s.agentChannelId) void this.end(s, 'agent-left');
        else if (leg.channelId === s.callerChannelId) void this.end(s, 'call-ended');
      }
    }
  }

  /** The supervisor answered: snoop the agent leg and bridge the snoop with the supervisor. */
  private async attach(s: LiveSupervision): Promise<void> {
    if (s.state !== 'ringing') return;
    const driver = this.drivers.driver(s.nodeId);
    try {
      s.bridgeId = await driver.createBridge('mixing');
      const snoopId = await this.newSnoop(s);
      // Together: on FreeSWITCH the supervisor's channel runs `eavesdrop` once it shares a bridge with the snoop.
      await driver.addToBridge(s.bridgeId, [snoopId, s.supervisorChannelId]);
      s.state = 'active';
      this.event(s, 'supervision.active', { snoop: SNOOP_OF_MODE[s.mode] });
    } catch (err) {
      this.log.warn({ supervisionId: s.id, callId: s.callId, err: errorMessage(err) }, 'snoop could not start');
      // Not awaited: end() waits for this step's chain.
      void this.end(s, 'snoop-failed');
    }
  }

  /** A snoop of the agent leg with the mode's directions (a `snoop` leg of the call). @returns its channel id */
  private async newSnoop(s: LiveSupervision): Promise<string> {
    const snoop = await this.drivers.driver(s.nodeId).snoop(s.agentChannelId, { ...SNOOP_OF_MODE[s.mode], args: ['supervision', s.id] });
    s.snoopChannelId = snoop.id;
    this.lifecycle.addLeg(s.callId, s.nodeId, { channelId: snoop.id, role: 'snoop' });
    this.index(snoop.id, s.id);
    return snoop.id;
  }

  /** Mode switch: the old snoop leaves and hangs up, a new one with the new directions joins. */
  private async swapSnoop(s: LiveSupervision): Promise<void> {
    const old = s.snoopChannelId;
    const driver = this.drivers.driver(s.nodeId);
    if (old) {
      s.snoopChannelId = undefined;
      this.unindex(old, s.id);
      await driver.removeFromBridge(s.bridgeId!, old).catch((err: unknown) => this.raceLost(err));
      await this.hangup(s, old);
    }
    await driver.addToBridge(s.bridgeId!, [await this.newSnoop(s)]);
  }

  /**
   * Ends a supervision once: its snoop and supervisor leg are hung up (unless already gone), its
   * bridge destroyed; `supervision.ended` with the reason.
   */
  private async end(s: LiveSupervision, reason: string, supervisorGone = false): Promise<void> {
    if (s.state === 'ended') return;
    s.state = 'ended';
    s.reason = reason;
    s.endedAt = new Date();
    this.live.delete(s.id);
    for (const channelId of [s.supervisorChannelId, s.snoopChannelId, s.agentChannelId, s.callerChannelId]) if (channelId) this.unindex(channelId, s.id);
    await s.chain;
    if (s.snoopChannelId) await this.hangup(s, s.snoopChannelId);
    if (!supervisorGone) await this.hangup(s, s.supervisorChannelId);
    if (s.bridgeId) await this.drivers.driver(s.nodeId).destroyBridge(s.bridgeId).catch((err: unknown) => this.raceLost(err));
    this.event(s, 'supervision.ended', { reason });
  }

  private async hangup(s: LiveSupervision, channelId: string): Promise<void> {
    try {
      await this.drivers.driver(s.nodeId).hangup(channelId, Q850.NORMAL_CLEARING);
    } catch (err) {
      if (err instanceof ChannelNotFoundError) this.lifecycle.channelGone(s.nodeId, channelId);
      else this.log.warn({ supervisionId: s.id, channelId, err: errorMessage(err) }, 'supervision hangup failed');
    }
  }

  private raceLost(err: unknown): void {
    if (err instanceof ChannelNotFoundError || err instanceof BridgeNotFoundError) return;
    this.log.warn({ err: errorMessage(err) }, 'supervision bridge move failed');
  }

  private queue(s: LiveSupervision, step: () => Promise<void>): Promise<void> {
    const run = s.chain.then(step);
    s.chain = run.catch((err: unknown) => this.log.warn({ supervisionId: s.id, err: errorMessage(err) }, 'supervision step failed'));
    return run;
  }

  /** The phone to ring: the request's, else the endpoint of the user's agent profile. @throws ValidationError */
  private async endpointOf(req: StartSupervisionRequest): Promise<string> {
    if (req.endpoint !== undefined) {
      if (!ENDPOINT.test(req.endpoint)) throw new ValidationError('endpoint', 'must be a SIP endpoint like 1009 (letters, digits, _ . + -, at most 64)');
      return req.endpoint;
    }
    const own = req.by.userId ? await this.agents.findOne({ where: { userId: req.by.userId }, select: { id: true, endpoint: true } }) : null;
    if (!own) throw new ValidationError('endpoint', 'is required: you have no agent profile whose phone callplane could ring');
    return own.endpoint;
  }

  private owned(id: string, by: SupervisionRequester): LiveSupervision {
    const s = this.live.get(id);
    if (!s) throw new SupervisionNotFoundError(id);
    if (by.role !== 'admin' && s.supervisorUserId !== by.userId) throw new ForbiddenError('this supervision is another supervisor\'s');
    return s;
  }

  private track(s: LiveSupervision): void {
    this.live.set(s.id, s);
    for (const channelId of [s.supervisorChannelId, s.agentChannelId, s.callerChannelId]) this.index(channelId, s.id);
  }

  private index(channelId: string, id: string): void {
    const ids = this.byChannel.get(channelId) ?? new Set<string>();
    ids.add(id);
    this.byChannel.set(channelId, ids);
  }

  private unindex(channelId: string, id: string): void {
    const ids = this.byChannel.get(channelId);
    ids?.delete(id);
    if (ids && !ids.size) this.byChannel.delete(channelId);
  }

  private event(s: LiveSupervision, type: string, data: Record<string, unknown>): void {
    void this.records
      .addEvent(s.callId, type, { supervisionId: s.id, mode: s.mode, supervisorUserId: s.supervisorUserId, endpoint: s.endpoint, agentId: s.agentId ?? null, ...data })
      .catch((err: unknown) => this.log.error({ supervisionId: s.id, callId: s.callId, err: errorMessage(err) }, 'supervision event write failed'));
    this.bus.publish('supervision.changed', { type, supervision: this.view(s) });
  }

  private view(s: LiveSupervision): SupervisionView {
    return {
      id: s.id,
      callId: s.callId,
      mode: s.mode,
      state: s.state,
      supervisorUserId: s.supervisorUserId,
      endpoint: s.endpoint,
      agentId: s.agentId ?? null,
      reason: s.reason ?? null,
      startedAt: s.startedAt.toISOString(),
      endedAt: s.endedAt?.toISOString() ?? null,
    };
  }
}
