import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, PbxDrivers, Q850 } from '@callplane/pbx';
import { AdoptedCallState, CallEventsBus, CallLifecycleService, CallRecordsService, CallTarget, CallTargetHandler, LiveCall, LiveCallRegistry, PromptPlayer } from '@callplane/calls';
import type { CallDomainEventMap } from '@callplane/calls';
import { AgentStateService, AgentStatus } from './agent-state.service';
import type { AgentStateTrigger } from './agent-state.table';
import { QueueDirectory } from './queue-directory';
import { QueueEntry, moveEntry } from './queue-entry';
import { RingRounds } from './ring-rounds';
import { AgentReachability } from './agent-reachability';
import { HoldingBridges } from './holding-bridges';

/**
 * The ACD: the {@link CallTargetHandler} for target type `queue` (issue 2 §7).
 * answer → greetingPrompt (until playback.finished) → holding bridge with MOH → ring rounds
 * by the queue's strategy ({@link RingRounds}) → first agent leg `up` wins: the other legs are
 * hung up, caller + agent in a mixing bridge, agent busy → either side hangs up: the other
 * leg is hung up, disposition ANSWERED, agent wrap-up → available. No answer within maxWaitS:
 * noAnswerPrompt, hangup, NO_ANSWER. Caller gone while waiting: ABANDONED.
 */
@Injectable()
export class AcdService extends CallTargetHandler implements OnModuleInit, OnModuleDestroy {
  readonly targetType = 'queue';
  private readonly log = createLogger('acd');
  private readonly subs: Subscription[] = [];
  private unsubscribeAgents?: () => void;
  /** Set on shutdown: a restart must leave live calls alone (the next process adopts them). */
  private stopping = false;

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
  ) {
    super();
  }

  onModuleInit(): void {
    this.subs.push(this.bus.on('leg.event', (e) => this.onLegEvent(e)));
    this.subs.push(this.bus.on('call.ended', (e) => this.onCallEnded(e)));
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
    this.rounds.clear();
    this.holding.clear();
  }

  /** Queues the call; resolves once it is queued (the greeting and ringing run on). @throws QueueNotFoundError */
  async handle(call: LiveCall, target: CallTarget): Promise<void> {
    const queue = await this.directory.queue(target.id);
    const entry = this.rounds.enqueue(call, queue, target.priority ?? 0, new Date());
    entry.maxWaitTimer = this.timer(queue.maxWaitS * 1000, () => void this.onMaxWait(entry));
    await Promise.all([
      this.records.update(call.id, { queueId: queue.id }),
      this.records.addEvent(call.id, 'queued', { queueId: queue.id, queueName: queue.name, priority: entry.priority }),
    ]);
    void this.greetAndHold(entry);
  }

  /** Takes back a queued call after a control-plane restart (see CallResyncService). */
  override async adopt(call: LiveCall, target: CallTarget, state: AdoptedCallState): Promise<void> {
    const queue = await this.directory.queue(target.id);
    const entry = this.rounds.enqueue(call, queue, target.priority ?? 0, call.offeredAt);
    if (state.kind === 'talking') {
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
    const remainingMs = Math.max(0, call.offeredAt.getTime() + queue.maxWaitS * 1000 - Date.now());
    entry.maxWaitTimer = this.timer(remainingMs, () => void this.onMaxWait(entry));
    if (state.bridgeId) {
      entry.holdingBridgeId = state.bridgeId;
      this.holding.adopt(call.nodeId, queue.id, state.bridgeId, call.channelId);
    } else await this.hold(entry);
    if (entry.state !== 'greeting') return;
    moveEntry(entry, 'waiting');
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
    entry.holdingBridgeId = await this.holding.join(call.nodeId, queue.id, queue.mohClass, call.channelId);
    if (entry.state === 'ended') await this.holding.leave(entry.holdingBridgeId, call.channelId, false);
  }

  /** The first agent leg that reached `up`: bridge it with the caller. */
  private async connect(entry: QueueEntry, agentChannelId: string, agentId: string): Promise<void> {
    const { call } = entry;
    const at = new Date();
    clearTimeout(entry.maxWaitTimer);
    const live = this.registry.get(call.id);
    if (live) {
      live.agentId = agentId;
      live.agentAnsweredAt = at;
    }
    this.bus.publish('call.answered', { callId: call.id, agentId, agentIds: [...(live?.agentIds ?? [agentId])] });
    void Promise.all([
      this.records.update(call.id, { agentId, answeredAt: at }),
      this.records.addEvent(call.id, 'agent.answered', { agentId, channelId: agentChannelId }),
    ]).catch((err: unknown) => this.log.error({ callId: call.id, err: errorMessage(err) }, 'answer record write failed'));
    const driver = this.drivers.driver(call.nodeId);
    let mixing: string | undefined;
    try {
      mixing = await driver.createBridge('mixing');
      entry.mixingBridgeId = mixing;
      const holding = entry.holdingBridgeId;
      entry.holdingBridgeId = undefined;
      if (holding) await this.holding.leave(holding, call.channelId, true);
      await driver.addToBridge(mixing, [call.channelId, agentChannelId]);
    } catch (err) {
      // One side hung up while bridging: its hangup tears the call down (and may already have
      // destroyed the new mixing bridge).
      const hungUp = err instanceof ChannelNotFoundError || (err instanceof BridgeNotFoundError && entry.state === 'ended');
      if (!hungUp) this.log.error({ callId: call.id, err: errorMessage(err) }, 'bridging caller and agent failed');
    }
    // The caller left while we were bridging (a hangup during createBridge finds no bridge to drop).
    if (mixing && entry.state === 'ended') await this.destroyBridge(call.nodeId, mixing);
  }

  private async onMaxWait(entry: QueueEntry): Promise<void> {
    if (entry.state === 'connected' || entry.state === 'ended' || entry.state === 'timed-out') return;
    const { call, queue } = entry;
    moveEntry(entry, 'timed-out');
    this.registryOutcome(call.id, 'NO_ANSWER');
    this.rounds.cancel(entry);
    this.log.info({ callId: call.id, queue: queue.name, maxWaitS: queue.maxWaitS }, 'queue timeout: no agent answered');
    void this.records.addEvent(call.id, 'queue.timeout', { queueId: queue.id, maxWaitS: queue.maxWaitS }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'event write failed'));
    if (entry.holdingBridgeId) {
      const holding = entry.holdingBridgeId;
      entry.holdingBridgeId = undefined;
      await this.holding.leave(holding, call.channelId, true);
    }
    if (queue.noAnswerPrompt) await this.prompts.playAndWait(call.nodeId, call.channelId, [queue.noAnswerPrompt]);
    if (!this.stopping) await this.hangup(call.nodeId, call.channelId);
  }

  private onLegEvent({ call, leg, event }: CallDomainEventMap['leg.event']): void {
    if (leg.role === 'agent') return this.rounds.onAgentLegEvent(leg.channelId, event);
    if (leg.role !== 'caller' || event.type !== 'channel.hangup') return;
    const entry = this.rounds.entry(call.id);
    if (entry) void this.onCallerGone(entry);
  }

  /** Caller hung up (or was hung up): stop ringing, hang up the agent, drop the bridges. */
  private async onCallerGone(entry: QueueEntry): Promise<void> {
    if (entry.state === 'ended') return;
    moveEntry(entry, 'ended');
    clearTimeout(entry.maxWaitTimer);
    this.rounds.remove(entry);
    const { nodeId } = entry.call;
    if (entry.agentChannelId) await this.hangup(nodeId, entry.agentChannelId);
    if (entry.holdingBridgeId) await this.holding.leave(entry.holdingBridgeId, entry.call.channelId, false);
    if (entry.mixingBridgeId) await this.destroyBridge(nodeId, entry.mixingBridgeId);
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

  /** The connected agent's leg ended: wrap-up, and hang up the caller if still there. */
  private onAgentCallEnded(agentId: string, entry: QueueEntry | undefined, cause?: number): void {
    this.agents.startWrapUp(agentId, entry?.queue.wrapUpS ?? 0);
    if (!entry || entry.state !== 'connected') return;
    const live = this.registry.get(entry.call.id);
    if (live && cause !== undefined) live.outcome = { ...live.outcome, cause };
    void this.hangup(entry.call.nodeId, entry.call.channelId);
  }

  private onAgentChange(s: AgentStatus, trigger: AgentStateTrigger): void {
    if (s.state === 'available' && (trigger === 'agent' || trigger === 'wrap-up-done')) this.rounds.dispatchAll();
  }

  private registryOutcome(callId: string, disposition: 'NO_ANSWER' | 'FAILED'): void {
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
