import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Subscription } from 'rxjs';
import { createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, PbxDrivers, Q850 } from '@callplane/pbx';
import { AdoptedCallState, CallEventsBus, CallLifecycleService, CallRecordsService, CallTarget, CallTargetHandler, CallTargetRegistry, LiveCall, LiveCallRegistry, PromptPlayer } from '@callplane/calls';
import type { CallDomainEventMap } from '@callplane/calls';
import type { CallDisposition } from '@callplane/contracts';
import { CallEntity } from '@callplane/persistence';
import { AgentStateService, AgentStatus } from './agent-state.service';
import type { AgentStateTrigger } from './agent-state.table';
import { QueueDirectory } from './queue-directory';
import { QueueEntry, moveEntry } from './queue-entry';
import { RingRounds } from './ring-rounds';
import { AgentReachability } from './agent-reachability';
import { HoldingBridges } from './holding-bridges';
import { QueueAnnouncer } from './queue-announcer';
import { QueueCallbacks, CALLBACK_CONFIRMATION_PROMPT, isCallbackNumber } from './queue-callbacks';
import { QueueEvents, secondsBetween } from './queue-events';
import { OverflowPlan, VOICEMAIL_CONTEXT, overflowPlan } from './queue-overflow';
import { WaitEstimator } from './wait-estimator';

const WAITING_STATES: ReadonlySet<QueueEntry['state']> = new Set(['greeting', 'waiting', 'ringing']);

/**
 * The ACD: the {@link CallTargetHandler} for target type `queue` (issue 2 §7, issue 7).
 * answer → greetingPrompt (until playback.finished) → holding bridge with MOH, announcements every
 * announceEveryS ({@link QueueAnnouncer}) → ring rounds by the queue's strategy ({@link RingRounds}) →
 * first agent leg `up` wins: the other legs are hung up, caller + agent in a mixing bridge, agent
 * on-call → either side hangs up: the other leg is hung up, disposition ANSWERED, agent wrap-up →
 * available. Max wait, or the caller's `leaveKey`: the overflow target ({@link overflowPlan}: another
 * queue, an IVR flow, voicemail, or noAnswerPrompt + hangup NO_ANSWER — also the fallback for a target
 * that cannot be used). `callbackKey`: a callback keeps the caller's place ({@link QueueCallbacks}),
 * the caller hears CALLBACK_CONFIRMATION_PROMPT and is hung up (NO_ANSWER; the callback's own call
 * carries its outcome). Caller gone while waiting: ABANDONED. Every step is a queue event
 * ({@link QueueEvents}); `calls.queuedAt`/`queuePriority` are written at entry (service order after a
 * restart), `queuePosition` when the caller leaves without an agent (abandon, overflow, callback).
 */
@Injectable()
export class AcdService extends CallTargetHandler implements OnModuleInit, OnModuleDestroy {
  readonly targetType = 'queue';
  private readonly log = createLogger('acd');
  private readonly subs: Subscription[] = [];
  private unsubscribeAgents?: () => void;
  /** Set on shutdown: a restart must leave live calls alone (the next process adopts them). */
  private stopping = false;
  /** Bad overflow targets already logged (once each): `queue|type|id`. */
  private readonly badTargets = new Set<string>();
  /** When each connected entry's agent answered (for queue.completed and the wait estimate). */
  private readonly connectedAt = new WeakMap<QueueEntry, Date>();
  /** The caller's join of the holding bridge, while under way. */
  private readonly holdPending = new WeakMap<QueueEntry, Promise<void>>();

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly directory: QueueDirectory,
    private readonly agents: AgentStateService,
    private readonly rounds: RingRounds,
    private readonly reachability: AgentReachability,
    private readonly holding: HoldingBridges,
    private readonly records: CallRecordsService,
    private readonly lifecycle: CallLifecycleService,
    private readonly registry: LiveCallRegistry,
    private readonly prompts: PromptPlayer,
    private readonly bus: CallEventsBus,
    private readonly announcer: QueueAnnouncer,
    private readonly callbacks: QueueCallbacks,
    private readonly events: QueueEvents,
    private readonly estimator: WaitEstimator,
    private readonly targets: CallTargetRegistry,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
  ) {
    super();
  }

  onModuleInit(): void {
    this.subs.push(this.bus.on('leg.event', (e) => this.onLegEvent(e)));
    this.subs.push(this.bus.on('call.ended', (e) => this.onCallEnded(e)));
    this.subs.push(this.bus.on('agent.offered', (e) => this.onOffered(e)));
    this.subs.push(this.bus.on('call.taken-over', (e) => this.onTakenOver(e.callId, e.by)));
    this.unsubscribeAgents = this.agents.onChange((s, trigger) => this.onAgentChange(s, trigger));
    this.rounds.onAnswered((entry, channelId, agentId) => void this.connect(entry, channelId, agentId));
    this.rounds.onAgentFreed((agentId, entry, cause) => this.onAgentCallEnded(agentId, entry, cause));
    // An agent's phone registered again or its back-off ran out: waiting calls look at once.
    this.reachability.onEligible(() => this.rounds.dispatchAll());
  }

  onModuleDestroy(): void {
    this.stopping = true;
    this.subs.forEach((s) => s.unsubscribe());
    this.unsubscribeAgents?.();
    this.announcer.clear();
    this.rounds.clear();
    this.holding.clear();
  }

  /** Queues the call; resolves once it is queued (the greeting and ringing run on). @throws QueueNotFoundError */
  async handle(call: LiveCall, target: CallTarget): Promise<void> {
    const queue = await this.directory.queue(target.id);
    // RingRounds raises the requested priority to the queue's VIP priority (callerPriority).
    const entry = this.rounds.enqueue(call, queue, target.priority ?? 0, new Date());
    entry.maxWaitTimer = this.timer(queue.maxWaitS * 1000, () => void this.overflow(entry, 'max-wait'));
    const live = this.registry.get(call.id);
    if (live) live.target = { type: 'queue', id: queue.id, priority: entry.priority };
    this.events.record(call.id, 'queue.entered', { queueId: queue.id, queueName: queue.name, priority: entry.priority, queuedAt: entry.enqueuedAt.toISOString() });
    await this.records.update(call.id, { queueId: queue.id, queuedAt: entry.enqueuedAt, queuePriority: entry.priority });
    void this.greetAndHold(entry);
  }

  /** Takes back a queued call after a control-plane restart (see CallResyncService). */
  override async adopt(call: LiveCall, target: CallTarget, state: AdoptedCallState): Promise<void> {
    const queue = await this.directory.queue(target.id);
    // The place the caller had: priority, then entry time (calls.queuedAt; older rows: the offer).
    const row = await this.calls.findOneBy({ id: call.id });
    const entry = this.rounds.enqueue(call, queue, row?.queuePriority ?? target.priority ?? 0, row?.queuedAt ?? call.offeredAt);
    if (state.kind === 'talking') {
      this.connectedAt.set(entry, row?.answeredAt ?? new Date());
      entry.state = 'connected';
      entry.agentId = state.agentId;
      entry.agentChannelId = state.agentChannelId;
      entry.mixingBridgeId = state.bridgeId;
      if (state.agentId) {
        this.rounds.trackAgentLeg(state.agentChannelId, state.agentId, entry);
        await this.agents.get(state.agentId);
      }
      return;
    }
    // An agent who had answered but was never bridged (restart mid-bridge): its leg is gone; free it, wait again.
    const live = this.registry.get(call.id);
    if (live?.agentId) {
      const agentId = live.agentId;
      live.agentId = undefined;
      live.agentAnsweredAt = undefined;
      await this.records.update(call.id, { agentId: null, answeredAt: null });
      if ((await this.agents.get(agentId).catch(() => undefined))?.state === 'on-call') this.agents.startWrapUp(agentId, 0);
    }
    const remainingMs = Math.max(0, entry.enqueuedAt.getTime() + queue.maxWaitS * 1000 - Date.now());
    entry.maxWaitTimer = this.timer(remainingMs, () => void this.overflow(entry, 'max-wait'));
    if (state.bridgeId) {
      entry.holdingBridgeId = state.bridgeId;
      this.holding.adopt(call.nodeId, queue.id, state.bridgeId, call.channelId);
    } else await this.hold(entry);
    if (entry.state !== 'greeting') return;
    moveEntry(entry, 'waiting');
    this.announcer.start(entry);
    this.rounds.dispatch(entry.queue.id);
  }

  private async greetAndHold(entry: QueueEntry): Promise<void> {
    const { call, queue } = entry;
    try {
      if (!call.answered) {
        await this.drivers.driver(call.nodeId).answer(call.channelId);
        call.answered = true;
      }
      if (queue.greetingPrompt && entry.state === 'greeting') await this.prompts.playAndWait(call.nodeId, call.channelId, [queue.greetingPrompt]);
      if (entry.state === 'greeting' && !this.stopping) await this.hold(entry);
      if (entry.state !== 'greeting' || this.stopping) return;
      moveEntry(entry, 'waiting');
      this.announcer.start(entry);
      this.rounds.dispatch(queue.id);
    } catch (err) {
      // The caller hung up meanwhile (its hangup ends the entry), or we are shutting down.
      if (err instanceof ChannelNotFoundError || this.stopping) return;
      this.log.error({ callId: call.id, err: errorMessage(err) }, 'queue entry setup failed; hanging up');
      this.registryOutcome(call.id, 'FAILED');
      await this.hangup(call.nodeId, call.channelId);
    }
  }

  /** Caller into the queue's holding bridge (music on hold). */
  private async hold(entry: QueueEntry): Promise<void> {
    const { call, queue } = entry;
    const joined = this.holding.join(call.nodeId, queue.id, queue.mohClass, call.channelId).then((id) => {
      entry.holdingBridgeId = id;
    });
    this.holdPending.set(entry, joined);
    await joined;
    if (entry.state === 'ended') await this.holding.leave(entry.holdingBridgeId!, call.channelId, false);
  }

  /** The first agent leg that reached `up`: bridge it with the caller (a callback: dial the caller first). */
  private async connect(entry: QueueEntry, agentChannelId: string, agentId: string): Promise<void> {
    const { call, queue } = entry;
    const at = new Date();
    clearTimeout(entry.maxWaitTimer);
    this.connectedAt.set(entry, at);
    if (this.callbacks.isCallback(entry)) return this.callbacks.dial(entry, agentId);
    const live = this.registry.get(call.id);
    if (live) {
      live.agentId = agentId;
      live.agentAnsweredAt = at;
    }
    this.bus.publish('call.answered', { callId: call.id, agentId, agentIds: [...(live?.agentIds ?? [agentId])] });
    this.estimator.answered(queue.id, at.getTime() - entry.enqueuedAt.getTime());
    this.events.record(call.id, 'queue.connected', { queueId: queue.id, agentId, channelId: agentChannelId, waitS: secondsBetween(entry.enqueuedAt, at) });
    void this.records.update(call.id, { agentId, answeredAt: at }).catch((err: unknown) => this.log.error({ callId: call.id, err: errorMessage(err) }, 'answer record write failed'));
    // An announcement under way ends first (the caller is out of the holding bridge for it).
    await this.announcer.stop(entry);
    const driver = this.drivers.driver(call.nodeId);
    let mixing: string | undefined;
    try {
      mixing = await driver.createBridge('mixing');
      entry.mixingBridgeId = mixing;
      const holding = entry.holdingBridgeId;
      entry.holdingBridgeId = undefined;
      if (holding) await this.holding.leave(holding, call.channelId, true);
      await driver.addToBridge(mixing, [call.channelId, agentChannelId]);
      if (live) {
        live.bridgeId = mixing;
        live.peerChannelId = agentChannelId;
      }
    } catch (err) {
      // One side hung up while bridging: its hangup tears the call down (and may already have
      // destroyed the new mixing bridge).
      const hungUp = err instanceof ChannelNotFoundError || (err instanceof BridgeNotFoundError && entry.state === 'ended');
      if (!hungUp) this.log.error({ callId: call.id, err: errorMessage(err) }, 'bridging caller and agent failed');
    }
    // The caller left while we were bridging (a hangup during createBridge finds no bridge to drop).
    if (mixing && entry.state === 'ended') await this.destroyBridge(call.nodeId, mixing);
  }

  /**
   * The caller leaves for the overflow target (max wait, or the leave key). A target that cannot be
   * used (unknown queue or flow, bad voicemail box, no IVR in this app) is logged once and the caller
   * gets the no-answer prompt and a hangup (NO_ANSWER): never left in silence.
   */
  private async overflow(entry: QueueEntry, reason: 'max-wait' | 'leave-key'): Promise<void> {
    if (!WAITING_STATES.has(entry.state)) return;
    const { call, queue } = entry;
    const position = this.announcer.position(entry);
    moveEntry(entry, 'timed-out');
    clearTimeout(entry.maxWaitTimer);
    this.rounds.cancel(entry);
    let plan = overflowPlan(queue);
    this.log.info({ callId: call.id, queue: queue.name, reason, target: plan.kind }, 'caller leaves the queue for its overflow target');
    await this.announcer.stop(entry);
    await this.leaveHolding(entry);
    void this.records.update(call.id, { queuePosition: position }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'position write failed'));
    const data = { queueId: queue.id, reason, waitS: secondsBetween(entry.enqueuedAt), position };
    if (plan.kind !== 'hangup' && plan.kind !== 'invalid' && !this.stopping) {
      if (await this.sendToTarget(entry, plan)) {
        this.events.record(call.id, 'queue.overflow', { ...data, targetType: queue.overflowTargetType, targetId: queue.overflowTargetId });
        return;
      }
      plan = { kind: 'invalid', why: 'target not usable' };
    }
    if (plan.kind === 'invalid') this.badTarget(queue.id, plan.why, queue.overflowTargetType, queue.overflowTargetId);
    this.events.record(call.id, 'queue.overflow', { ...data, targetType: 'hangup', targetId: null, ...(plan.kind === 'invalid' ? { fallback: true } : {}) });
    this.registryOutcome(call.id, 'NO_ANSWER');
    if (queue.noAnswerPrompt) await this.prompts.playAndWait(call.nodeId, call.channelId, [queue.noAnswerPrompt]);
    if (!this.stopping) await this.hangup(call.nodeId, call.channelId);
  }

  /** @returns false when the target could not take the caller (the caller is still ours, out of the queue). */
  private async sendToTarget(entry: QueueEntry, plan: Exclude<OverflowPlan, { kind: 'hangup' | 'invalid' }>): Promise<boolean> {
    const { call, queue } = entry;
    try {
      if (plan.kind === 'voicemail') {
        this.registryOutcome(call.id, 'VOICEMAIL');
        await this.drivers.driver(call.nodeId).redirect(call.channelId, { extension: plan.box, context: VOICEMAIL_CONTEXT });
        return true;
      }
      const target: CallTarget = plan.kind === 'queue' ? { type: 'queue', id: plan.queueId, priority: entry.priority } : { type: 'ivr', id: plan.flowId };
      const handler = plan.kind === 'queue' ? this : this.targets.get('ivr');
      if (!handler) return false;
      // Out of this queue before the target takes the call (its hangup and DTMF are the target's then).
      this.rounds.remove(entry);
      moveEntry(entry, 'ended');
      const live = this.registry.get(call.id);
      if (live) live.target = target;
      await handler.handle(call, target);
      return true;
    } catch (err) {
      if (err instanceof ChannelNotFoundError) return true; // the caller hung up meanwhile: nothing to fall back for
      this.registryOutcome(call.id, 'NO_ANSWER');
      const live = this.registry.get(call.id);
      if (live) live.target = { type: 'queue', id: queue.id, priority: entry.priority };
      this.log.debug({ callId: call.id, err: errorMessage(err) }, 'overflow target refused the call');
      return false;
    }
  }

  /** The caller pressed the callback key: record the callback in their place, confirm, hang up. */
  private async requestCallback(entry: QueueEntry): Promise<void> {
    const { call, queue } = entry;
    if (!WAITING_STATES.has(entry.state)) return;
    if (!isCallbackNumber(call.callerNumber)) {
      this.log.info({ callId: call.id, queue: queue.name }, 'callback key ignored: the caller number cannot be dialled');
      return;
    }
    const position = this.announcer.position(entry);
    moveEntry(entry, 'timed-out');
    clearTimeout(entry.maxWaitTimer);
    this.rounds.remove(entry);
    this.registryOutcome(call.id, 'NO_ANSWER');
    await this.announcer.stop(entry);
    await this.leaveHolding(entry);
    try {
      const callback = await this.callbacks.request(entry);
      this.events.record(call.id, 'queue.callback-requested', { queueId: queue.id, callbackId: callback?.id ?? null, waitS: secondsBetween(entry.enqueuedAt), position });
      await this.records.update(call.id, { queuePosition: position });
    } catch (err) {
      this.log.error({ callId: call.id, err: errorMessage(err) }, 'callback request failed');
    }
    if (this.stopping) return;
    await this.prompts.playAndWait(call.nodeId, call.channelId, [CALLBACK_CONFIRMATION_PROMPT]);
    await this.hangup(call.nodeId, call.channelId);
  }

  /** Out of the holding bridge; a join still under way is waited for (on FreeSWITCH a prompt would queue behind the MOH). */
  private async leaveHolding(entry: QueueEntry): Promise<void> {
    await this.holdPending.get(entry)?.catch(() => undefined);
    const holding = entry.holdingBridgeId;
    entry.holdingBridgeId = undefined;
    if (holding) await this.holding.leave(holding, entry.call.channelId, true);
  }

  private badTarget(queueId: string, why: string, type: string | null, id: string | null): void {
    const key = `${queueId}|${type}|${id}`;
    if (this.badTargets.has(key)) return;
    this.badTargets.add(key);
    this.log.error({ queueId, targetType: type, targetId: id, why }, 'overflow target cannot be used: callers are hung up with NO_ANSWER instead');
  }

  private onOffered(e: CallDomainEventMap['agent.offered']): void {
    this.events.record(e.callId, 'queue.offered', { queueId: e.queueId, agentId: e.agentId });
    this.callbacks.onOffered(e.callId, e.agentId);
  }

  private onLegEvent({ call, leg, event }: CallDomainEventMap['leg.event']): void {
    const entry = this.rounds.entry(call.id);
    if (leg.role === 'agent') {
      // An offer that ended unanswered while the call still waited (not one we hung up because another agent won or the caller left).
      if (event.type === 'channel.hangup' && !leg.answeredAt && entry && (entry.state === 'ringing' || entry.state === 'waiting') && leg.agentId) {
        this.events.record(call.id, 'queue.no-answer', { queueId: entry.queue.id, agentId: leg.agentId, cause: event.cause });
      }
      return this.rounds.onAgentLegEvent(leg.channelId, event);
    }
    if (leg.role !== 'caller' || !entry) return;
    if (event.type === 'channel.hangup') return void this.onCallerGone(entry);
    if (event.type === 'channel.state' && event.state === 'up' && this.callbacks.isCallback(entry)) return void this.callbacks.onCallerUp(entry);
    if (event.type !== 'channel.dtmf' || !WAITING_STATES.has(entry.state)) return;
    if (entry.queue.leaveKey && event.digit === entry.queue.leaveKey) void this.overflow(entry, 'leave-key');
    else if (entry.queue.callbackKey && event.digit === entry.queue.callbackKey) void this.requestCallback(entry);
  }

  /** Caller hung up (or was hung up): stop ringing, hang up the agent, drop the bridges. */
  private async onCallerGone(entry: QueueEntry): Promise<void> {
    if (entry.state === 'ended') return;
    const { call, queue } = entry;
    const abandoned = WAITING_STATES.has(entry.state) && !this.callbacks.isCallback(entry);
    const position = abandoned ? this.announcer.position(entry) : 0;
    const wasConnected = entry.state === 'connected';
    moveEntry(entry, 'ended');
    clearTimeout(entry.maxWaitTimer);
    this.rounds.remove(entry);
    void this.announcer.stop(entry);
    if (abandoned) {
      this.events.record(call.id, 'queue.abandoned', { queueId: queue.id, waitS: secondsBetween(entry.enqueuedAt), position });
      void this.records.update(call.id, { queuePosition: position }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'position write failed'));
    }
    const answeredAt = this.connectedAt.get(entry);
    if (wasConnected && answeredAt && !this.callbacks.unconnectedCallback(entry)) {
      const talkMs = Date.now() - answeredAt.getTime();
      this.estimator.handled(queue.id, talkMs + queue.wrapUpS * 1000);
      this.events.record(call.id, 'queue.completed', { queueId: queue.id, agentId: entry.agentId ?? null, talkS: talkMs / 1000 });
    }
    const { nodeId } = call;
    if (entry.agentChannelId) await this.hangup(nodeId, entry.agentChannelId);
    if (entry.holdingBridgeId) await this.holding.leave(entry.holdingBridgeId, call.channelId, false);
    if (entry.mixingBridgeId) await this.destroyBridge(nodeId, entry.mixingBridgeId);
    await this.callbacks.onEnded(entry);
  }

  /**
   * Another owner (a transfer) took the connected call: the queue's part is complete (queue.completed
   * with the talk so far); the agent's leg stays followed, so the agent wraps up when it ends.
   */
  private onTakenOver(callId: string, by: string): void {
    const entry = this.rounds.entry(callId);
    if (!entry || entry.state !== 'connected') return;
    const { call, queue } = entry;
    moveEntry(entry, 'ended');
    clearTimeout(entry.maxWaitTimer);
    this.rounds.remove(entry);
    const answeredAt = this.connectedAt.get(entry);
    if (answeredAt && !this.callbacks.unconnectedCallback(entry)) {
      const talkMs = Date.now() - answeredAt.getTime();
      this.estimator.handled(queue.id, talkMs + queue.wrapUpS * 1000);
      this.events.record(call.id, 'queue.completed', { queueId: queue.id, agentId: entry.agentId ?? null, talkS: talkMs / 1000, takenOverBy: by });
    }
    void this.callbacks.onEnded(entry);
  }

  /** A call finished without us seeing its caller leg (resync): free its agent. */
  private onCallEnded(e: CallDomainEventMap['call.ended']): void {
    const entry = this.rounds.entry(e.call.id);
    if (entry) return void this.onCallerGone(entry);
    if (!e.agentId || e.target?.type !== 'queue') return;
    const agentId = e.agentId;
    if (this.agents.peek(agentId)?.state !== 'on-call') return;
    this.directory
      .queue(e.target.id)
      .then((q) => this.agents.startWrapUp(agentId, q.wrapUpS))
      .catch(() => this.agents.startWrapUp(agentId, 0));
  }

  /** The connected agent's leg ended: wrap-up (none after a callback the caller never answered), and hang up the caller if still there. */
  private onAgentCallEnded(agentId: string, entry: QueueEntry | undefined, cause?: number): void {
    this.agents.startWrapUp(agentId, entry && !this.callbacks.unconnectedCallback(entry) ? entry.queue.wrapUpS : 0);
    if (!entry || entry.state !== 'connected') return;
    const live = this.registry.get(entry.call.id);
    if (live && cause !== undefined) live.outcome = { ...live.outcome, cause };
    void this.hangup(entry.call.nodeId, entry.call.channelId);
  }

  private onAgentChange(s: AgentStatus, trigger: AgentStateTrigger): void {
    if (s.state === 'available' && (trigger === 'agent' || trigger === 'wrap-up-done')) this.rounds.dispatchAll();
  }

  private registryOutcome(callId: string, disposition: CallDisposition): void {
    const live = this.registry.get(callId);
    if (live) live.outcome = { ...live.outcome, disposition };
  }

  private timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(fn, ms);
    t.unref?.();
    return t;
  }

  private async hangup(nodeId: string, channelId: string): Promise<void> {
    try {
      await this.drivers.driver(nodeId).hangup(channelId, Q850.NORMAL_CLEARING);
    } catch (err) {
      // Already gone (the other side hung up first): end its leg if its hangup was never seen.
      if (err instanceof ChannelNotFoundError) this.lifecycle.channelGone(nodeId, channelId);
      else this.log.warn({ node: nodeId, channelId, err: errorMessage(err) }, 'hangup failed');
    }
  }

  private async destroyBridge(nodeId: string, bridgeId: string): Promise<void> {
    try {
      await this.drivers.driver(nodeId).destroyBridge(bridgeId);
    } catch (err) {
      this.log.debug({ node: nodeId, bridgeId, err: errorMessage(err) }, 'bridge already gone');
    }
  }
}
