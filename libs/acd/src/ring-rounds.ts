import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, OriginateFailedError, PbxDrivers, Q850 } from '@callplane/pbx';
import { CallEventsBus, CallLifecycleService, CallRecordsService, LegPbxEvent, LiveCall } from '@callplane/calls';
import type { QueueEntity } from '@callplane/persistence';
import { AgentStateService } from './agent-state.service';
import { AgentReachability } from './agent-reachability';
import { QueueDirectory, QueueMemberView } from './queue-directory';
import { QueueEntry, compareEntries, moveEntry } from './queue-entry';
import { AgentCandidate, strategyFor } from './strategies';

/** Pause before the next ring round of a call after a round nobody answered, ms (no spinning on failing phones). */
export const RING_RETRY_DELAY_MS = 1000;

interface AgentLeg {
  agentId: string;
  endpoint: string;
  entry: QueueEntry;
  /** The phone signalled ringing (or answered): a later end is the user's, not an unreachable phone. */
  rang: boolean;
  /** The PBX refused the originate (no leg was ever created). */
  rejected: boolean;
  /** We hung it up (another agent won, the caller left, the queue timed out): not the agent's failure. */
  cancelled: boolean;
  /** Settles when the originate request did (a hangup before the PBX created the channel would miss it). */
  originated: Promise<unknown>;
}

/**
 * The waiting entries of every queue and their ring rounds: picks available members by the
 * queue's strategy (claiming each available → ringing synchronously, so no agent rings for two
 * calls), originates their endpoints, and follows the agent legs: the first `up` wins; a round
 * whose legs all ended retries after {@link RING_RETRY_DELAY_MS}. Dispatch is serialised per
 * queue; entries are served by priority, then enqueue time. Members whose endpoint is `offline`
 * on the call's node, or who are backed off after legs that failed without ringing, are passed
 * over ({@link AgentReachability}).
 */
@Injectable()
export class RingRounds {
  private readonly log = createLogger('acd-ring');
  private readonly entries = new Map<string, QueueEntry>();
  private readonly agentLegs = new Map<string, AgentLeg>();
  private readonly chains = new Map<string, Promise<void>>();
  private seq = 0;
  private readonly indexes = new WeakMap<QueueMemberView[], Map<string, QueueMemberView>>();
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
  ) {}

  /** Called when an agent leg wins a call (entry already `connected`, agent `busy`). */
  onAnswered(cb: (entry: QueueEntry, channelId: string, agentId: string) => void): void {
    this.answered = cb;
  }

  /** Called when the connected agent's leg ended (cause: Q.850). */
  onAgentFreed(cb: (agentId: string, entry: QueueEntry, cause: number) => void): void {
    this.freed = cb;
  }

  enqueue(call: LiveCall, queue: QueueEntity, priority: number, enqueuedAt: Date): QueueEntry {
    const entry: QueueEntry = { call, queue, priority, enqueuedAt, seq: this.seq++, state: 'greeting', ringing: new Map(), tried: new Set() };
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

  /** Follow an agent leg that exists already (adopted after a restart). */
  trackAgentLeg(channelId: string, agentId: string, entry: QueueEntry): void {
    this.agentLegs.set(channelId, { agentId, endpoint: '', entry, rang: true, rejected: false, cancelled: false, originated: Promise.resolve() });
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
    this.entries.clear();
    this.agentLegs.clear();
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
    for (const q of queues) this.dispatch(q);
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
    if (![...this.entries.values()].some(open)) return;
    const members = this.index(await this.directory.membersOf(queueId));
    // Only the available agents are looked at (not every member), each once per dispatch.
    const free: (QueueMemberView & AgentCandidate)[] = [];
    for (const agentId of this.agents.availableIds()) {
      const m = members.get(agentId);
      if (!m || this.reachability.backedOff(agentId)) continue;
      m.lastCallEndedAt = this.agents.peek(agentId)?.lastCallEndedAt ?? m.lastCallEndedAt; // our own copy: refreshed in place
      free.push(m);
    }
    const nodeSpecific = free.some((m) => m.pbxNodeId || this.reachability.offlineSomewhere(m.endpoint));
    const offerable = (m: QueueMemberView, nodeId: string) => (!m.pbxNodeId || m.pbxNodeId === nodeId) && this.reachability.state(nodeId, m.endpoint) !== 'offline';
    const taken = new Set<string>();
    const waiting = [...this.entries.values()].filter(open).sort(compareEntries);
    for (const entry of waiting) {
      if (taken.size >= free.length) break;
      if (!open(entry)) continue;
      const pick = (skipTried: boolean) =>
        !nodeSpecific && taken.size === 0 && (!skipTried || entry.tried.size === 0)
          ? free
          : free.filter((m) => !taken.has(m.agentId) && offerable(m, entry.call.nodeId) && !(skipTried && entry.tried.has(m.agentId)));
      let eligible = pick(true);
      if (eligible.length === 0 && entry.ringing.size === 0 && entry.tried.size > 0) {
        entry.tried.clear(); // everyone had a go: start over
        eligible = pick(false);
      }
      for (const chosen of strategyFor(entry.queue.strategy).select(eligible, entry.ringing.size)) {
        if (!this.agents.tryTransition(chosen.agentId, 'ringing', 'ring')) continue;
        taken.add(chosen.agentId);
        void this.ring(entry, chosen as QueueMemberView);
      }
    }
  }

  /** Members by agent id, built once per loaded member list (which also primes unknown agents' states). */
  private index(members: QueueMemberView[]): Map<string, QueueMemberView> {
    let byId = this.indexes.get(members);
    if (!byId) {
      this.agents.prime(members.map((m) => ({ id: m.agentId, state: m.state, stateChangedAt: m.stateChangedAt, lastCallEndedAt: m.lastCallEndedAt })));
      byId = new Map(members.map((m) => [m.agentId, { ...m }]));
      this.indexes.set(members, byId);
    }
    return byId;
  }

  private async ring(entry: QueueEntry, member: QueueMemberView): Promise<void> {
    const { call, queue } = entry;
    const channelId = randomUUID();
    if (entry.state === 'waiting') moveEntry(entry, 'ringing');
    entry.ringing.set(channelId, member.agentId);
    let originated!: (v?: unknown) => void;
    const leg: AgentLeg = { agentId: member.agentId, endpoint: member.endpoint, entry, rang: false, rejected: false, cancelled: false, originated: new Promise((r) => (originated = r)) };
    this.agentLegs.set(channelId, leg);
    this.reachability.probe(call.nodeId, member.endpoint);
    if (!this.lifecycle.addLeg(call.id, call.nodeId, { channelId, role: 'agent', agentId: member.agentId, endpoint: member.endpoint })) {
      this.agentLegs.delete(channelId);
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
        timeoutS: queue.ringTimeoutS,
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
    const leg = this.agentLegs.get(channelId);
    if (!leg) return;
    if (event.type === 'channel.state' && (event.state === 'ringing' || event.state === 'up')) leg.rang = true;
    if (event.type === 'channel.state' && event.state === 'up') this.onLegUp(channelId, leg);
    else if (event.type === 'channel.hangup') this.onLegGone(channelId, leg, event.cause);
  }

  private onLegUp(channelId: string, leg: AgentLeg): void {
    const { entry, agentId } = leg;
    if (entry.state !== 'ringing' || !entry.ringing.has(channelId) || this.entries.get(entry.call.id) !== entry) {
      return this.cancelLeg(entry, channelId); // answered too late: someone else won or the caller left
    }
    entry.ringing.delete(channelId);
    moveEntry(entry, 'connected');
    entry.agentId = agentId;
    entry.agentChannelId = channelId;
    this.reachability.reset(agentId);
    this.agents.tryTransition(agentId, 'on-call', 'answer');
    this.cancel(entry);
    this.answered(entry, channelId, agentId);
  }

  private onLegGone(channelId: string, leg: AgentLeg, cause: number): void {
    this.agentLegs.delete(channelId);
    const { entry, agentId } = leg;
    if (entry.agentChannelId === channelId) return this.freed(agentId, entry, cause);
    // Before the agent is available again: the dispatches below must already pass it over.
    if (!leg.cancelled && !leg.rang) this.reachability.legFailed(agentId, leg.endpoint, cause, leg.rejected);
    this.agents.tryTransition(agentId, 'available', 'ring-ended');
    if (!leg.cancelled) entry.tried.add(agentId);
    const roundOver = entry.ringing.delete(channelId) && entry.state === 'ringing' && entry.ringing.size === 0;
    if (roundOver) {
      moveEntry(entry, 'waiting');
      entry.retryTimer = setTimeout(() => {
        entry.retryTimer = undefined;
        void this.dispatch(entry.queue.id);
      }, RING_RETRY_DELAY_MS);
      entry.retryTimer.unref?.();
    }
    if (leg.cancelled) this.dispatchAll();
    else if (roundOver) void this.dispatch(entry.queue.id);
  }

  private cancelLeg(entry: QueueEntry, channelId: string): void {
    const leg = this.agentLegs.get(channelId);
    if (leg) leg.cancelled = true;
    void (leg?.originated ?? Promise.resolve())
      .then(() => (this.agentLegs.has(channelId) ? this.drivers.driver(entry.call.nodeId).hangup(channelId, Q850.NORMAL_CLEARING) : undefined))
      .catch((err: unknown) => {
        // Already gone (timed out or failed at the same moment): end the leg unless its hangup was seen.
        if (err instanceof ChannelNotFoundError) this.lifecycle.channelGone(entry.call.nodeId, channelId);
        else this.log.warn({ channelId, err: errorMessage(err) }, 'hanging up agent leg failed');
      });
  }
}
