import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, OriginateFailedError, PbxDrivers, Q850 } from '@callplane/pbx';
import { CallEventsBus, CallLifecycleService, CallRecordsService, LegPbxEvent, LiveCall, LiveCallRegistry } from '@callplane/calls';
import type { AgentState } from '@callplane/contracts';
import type { QueueEntity } from '@callplane/persistence';
import { AgentStateService } from './agent-state.service';
import { AgentReachability } from './agent-reachability';
import { QueueDirectory, QueueMemberView } from './queue-directory';
import { QueueEntry, compareEntries, moveEntry } from './queue-entry';
import { AgentLeg, OfferLegs, offerMissKind } from './offer-legs';
import { OfferCandidate, candidateIndex, refreshCandidate } from './offer-candidates';
import { planOffers } from './offer-planner';
import { callerPriority } from './caller-priority';


/**
 * Longest one dispatch pass runs before yielding to the event loop, ms: 1,000 callers waiting over
 * 5,000 free longest-idle agents take ~400 ms in one go (bench:routing), which would stall calls.
 */
export const DISPATCH_SLICE_MS = 20;
/** Pause between ring rounds nobody answered for a queue whose `retryDelayS` is not set, ms (app_queue `retry`). */
export const RING_RETRY_DELAY_MS = 1000;

/** Agent states that end an offer still ringing: the agent left, its leg is hung up and the round goes on. */
const LEFT_STATES: ReadonlySet<AgentState> = new Set<AgentState>(['away', 'offline', 'dnd']);

/**
 * The waiting entries of every queue and their ring rounds (the ACD's offer engine).
 *
 * A dispatch of a queue looks at the *available* agents that are its members (the ACD's memory
 * of each agent wins over the member rows), drops those not offerable now — phone `offline` on the
 * call's node or backed off after unreachable legs ({@link AgentReachability}), inside their own
 * pause after a missed offer (`AgentStateService.offerableAt`), bound to another node — then, for
 * each waiting entry in service order (priority, higher first; then enqueue time; then arrival),
 * keeps the members the entry may have (skills, tiers open after the entry's wait: `eligibleNow`)
 * and asks the queue's strategy ({@link AcdStrategy.select}) whom to ring ({@link planOffers}). Each pick is claimed
 * available → ringing synchronously (no agent rings for two calls, across queues too) and its
 * endpoint originated with the agent's `ringTimeoutS`, else the queue's.
 *
 * Re-dispatch happens on events (a leg ended; an agent became offerable: `AgentStateService.onOfferable`,
 * which also covers the end of its pause after a miss) and on one timer per queue for what no event
 * announces: a higher tier opening, ring-progressively's next agent ({@link AcdStrategy.nextSelectInMs}).
 * A round whose legs all ended unanswered waits the queue's `retryDelayS` before the next one
 * (app_queue `retry`).
 *
 * Offer outcomes go to {@link AgentStateService}: `offerAnswered` for the leg that won,
 * `offerMissed` with {@link offerMissKind} for a leg that ended unanswered (not for legs we hung
 * up), `callHandled` with the talk time when the connected agent's leg ends. An agent who goes
 * away / offline / dnd while its phone rings has that leg hung up; the round goes on.
 * Dispatch is serialised per queue; time comes from `Date.now()` only (jest fake timers move it).
 *
 * For other owners (callbacks): an entry is any {@link LiveCall} in the registry, with or without a
 * caller leg on the line; {@link onAnswered} hands over the winning agent leg, the owner decides what
 * to bridge it with.
 */
@Injectable()
export class RingRounds implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('acd-ring');
  private readonly entries = new Map<string, QueueEntry>();
  private readonly legs = new OfferLegs();
  private readonly chains = new Map<string, Promise<void>>();
  /** Per queue: the next dispatch no event would trigger (tier opening, next progressive agent). */
  private readonly wakes = new Map<string, NodeJS.Timeout>();
  private seq = 0;
  private readonly indexes = new WeakMap<QueueMemberView[], Map<string, OfferCandidate>>();
  private readonly unsubscribe: (() => void)[] = [];
  private answered: (entry: QueueEntry, channelId: string, agentId: string) => void = () => undefined;
  private freed: (agentId: string, entry: QueueEntry, cause: number) => void = () => undefined;

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly directory: QueueDirectory,
    private readonly agents: AgentStateService,
    private readonly reachability: AgentReachability,
    private readonly lifecycle: CallLifecycleService,
    private readonly records: CallRecordsService,
    private readonly bus: CallEventsBus,
    private readonly registry: LiveCallRegistry,
  ) {}

  onModuleInit(): void {
    this.unsubscribe.push(
      this.agents.onChange((s) => {
        if (LEFT_STATES.has(s.state)) this.agentLeft(s.agentId);
      }),
      // Available again with no offer pause (made itself available, wrap-up over, pause after a miss over).
      this.agents.onOfferable(() => this.dispatchAll()),
    );
  }

  onModuleDestroy(): void {
    this.unsubscribe.forEach((u) => u());
    this.clear();
  }

  /** Called when an agent leg wins a call (entry already `connected`, agent `on-call`). */
  onAnswered(cb: (entry: QueueEntry, channelId: string, agentId: string) => void): void {
    this.answered = cb;
  }

  /** Called when the connected agent's leg ended (cause: Q.850), after `callHandled` counted the call. */
  onAgentFreed(cb: (agentId: string, entry: QueueEntry, cause: number) => void): void {
    this.freed = cb;
  }

  /**
   * A caller enters a queue (state `greeting`; the owner moves it to `waiting` and dispatches).
   * `priority`: requested priority, higher is served first; raised to the queue's `vipPriority` when
   * the caller's number is on its `vipNumbers` ({@link callerPriority}, 0–100).
   */
  enqueue(call: LiveCall, queue: QueueEntity, priority: number, enqueuedAt: Date): QueueEntry {
    // The queue's VIP list applies here too (idempotent with the owner's own callerPriority), so an adopted call keeps it.
    const served = callerPriority({ requested: priority, callerNumber: call.callerNumber, vipNumbers: queue.vipNumbers ?? [], vipPriority: queue.vipPriority });
    const entry: QueueEntry = { call, queue, priority: served, enqueuedAt, seq: this.seq++, state: 'greeting', ringing: new Map(), tried: new Set() };
    this.entries.set(call.id, entry);
    return entry;
  }

  entry(callId: string): QueueEntry | undefined {
    return this.entries.get(callId);
  }

  /** Entries of a queue in service order (for tests and monitoring). */
  entriesOf(queueId: string): QueueEntry[] {
    return [...this.entries.values()].filter((e) => e.queue.id === queueId).sort(compareEntries);
  }

  /**
   * Follow an agent leg that exists already and talks (adopted after a restart). `answeredAt` starts
   * its talk time ({@link AgentStateService.callHandled}); default: the call's recorded answer, else now.
   */
  trackAgentLeg(channelId: string, agentId: string, entry: QueueEntry, answeredAt?: Date): void {
    const at = answeredAt ?? this.registry.get(entry.call.id)?.agentAnsweredAt ?? new Date();
    this.legs.add({ channelId, agentId, endpoint: '', entry, rang: true, rejected: false, cancelled: false, answeredAt: at.getTime(), originated: Promise.resolve() });
  }

  /** Stop ringing for an entry (its legs' hangups free the agents). */
  cancel(entry: QueueEntry): void {
    clearTimeout(entry.retryTimer);
    entry.retryTimer = undefined;
    for (const channelId of entry.ringing.keys()) this.cancelLeg(entry, channelId);
  }

  /** Forget an entry (caller gone), cancelling its ring round. */
  remove(entry: QueueEntry): void {
    this.cancel(entry);
    this.entries.delete(entry.call.id);
  }

  clear(): void {
    for (const e of this.entries.values()) {
      clearTimeout(e.retryTimer);
      clearTimeout(e.maxWaitTimer);
    }
    for (const t of this.wakes.values()) clearTimeout(t);
    this.wakes.clear();
    this.entries.clear();
    this.legs.clear();
  }

  /** An agent became available (fresh): every queue with waiting calls looks again, retry pauses skipped. */
  dispatchAll(): void {
    const queues = new Set<string>();
    for (const e of this.entries.values()) {
      if (e.state !== 'waiting' && e.state !== 'ringing') continue;
      clearTimeout(e.retryTimer);
      e.retryTimer = undefined;
      queues.add(e.queue.id);
    }
    for (const q of queues) void this.dispatch(q);
  }

  /** Offer waiting calls of one queue to its available members (serialised per queue). */
  dispatch(queueId: string): Promise<void> {
    const next = (this.chains.get(queueId) ?? Promise.resolve())
      .then(() => this.runDispatch(queueId))
      .catch((err: unknown) => this.log.error({ queueId, err: errorMessage(err) }, 'dispatch failed'));
    this.chains.set(queueId, next);
    return next;
  }

  private async runDispatch(queueId: string): Promise<void> {
    const open = (e: QueueEntry): boolean => e.queue.id === queueId && ((e.state === 'waiting' && !e.retryTimer) || e.state === 'ringing');
    if (![...this.entries.values()].some(open)) return this.setWake(queueId, Infinity, 0);
    const members = this.index(await this.directory.membersOf(queueId));
    const now = Date.now();
    // Only the available agents are looked at (not every member), each once per dispatch.
    const free: OfferCandidate[] = [];
    for (const agentId of this.agents.availableIds()) {
      const m = members.get(agentId);
      if (!m || this.reachability.backedOff(agentId)) continue;
      // In its pause after a missed offer: AgentStateService.onOfferable says when it is over.
      if (this.agents.offerableAt(agentId) > now) continue;
      refreshCandidate(m, this.agents.peek(agentId));
      free.push(m);
    }
    const nodeSpecific = free.some((m) => m.pbxNodeId || this.reachability.offlineSomewhere(m.endpoint));
    const planned = planOffers({
      entries: [...this.entries.values()].filter(open).sort(compareEntries),
      free,
      members,
      nodeSpecific,
      reachableOn: (m, nodeId) => (!m.pbxNodeId || m.pbxNodeId === nodeId) && this.reachability.state(nodeId, m.endpoint) !== 'offline',
      offer: (entry, m) => {
        if (!this.agents.tryTransition(m.agentId, 'ringing', 'ring')) return false;
        void this.ring(entry, m, now);
        return true;
      },
      now,
      sliceMs: DISPATCH_SLICE_MS,
    });
    this.setWake(queueId, planned, now);
  }

  /** (Re)arms the queue's wake-up timer for `at` (ms epoch); Infinity clears it. */
  private setWake(queueId: string, at: number, now: number): void {
    clearTimeout(this.wakes.get(queueId));
    this.wakes.delete(queueId);
    if (at === Infinity) return;
    const timer = setTimeout(() => {
      this.wakes.delete(queueId);
      void this.dispatch(queueId);
    }, Math.max(0, at - now));
    timer.unref?.();
    this.wakes.set(queueId, timer);
  }

  /** Members by agent id, built once per loaded member list (which also primes unknown agents' states). */
  private index(members: QueueMemberView[]): Map<string, OfferCandidate> {
    let byId = this.indexes.get(members);
    if (!byId) {
      this.agents.prime(members.map((m) => ({ id: m.agentId, state: m.state, stateChangedAt: m.stateChangedAt, lastCallEndedAt: m.lastCallEndedAt })));
      byId = candidateIndex(members);
      this.indexes.set(members, byId);
    }
    return byId;
  }

  private async ring(entry: QueueEntry, member: OfferCandidate, now: number): Promise<void> {
    const { call, queue } = entry;
    const channelId = randomUUID();
    if (entry.state === 'waiting') moveEntry(entry, 'ringing');
    if (entry.ringing.size === 0) entry.roundStartedAt = now;
    entry.ringing.set(channelId, member.agentId);
    let originated!: (v?: unknown) => void;
    const leg: AgentLeg = { channelId, agentId: member.agentId, endpoint: member.endpoint, entry, rang: false, rejected: false, cancelled: false, originated: new Promise((r) => (originated = r)) };
    this.legs.add(leg);
    this.reachability.probe(call.nodeId, member.endpoint);
    if (!this.lifecycle.addLeg(call.id, call.nodeId, { channelId, role: 'agent', agentId: member.agentId, endpoint: member.endpoint })) {
      this.legs.delete(channelId);
      entry.ringing.delete(channelId);
      this.agents.tryTransition(member.agentId, 'available', 'ring-ended');
      return;
    }
    this.bus.publish('agent.offered', { callId: call.id, agentId: member.agentId, callerNumber: call.callerNumber, callerName: call.callerName, queueId: queue.id, queueName: queue.name });
    void this.records.addEvent(call.id, 'agent.ringing', { agentId: member.agentId, endpoint: member.endpoint }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'event write failed'));
    try {
      await this.drivers.driver(call.nodeId).originate({
        endpoint: member.endpoint,
        callerId: { number: call.callerNumber, name: call.callerName },
        timeoutS: member.ringTimeoutS ?? queue.ringTimeoutS,
        channelId,
      });
    } catch (err) {
      // Unregistered / busy / PBX refused: end the leg like a hangup so the round goes on without it.
      const cause = err instanceof OriginateFailedError ? err.q850Cause : Q850.NORMAL_TEMPORARY_FAILURE;
      this.log.info({ callId: call.id, agentId: member.agentId, endpoint: member.endpoint, cause, err: errorMessage(err) }, 'agent leg failed');
      leg.rejected = true;
      this.lifecycle.onLegEvent({ type: 'channel.hangup', nodeId: call.nodeId, at: new Date(), channelId, cause, causeText: errorMessage(err) });
    } finally {
      originated();
    }
  }

  /** PBX events of agent legs (from the call bus). */
  onAgentLegEvent(channelId: string, event: LegPbxEvent): void {
    const leg = this.legs.get(channelId);
    if (!leg) return;
    if (event.type === 'channel.state' && (event.state === 'ringing' || event.state === 'up')) leg.rang = true;
    if (event.type === 'channel.state' && event.state === 'up') this.onLegUp(channelId, leg);
    else if (event.type === 'channel.hangup') this.onLegGone(channelId, leg, event.cause);
  }

  private onLegUp(channelId: string, leg: AgentLeg): void {
    const { entry, agentId } = leg;
    if (leg.answeredAt !== undefined) return; // a repeated `up` of the winning leg
    const late = leg.cancelled || entry.state !== 'ringing' || !entry.ringing.has(channelId) || this.entries.get(entry.call.id) !== entry;
    // Answered too late (someone else won, the caller left), or the agent left (away) as it answered.
    if (late || !this.agents.tryTransition(agentId, 'on-call', 'answer')) return this.cancelLeg(entry, channelId);
    leg.answeredAt = Date.now();
    entry.ringing.delete(channelId);
    moveEntry(entry, 'connected');
    entry.agentId = agentId;
    entry.agentChannelId = channelId;
    entry.roundStartedAt = undefined;
    this.reachability.reset(agentId);
    this.agents.offerAnswered(agentId);
    this.cancel(entry);
    this.answered(entry, channelId, agentId);
  }

  private onLegGone(channelId: string, leg: AgentLeg, cause: number): void {
    this.legs.delete(channelId);
    const { entry, agentId } = leg;
    if (entry.agentChannelId === channelId) {
      this.agents.callHandled(agentId, Math.max(0, Date.now() - (leg.answeredAt ?? Date.now())) / 1000);
      return this.freed(agentId, entry, cause);
    }
    // Before the agent is available again: the dispatches below must already pass it over.
    if (!leg.cancelled) {
      if (!leg.rang) this.reachability.legFailed(agentId, leg.endpoint, cause, leg.rejected);
      this.agents.offerMissed(agentId, offerMissKind(cause, leg.rang));
    }
    this.agents.tryTransition(agentId, 'available', 'ring-ended');
    if (!leg.cancelled) entry.tried.add(agentId);
    const roundOver = entry.ringing.delete(channelId) && entry.state === 'ringing' && entry.ringing.size === 0;
    if (roundOver) {
      moveEntry(entry, 'waiting');
      entry.roundStartedAt = undefined;
      const retryMs = Number.isFinite(entry.queue.retryDelayS) ? Math.max(0, entry.queue.retryDelayS * 1000) : RING_RETRY_DELAY_MS;
      entry.retryTimer = setTimeout(() => {
        entry.retryTimer = undefined;
        void this.dispatch(entry.queue.id);
      }, retryMs);
      entry.retryTimer.unref?.();
    }
    // The agent is available again (unless it left or was set away): other queues may want it now. Whoever
    // ends a ring dispatches (AgentStateService.onOfferable does not fire for ring-ended); a miss keeps the
    // retry pauses, a leg we cancelled (someone else won) skips them as a fresh agent does.
    if (leg.cancelled) this.dispatchAll();
    else this.dispatchOpen();
  }

  /** Every queue with an entry waiting outside its retry pause, or ringing (retry pauses kept). */
  private dispatchOpen(): void {
    const queues = new Set<string>();
    for (const e of this.entries.values()) if (e.state === 'ringing' || (e.state === 'waiting' && !e.retryTimer)) queues.add(e.queue.id);
    for (const q of queues) void this.dispatch(q);
  }

  /** The agent went away / offline / dnd: hang up the offers still ringing its phone (not its miss). */
  private agentLeft(agentId: string): void {
    for (const leg of this.legs.ringingOf(agentId)) {
      this.log.info({ callId: leg.entry.call.id, agentId }, 'agent left while ringing: its leg is hung up');
      this.cancelLeg(leg.entry, leg.channelId);
    }
  }

  private cancelLeg(entry: QueueEntry, channelId: string): void {
    const leg = this.legs.get(channelId);
    if (leg) leg.cancelled = true;
    void (leg?.originated ?? Promise.resolve())
      .then(() => (this.legs.has(channelId) ? this.drivers.driver(entry.call.nodeId).hangup(channelId, Q850.NORMAL_CLEARING) : undefined))
      .catch((err: unknown) => {
        // Already gone (timed out or failed at the same moment): end the leg unless its hangup was seen.
        if (err instanceof ChannelNotFoundError) this.lifecycle.channelGone(entry.call.nodeId, channelId);
        else this.log.warn({ channelId, err: errorMessage(err) }, 'hanging up agent leg failed');
      });
  }
}
