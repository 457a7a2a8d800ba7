import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, MoreThanOrEqual, Not, Repository } from 'typeorm';
import { Subscription } from 'rxjs';
import { createLogger, errorMessage } from '@callplane/core';
import { AGENT_STATES, type AgentState, type QueueLiveStateView } from '@callplane/contracts';
import { CallEntity, CallEventEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { CallEventsBus, TtlCache } from '@callplane/calls';
import type { CallDomainEventMap } from '@callplane/calls';
import { QueueNotFoundError } from '../acd.errors';
import { AgentStateService } from '../agent-state.service';
import { AgentReachability } from '../agent-reachability';
import { RingRounds } from '../ring-rounds';
import type { QueueEntry } from '../queue-entry';
import { QueueDayStats, startOfLocalDay } from './queue-day-stats';
import { LiveMember, stallOf } from './queue-stall';
import { WAITING_ENTRY_STATES, summarizeWaiting } from './queue-waiting';

/**
 * How often the waiting entries are compared with the last look, ms: a caller who entered (or
 * left) a queue without any bus event naming the queue is noticed within this.
 */
export const QUEUE_LIVE_SCAN_MS = 1000;

/** Queue members by queue, and the queues of each agent. */
interface Memberships {
  byQueue: Map<string, LiveMember[]>;
  queuesOf: Map<string, string[]>;
}

/** Called with the id of a queue whose live state may have changed (not throttled). */
export type QueueChangeListener = (queueId: string) => void;

/**
 * Live state of every queue (issue 7 §5), for `GET /queues/:id/live` and the `/supervisors`
 * gateway: waiting callers and the longest wait (from {@link RingRounds}), members by agent state
 * ({@link AgentStateService}), today's answered / abandoned / overflowed / callback counts, service
 * level and ASA ({@link QueueDayStats}), and why nobody is offered a waiting call ({@link stallOf},
 * with {@link AgentReachability}).
 *
 * Today's figures: at start, read from the ACD's queue events in `call_events` (`queue.connected`,
 * `queue.abandoned`, `queue.overflow` with their `waitS`, `queue.callback-requested`), then from
 * the `calls` table for calls without them (agent answered; ABANDONED; NO_ANSWER); afterwards
 * counted from the call bus (`queue.event`, `call.answered`, `call.ended`). Each call counts once
 * per queue, whichever source reports it first. "Today" is since local midnight of the server's
 * time zone (`TZ`). Waits run from queue entry to the answer, hangup or overflow; a call whose
 * entry time is not known (a table row with `calls.queuedAt` unset) counts from its offer.
 *
 * Changes are announced unthrottled to {@link onChange} listeners (the gateway throttles): every
 * bus event naming a queue, agent state changes of members and ends of their offer pauses, configuration changes
 * ({@link configChanged}), and a scan of the waiting entries every {@link QUEUE_LIVE_SCAN_MS}.
 */
@Injectable()
export class QueueLiveStateService implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('acd-live');
  private readonly stats = new Map<string, QueueDayStats>();
  /** Calls seen waiting: call id → queue and entry time (the entry is gone by `call.ended`). */
  private readonly seen = new Map<string, { queueId: string; enqueuedAt: number }>();
  /** Per queue, the last scanned waiting entries (`callId:state,…`). */
  private readonly lastScan = new Map<string, string>();
  private readonly listeners = new Set<QueueChangeListener>();
  private readonly queueCache = new TtlCache<'all', QueueEntity[]>();
  private readonly memberCache = new TtlCache<'all', Memberships>();
  private readonly subs: Subscription[] = [];
  private scanTimer?: NodeJS.Timeout;
  private unsubscribeAgents?: () => void;
  private unsubscribeOfferable?: () => void;

  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(QueueMemberEntity) private readonly members: Repository<QueueMemberEntity>,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(CallEventEntity) private readonly callEvents: Repository<CallEventEntity>,
    private readonly rounds: RingRounds,
    private readonly agents: AgentStateService,
    private readonly reachability: AgentReachability,
    private readonly bus: CallEventsBus,
  ) {}

  async onModuleInit(): Promise<void> {
    this.subs.push(
      this.bus.on('call.routed', (e) => e.target?.type === 'queue' && this.changed(e.target.id)),
      this.bus.on('agent.offered', (e) => this.changed(e.queueId)),
      this.bus.on('call.answered', (e) => this.onAnswered(e)),
      this.bus.on('call.ended', (e) => this.onEnded(e)),
      this.bus.on('leg.event', (e) => this.onLegEvent(e.call.id)),
      this.bus.on('queue.event', (e) => this.onQueueEvent(e)),
    );
    this.unsubscribeAgents = this.agents.onChange((s) => void this.onAgentChange(s.agentId));
    // An offer pause ended: the reason nobody was offered may be gone.
    this.unsubscribeOfferable = this.agents.onOfferable((agentId) => void this.onAgentChange(agentId));
    this.scanTimer = setInterval(() => this.scan(), QUEUE_LIVE_SCAN_MS);
    this.scanTimer.unref?.();
    await this.loadToday();
  }

  onModuleDestroy(): void {
    this.subs.forEach((s) => s.unsubscribe());
    this.unsubscribeAgents?.();
    this.unsubscribeOfferable?.();
    clearInterval(this.scanTimer);
    this.listeners.clear();
  }

  /** Subscribe to queue changes (every change, unthrottled: throttle at the edge). Returns unsubscribe. */
  onChange(listener: QueueChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * One queue's live state. Queue and member rows are reused for CONFIG_CACHE_TTL_MS (pushes);
   * `fresh` reads them again first (REST: a member added a moment ago shows).
   * @throws QueueNotFoundError (HTTP 404)
   */
  async snapshot(queueId: string, options: { fresh?: boolean } = {}): Promise<QueueLiveStateView> {
    if (options.fresh) this.invalidate();
    const queue = (await this.allQueues()).find((q) => q.id === queueId) ?? (await this.queues.findOneBy({ id: queueId }));
    if (!queue) throw new QueueNotFoundError(queueId);
    return this.view(queue, (await this.allMembers()).byQueue.get(queueId) ?? []);
  }

  /**
   * A queue's configuration or membership changed (REST): forget the cached rows and tell the
   * listeners, so supervisors see it without waiting for a call. No id: every queue.
   */
  configChanged(queueId?: string): void {
    this.invalidate();
    if (queueId) return this.changed(queueId);
    void this.allQueues()
      .then((queues) => queues.forEach((q) => this.changed(q.id)))
      .catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'queues not read after a configuration change'));
  }

  /** Every queue's live state, by name (`fresh`: see {@link snapshot}). */
  async snapshots(options: { fresh?: boolean } = {}): Promise<QueueLiveStateView[]> {
    if (options.fresh) this.invalidate();
    const [queues, members] = await Promise.all([this.allQueues(), this.allMembers()]);
    return [...queues].sort((a, b) => a.name.localeCompare(b.name)).map((q) => this.view(q, members.byQueue.get(q.id) ?? []));
  }

  private view(queue: QueueEntity, members: LiveMember[]): QueueLiveStateView {
    const now = Date.now();
    const entries = this.rounds.entriesOf(queue.id);
    for (const e of entries) if (WAITING_ENTRY_STATES.has(e.state)) this.remember(e);
    const { waiting, ringing, longestWaitS, longestWaitSinceMs, head } = summarizeWaiting(entries, now);
    const live = members.map((m) => ({ ...m, state: this.agents.peek(m.agentId)?.state ?? m.state }));
    const agents = Object.fromEntries(AGENT_STATES.map((s) => [s, 0])) as Record<AgentState, number>;
    for (const m of live) agents[m.state]++;
    const stalled =
      head && ringing === 0
        ? stallOf({
            members: live,
            requiredSkills: queue.requiredSkills ?? [],
            tierWaitS: queue.tierWaitS,
            head: { nodeId: head.call.nodeId, waitedMs: now - head.enqueuedAt.getTime() },
            retryPause: head.retryTimer !== undefined,
            endpointState: (nodeId, endpoint) => this.reachability.state(nodeId, endpoint),
            backedOff: (agentId) => this.reachability.backedOff(agentId),
            pausedUntil: (agentId) => this.agents.offerableAt(agentId),
            now,
          })
        : undefined;
    return {
      queueId: queue.id,
      name: queue.name,
      waiting,
      ringing,
      longestWaitS,
      longestWaitSince: longestWaitSinceMs === undefined ? null : new Date(longestWaitSinceMs).toISOString(),
      members: members.length,
      agents,
      today: this.dayStats(queue.id, now).view(queue.serviceLevelS, now),
      stalled: stalled ?? null,
      at: new Date(now).toISOString(),
    };
  }

  private onAnswered(e: CallDomainEventMap['call.answered']): void {
    const entry = this.rounds.entry(e.callId);
    const known = entry ? this.remember(entry) : this.seen.get(e.callId);
    if (!known) return this.log.debug({ callId: e.callId }, 'answered call of no queue this process knows');
    const now = Date.now();
    this.dayStats(known.queueId, now).answered(e.callId, now - known.enqueuedAt, now, now);
    this.changed(known.queueId);
  }

  private onEnded(e: CallDomainEventMap['call.ended']): void {
    const known = this.seen.get(e.call.id);
    this.seen.delete(e.call.id);
    const queueId = e.target?.type === 'queue' ? e.target.id : known?.queueId;
    if (!queueId) return;
    const from = known?.queueId === queueId ? known.enqueuedAt : e.call.offeredAt.getTime();
    const [waitMs, at, now] = [e.endedAt.getTime() - from, e.endedAt.getTime(), Date.now()];
    if (e.disposition === 'ABANDONED') this.dayStats(queueId, now).abandoned(e.call.id, waitMs, at, now);
    else if (e.disposition === 'NO_ANSWER') this.dayStats(queueId, now).overflowed(e.call.id, waitMs, at, now);
    this.changed(queueId);
  }

  /** The ACD's queue events (QueueEvents): the entry time, and the outcomes with the ACD's own waits. */
  private onQueueEvent(e: CallDomainEventMap['queue.event']): void {
    if (e.type === 'queue.entered') {
      const queuedAt = typeof e.data.queuedAt === 'string' ? Date.parse(e.data.queuedAt) : NaN;
      this.seen.set(e.callId, { queueId: e.queueId, enqueuedAt: Number.isNaN(queuedAt) ? e.at.getTime() : queuedAt });
    } else this.countOutcome(e.queueId, e.callId, e.type, e.data, e.at.getTime(), Date.now());
    this.changed(e.queueId);
  }

  /** Counts a `queue.connected` / `abandoned` / `overflow` / `callback-requested` event (others: no-op). */
  private countOutcome(queueId: string, callId: string, type: string, data: Record<string, unknown> | null, at: number, now: number): void {
    const waitMs = typeof data?.waitS === 'number' ? data.waitS * 1000 : undefined;
    const stats = this.dayStats(queueId, now);
    if (type === 'queue.callback-requested') stats.callbackRequested(callId, at, now);
    if (waitMs === undefined) return;
    if (type === 'queue.connected') stats.answered(callId, waitMs, at, now);
    else if (type === 'queue.abandoned') stats.abandoned(callId, waitMs, at, now);
    else if (type === 'queue.overflow') stats.overflowed(callId, waitMs, at, now);
  }

  private onLegEvent(callId: string): void {
    const entry = this.rounds.entry(callId);
    if (entry) this.changed(this.remember(entry).queueId);
  }

  private async onAgentChange(agentId: string): Promise<void> {
    try {
      for (const queueId of (await this.allMembers()).queuesOf.get(agentId) ?? []) this.changed(queueId);
    } catch (err) {
      this.log.warn({ agentId, err: errorMessage(err) }, 'queue members not read');
    }
  }

  /** Notices callers that came or went (or changed state) without a bus event naming their queue. */
  private scan(): void {
    void this.allQueues()
      .then((queues) => {
        for (const q of queues) {
          const sig = this.rounds
            .entriesOf(q.id)
            .filter((e) => WAITING_ENTRY_STATES.has(e.state))
            .map((e) => `${this.remember(e).enqueuedAt}:${e.call.id}:${e.state}`)
            .join(',');
          if ((this.lastScan.get(q.id) ?? '') === sig) continue;
          if (sig) this.lastScan.set(q.id, sig);
          else this.lastScan.delete(q.id);
          this.changed(q.id);
        }
        // A call this process saw waiting whose end it never heard of (stopped mid-call): forget it after a day.
        const dayAgo = Date.now() - 86_400_000;
        for (const [callId, s] of this.seen) if (s.enqueuedAt < dayAgo) this.seen.delete(callId);
      })
      .catch((err: unknown) => this.log.warn({ err: errorMessage(err) }, 'queues not read for the live scan'));
  }

  private remember(entry: QueueEntry): { queueId: string; enqueuedAt: number } {
    let known = this.seen.get(entry.call.id);
    if (!known || known.queueId !== entry.queue.id) {
      known = { queueId: entry.queue.id, enqueuedAt: entry.enqueuedAt.getTime() };
      this.seen.set(entry.call.id, known);
    }
    return known;
  }

  private changed(queueId: string): void {
    for (const l of this.listeners) {
      try {
        l(queueId);
      } catch (err) {
        this.log.error({ queueId, err: errorMessage(err) }, 'queue change listener failed');
      }
    }
  }

  private dayStats(queueId: string, now: number): QueueDayStats {
    let s = this.stats.get(queueId);
    if (!s) this.stats.set(queueId, (s = new QueueDayStats(now)));
    return s;
  }

  /**
   * Today's queue outcomes this process did not see: the ACD's queue events first (`call_events`,
   * with its waits; overflows out of a queue and callback requests only show there), then the
   * `calls` table for calls without them (answered, ABANDONED, NO_ANSWER). A call counts once per queue.
   */
  private async loadToday(): Promise<void> {
    const now = Date.now();
    const since = new Date(startOfLocalDay(now));
    try {
      const events = await this.callEvents.find({
        select: { callId: true, type: true, data: true, at: true },
        where: { type: In(['queue.connected', 'queue.abandoned', 'queue.overflow', 'queue.callback-requested']), at: MoreThanOrEqual(since) },
        order: { id: 'ASC' },
      });
      for (const e of events) {
        if (typeof e.data?.queueId === 'string') this.countOutcome(e.data.queueId, e.callId, e.type, e.data, e.at.getTime(), now);
      }
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, "today's queue events not read");
    }
    const select = { id: true, queueId: true, offeredAt: true, queuedAt: true, answeredAt: true, endedAt: true } as const;
    try {
      const [answered, abandoned, noAnswer] = await Promise.all([
        this.calls.find({ select, where: { queueId: Not(IsNull()), agentId: Not(IsNull()), answeredAt: MoreThanOrEqual(since) } }),
        this.calls.find({ select, where: { queueId: Not(IsNull()), disposition: 'ABANDONED', endedAt: MoreThanOrEqual(since) } }),
        this.calls.find({ select, where: { queueId: Not(IsNull()), disposition: 'NO_ANSWER', endedAt: MoreThanOrEqual(since) } }),
      ]);
      const from = (c: CallEntity): number => (c.queuedAt ?? c.offeredAt).getTime();
      for (const c of answered) this.dayStats(c.queueId!, now).answered(c.id, c.answeredAt!.getTime() - from(c), c.answeredAt!.getTime(), now);
      for (const c of abandoned) this.dayStats(c.queueId!, now).abandoned(c.id, c.endedAt!.getTime() - from(c), c.endedAt!.getTime(), now);
      for (const c of noAnswer) this.dayStats(c.queueId!, now).overflowed(c.id, c.endedAt!.getTime() - from(c), c.endedAt!.getTime(), now);
    } catch (err) {
      // Live state still works; today's figures start from this process's start.
      this.log.error({ err: errorMessage(err) }, "today's queue calls not read");
    }
  }

  private invalidate(): void {
    this.queueCache.invalidate();
    this.memberCache.invalidate();
  }

  private allQueues(): Promise<QueueEntity[]> {
    return this.queueCache.get('all', () => this.queues.find());
  }

  /** Members of every queue with their agents, by queue id and agent id (one query per CONFIG_CACHE_TTL_MS of @callplane/calls). */
  private allMembers(): Promise<Memberships> {
    return this.memberCache.get('all', async () => {
      const rows = await this.members.find({ relations: { agent: true } });
      const m: Memberships = { byQueue: new Map(), queuesOf: new Map() };
      for (const r of rows) {
        if (!r.agent) continue;
        const list = m.byQueue.get(r.queueId) ?? [];
        list.push({ agentId: r.agentId, name: r.agent.name, endpoint: r.agent.endpoint, pbxNodeId: r.agent.pbxNodeId, tier: r.tier ?? 1, skills: r.agent.skills ?? {}, state: r.agent.state });
        m.byQueue.set(r.queueId, list);
        m.queuesOf.set(r.agentId, [...(m.queuesOf.get(r.agentId) ?? []), r.queueId]);
      }
      return m;
    });
  }
}
