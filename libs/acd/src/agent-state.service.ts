import { Inject, Injectable, OnModuleDestroy, OnModuleInit, Optional } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { APP_CONFIG, AppConfig, ValidationError, createLogger, errorMessage } from '@callplane/core';
import { AgentEntity, CallEntity } from '@callplane/persistence';
import { AWAY_REASONS, type AgentState } from '@callplane/contracts';
import { CallEventsBus, FastSql } from '@callplane/calls';
import { AgentNotFoundError, AgentStateIllegalError } from './acd.errors';
import { AgentStateTrigger, canTransition } from './agent-state.table';
import { AgentStateLogWriter } from './agent-state-log.writer';
import { AgentOfferPauses } from './agent-offer-pauses';
import { AgentOfferMiss, AgentOfferSettings, AgentRowFacts, AgentStateChange, AgentStateListener, AgentStatus, DEFAULT_AWAY_REASON, settingsOf } from './agent-status';

/** Agent state changes are written to the database at most this often (the newest state wins), ms. */
export const AGENT_STATE_FLUSH_MS = 100;

export type { AgentStatus, AgentOfferSettings, AgentStateChange, AgentOfferMiss, AgentStateListener, AgentRowFacts } from './agent-status';
export { DEFAULT_AWAY_REASON } from './agent-status';

/**
 * The agent state machine (see {@link AGENT_STATE_TABLE}). This process's memory is the
 * authority (claims such as available → ringing are synchronous, so two calls never ring one
 * agent); every change is published at once as `agent.state` on the call bus (with reason and
 * trigger), appended to `agent_state_log` ({@link AgentStateLogWriter}) and persisted
 * write-behind within {@link AGENT_STATE_FLUSH_MS} (`state`, `stateChangedAt`, `awayReason`,
 * `lastCallEndedAt`, `noAnswerCount`, `callsAnswered`, `talkTimeS`). Change agent states only here.
 *
 * Offers (mod_callcenter semantics): {@link offerMissed} pauses the agent's next offer and counts
 * misses to `maxNoAnswer` (then `away`, reason `no-answer`); {@link onOfferable} tells when a
 * pause ends. Away reasons: {@link AWAY_REASONS} plus `ACD_AWAY_REASONS`.
 *
 * At boot (reconciliation, logged with trigger `restart`): `ringing` → `available`; `on-call`
 * without an active call row of the agent → `available` (with one, the calls resync decides:
 * adopted → stays on-call, finished → wrap-up by the ACD); `wrap-up` → `available` at once, or
 * after the rest of the agent's own `wrapUpS` when it has one; `away` (with reason), `dnd`,
 * `offline` are kept.
 */
@Injectable()
export class AgentStateService implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('agent-state');
  private readonly states = new Map<string, AgentStatus>();
  private readonly settings = new Map<string, AgentOfferSettings>();
  private readonly dirty = new Map<string, AgentStatus>();
  /** Ids of agents in state `available` (kept with every change, so dispatch never scans all members). */
  private readonly available = new Set<string>();
  private readonly sql: FastSql<AgentEntity>;
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly wrapUps = new Map<string, NodeJS.Timeout>();
  private readonly hydrating = new Map<string, Promise<void>>();
  private readonly listeners = new Set<AgentStateListener>();
  private readonly offerableListeners = new Set<(agentId: string) => void>();
  private readonly pauses = new AgentOfferPauses((id) => this.pauseEnded(id));
  private readonly reasons: ReadonlySet<string>;

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly bus: CallEventsBus,
    private readonly stateLog: AgentStateLogWriter,
    @Optional() @Inject(APP_CONFIG) config?: Pick<AppConfig, 'ACD_AWAY_REASONS'>,
  ) {
    this.sql = new FastSql(agents);
    this.reasons = new Set([...AWAY_REASONS, ...(config?.ACD_AWAY_REASONS ?? [])]);
  }

  async onModuleInit(): Promise<void> {
    const rows = await this.agents.find();
    const onCall = rows.filter((r) => r.state === 'on-call').map((r) => r.id);
    const busy = new Set(
      onCall.length === 0 ? [] : (await this.calls.find({ select: { agentId: true }, where: { status: 'active', agentId: In(onCall) } })).map((c) => c.agentId),
    );
    const now = Date.now();
    for (const row of rows) {
      const s = this.cache(row);
      const ownWrapUpMs = row.wrapUpS === null ? 0 : row.stateChangedAt.getTime() + row.wrapUpS * 1000 - now;
      const stale = s.state === 'ringing' || (s.state === 'on-call' && !busy.has(row.id)) || (s.state === 'wrap-up' && ownWrapUpMs <= 0);
      if (stale) {
        this.log.info({ agentId: row.id, from: s.state }, 'agent state left over from a previous run; now available');
        this.apply(s, { ...s, state: 'available', at: new Date(), reason: null }, 'restart', {});
      } else if (s.state === 'wrap-up') this.armWrapUp(row.id, ownWrapUpMs);
    }
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.wrapUps.values()) clearTimeout(t);
    this.wrapUps.clear();
    this.pauses.clearAll();
    await Promise.allSettled(this.hydrating.values());
    await this.flush();
    await this.stateLog.flush();
  }

  /** Called on every state change (see {@link AgentStateListener}). Returns unsubscribe. */
  onChange(listener: AgentStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Called when an agent becomes offerable — available with no offer pause running — other than by
   * `ring-ended` (whoever ended the ring dispatches itself): it made itself available, its wrap-up
   * ended, its other call ended, or its pause after a missed offer ran out while available.
   * Waiting calls should be dispatched. Returns unsubscribe.
   */
  onOfferable(listener: (agentId: string) => void): () => void {
    this.offerableListeners.add(listener);
    return () => this.offerableListeners.delete(listener);
  }

  /** Cached status, if this process has seen the agent. */
  peek(agentId: string): AgentStatus | undefined {
    return this.states.get(agentId);
  }

  /** Agents this process knows to be `available` right now (O(available)). */
  availableIds(): IterableIterator<string> {
    return this.available.values();
  }

  /** Away reason codes accepted: {@link AWAY_REASONS} plus `ACD_AWAY_REASONS` (`no-answer` is the ACD's own). */
  awayReasons(): string[] {
    return [...this.reasons];
  }

  /** Caches rows read elsewhere (queue members) unless already known; returns the statuses. */
  prime(rows: AgentRowFacts[]): AgentStatus[] {
    return rows.map((r) => this.states.get(r.id) ?? this.cache(r));
  }

  /** @throws AgentNotFoundError */
  async get(agentId: string): Promise<AgentStatus> {
    const cached = this.states.get(agentId);
    if (cached) return cached;
    const row = await this.agents.findOneBy({ id: agentId });
    if (!row) throw new AgentNotFoundError(agentId);
    return this.prime([row])[0];
  }

  /**
   * Re-reads the agent's settings, skills and counters from its row (after an admin changed them);
   * the state in memory stays the authority. A deleted agent is forgotten.
   */
  async reload(agentId: string): Promise<AgentStatus | undefined> {
    const row = await this.agents.findOneBy({ id: agentId });
    if (!row) {
      this.forget(agentId);
      return undefined;
    }
    const known = this.states.get(agentId);
    if (!known) return this.cache(row);
    this.settings.set(agentId, settingsOf(row));
    const next = { ...known, skills: row.skills ?? {}, callsAnswered: known.callsAnswered ?? row.callsAnswered, talkTimeS: known.talkTimeS ?? row.talkTimeS };
    this.states.set(agentId, next);
    return next;
  }

  /** Drops a deleted agent from memory (timers, availability). */
  forget(agentId: string): void {
    this.states.delete(agentId);
    this.settings.delete(agentId);
    this.available.delete(agentId);
    this.dirty.delete(agentId);
    this.pauses.clear(agentId);
    clearTimeout(this.wrapUps.get(agentId));
    this.wrapUps.delete(agentId);
  }

  /**
   * Change state (REST / Socket.IO, or the ACD with another trigger). The same state again is a
   * no-op, except `away` with another reason (the reason changes, logged away → away). `away`
   * without a reason gets {@link DEFAULT_AWAY_REASON}; the agent making itself available resets its
   * missed-offer count and pause.
   * @throws AgentNotFoundError (404), AgentStateIllegalError (409, details.state = current state),
   *   ValidationError (400, field `reason`: unknown code, `no-answer` by a person, or a reason with a state other than away)
   */
  async set(agentId: string, to: AgentState, trigger: AgentStateTrigger = 'agent', change: AgentStateChange = {}): Promise<AgentStatus> {
    const reason = this.reasonFor(to, trigger, change.reason);
    const current = await this.get(agentId);
    if (current.state === to && current.reason === reason) return current;
    if (current.state !== to && !canTransition(current.state, to, trigger)) throw new AgentStateIllegalError(agentId, current.state, to);
    return this.apply(current, { ...current, state: to, at: new Date(), reason }, trigger, change);
  }

  /** Synchronous claim for an agent already cached (e.g. available → ringing). @returns false when illegal now */
  tryTransition(agentId: string, to: AgentState, trigger: AgentStateTrigger, change: AgentStateChange = {}): boolean {
    const current = this.states.get(agentId);
    if (!current || !canTransition(current.state, to, trigger)) return false;
    const reason = to === 'away' ? (trigger === 'no-answer' ? 'no-answer' : (change.reason ?? DEFAULT_AWAY_REASON)) : null;
    this.apply(current, { ...current, state: to, at: new Date(), reason }, trigger, change);
    return true;
  }

  /**
   * on-call → wrap-up now (lastCallEndedAt = now), → available (`wrap-up-done`) after the agent's
   * own `wrapUpS` when set, else `queueWrapUpS` (s; 0 = at once). The agent may end it early (`agent`).
   */
  startWrapUp(agentId: string, queueWrapUpS: number): void {
    const now = new Date();
    const current = this.states.get(agentId);
    if (!current || !canTransition(current.state, 'wrap-up', 'call-ended')) return;
    this.apply(current, { ...current, state: 'wrap-up', at: now, reason: null, lastCallEndedAt: now }, 'call-ended', {});
    this.armWrapUp(agentId, Math.max(0, this.settings.get(agentId)?.wrapUpS ?? queueWrapUpS) * 1000);
  }

  /**
   * An offer the agent did not take (its leg ended unanswered and was not cancelled by callplane).
   * Pauses its next offer by its `noAnswerDelayS` (`no-answer`, `failed`), `rejectDelayS` or
   * `busyDelayS` from `at`; counts `no-answer`, `rejected` and `failed` towards `maxNoAnswer`
   * (`busy` does not: the phone was on another call, mod_callcenter counts only unanswered
   * offers). The `maxNoAnswer`-th miss in a row (when > 0) sets the agent `away`, reason
   * `no-answer` (trigger `no-answer`, from ringing or available), which the agent's socket is told.
   */
  offerMissed(agentId: string, kind: AgentOfferMiss, at: Date = new Date()): void {
    const cfg = this.settings.get(agentId);
    const s = this.states.get(agentId);
    if (!cfg || !s) return void this.hydrate(agentId).then(() => this.settings.has(agentId) && this.offerMissed(agentId, kind, at));
    const delayS = kind === 'rejected' ? cfg.rejectDelayS : kind === 'busy' ? cfg.busyDelayS : cfg.noAnswerDelayS;
    this.pauses.pause(agentId, at.getTime() + Math.max(0, delayS) * 1000);
    if (kind === 'busy') return;
    const counted = { ...s, noAnswerCount: s.noAnswerCount + 1 };
    this.replace(counted);
    if (cfg.maxNoAnswer > 0 && counted.noAnswerCount >= cfg.maxNoAnswer && canTransition(counted.state, 'away', 'no-answer')) {
      this.log.info({ agentId, missed: counted.noAnswerCount }, 'agent missed maxNoAnswer offers in a row: away (no-answer)');
      this.apply(counted, { ...counted, state: 'away', at: new Date(), reason: 'no-answer' }, 'no-answer', {});
    }
  }

  /** The agent answered an offer: its missed-offer count is reset. */
  offerAnswered(agentId: string): void {
    const s = this.states.get(agentId);
    this.pauses.clear(agentId);
    if (s && s.noAnswerCount !== 0) this.replace({ ...s, noAnswerCount: 0 });
  }

  /** ms since the epoch before which the agent must not be offered (0 = now). */
  offerableAt(agentId: string): number {
    return this.pauses.offerableAt(agentId);
  }

  /** A queue call the agent answered ended after `talkS` s of talk: callsAnswered += 1, talkTimeS += talkS. */
  callHandled(agentId: string, talkS: number): void {
    const s = this.states.get(agentId);
    if (!s || s.callsAnswered === undefined || s.talkTimeS === undefined) {
      return void this.hydrate(agentId).then(() => this.states.get(agentId)?.callsAnswered !== undefined && this.callHandled(agentId, talkS));
    }
    this.replace({ ...s, callsAnswered: s.callsAnswered + 1, talkTimeS: s.talkTimeS + Math.max(0, Number.isFinite(talkS) ? talkS : 0) });
  }

  /**
   * Writes the newest state of every changed agent (in order; a failed write is logged, memory
   * stays the authority). Runs on its own every {@link AGENT_STATE_FLUSH_MS}; awaited at shutdown and by tests.
   */
  flush(): Promise<void> {
    clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    this.flushing = this.flushing.then(async () => {
      const batch = [...this.dirty.values()];
      this.dirty.clear();
      for (const [i, s] of batch.entries()) {
        // Yield to the event loop now and then: embedded SQLite writes block it.
        if (i > 0 && i % 20 === 0) await new Promise((r) => setImmediate(r));
        try {
          await this.sql.update(
            { state: s.state, stateChangedAt: s.at, awayReason: s.reason, lastCallEndedAt: s.lastCallEndedAt, noAnswerCount: s.noAnswerCount, callsAnswered: s.callsAnswered, talkTimeS: s.talkTimeS },
            { id: s.agentId },
          );
        } catch (err) {
          this.log.error({ agentId: s.agentId, err: errorMessage(err) }, 'agent state write failed');
        }
      }
    });
    return this.flushing;
  }

  /** Validates and defaults the reason of a change to `to`. */
  private reasonFor(to: AgentState, trigger: AgentStateTrigger, reason: string | null | undefined): string | null {
    if (to !== 'away') {
      if (reason !== undefined && reason !== null) throw new ValidationError('reason', 'is only allowed with state away');
      return null;
    }
    if (trigger === 'no-answer') return 'no-answer';
    const r = reason ?? DEFAULT_AWAY_REASON;
    if (r === 'no-answer') throw new ValidationError('reason', 'no-answer is set by the ACD only (after maxNoAnswer missed offers)');
    if (!this.reasons.has(r)) throw new ValidationError('reason', `must be one of ${[...this.reasons].filter((x) => x !== 'no-answer').join(', ')}`);
    return r;
  }

  /** Applies a transition: memory, timers, persistence, log, bus, listeners. */
  private apply(current: AgentStatus, next: AgentStatus, trigger: AgentStateTrigger, change: AgentStateChange): AgentStatus {
    const id = next.agentId;
    const from = current.state;
    if (next.state === 'available') {
      this.available.add(id);
      if (from !== 'available') next.availableSince = next.at;
      if (trigger === 'agent') {
        next.noAnswerCount = 0;
        this.pauses.clear(id);
      }
    } else {
      this.available.delete(id);
      next.availableSince = null;
    }
    if (next.state !== 'wrap-up') {
      clearTimeout(this.wrapUps.get(id));
      this.wrapUps.delete(id);
    }
    this.replace(next);
    const logTrigger = trigger === 'agent' && change.bySupervisor ? 'supervisor' : trigger;
    this.stateLog.append({ agentId: id, at: next.at, fromState: from, toState: next.state, reason: next.reason, trigger: logTrigger, byUserId: change.byUserId ?? null });
    this.bus.publish('agent.state', { agentId: id, state: next.state, at: next.at, reason: next.reason, trigger });
    for (const l of this.listeners) {
      try {
        l(next, trigger, from);
      } catch (err) {
        this.log.error({ agentId: id, err: errorMessage(err) }, 'agent state listener failed');
      }
    }
    if (next.state === 'available' && trigger !== 'ring-ended' && this.pauses.offerableAt(id) === 0 && this.states.get(id) === next) this.offerable(id);
    return next;
  }

  /** Stores a new snapshot of the agent (no transition) and queues it for the write-behind flush. */
  private replace(s: AgentStatus): void {
    this.states.set(s.agentId, s);
    this.dirty.set(s.agentId, s);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), AGENT_STATE_FLUSH_MS);
    this.flushTimer.unref?.();
  }

  /** Caches a row as read (no transition); a row without the settings columns is completed in the background. */
  private cache(r: AgentRowFacts): AgentStatus {
    const full = r.maxNoAnswer !== undefined;
    const s: AgentStatus = {
      agentId: r.id,
      state: r.state,
      at: r.stateChangedAt,
      reason: r.state === 'away' ? (r.awayReason ?? DEFAULT_AWAY_REASON) : null,
      lastCallEndedAt: r.lastCallEndedAt,
      availableSince: r.state === 'available' ? r.stateChangedAt : null,
      noAnswerCount: r.noAnswerCount ?? 0,
      skills: full ? (r.skills ?? {}) : undefined,
      callsAnswered: full ? r.callsAnswered : undefined,
      talkTimeS: full ? r.talkTimeS : undefined,
    };
    this.states.set(r.id, s);
    if (s.state === 'available') this.available.add(r.id);
    if (full) this.settings.set(r.id, settingsOf(r as AgentEntity));
    else void this.hydrate(r.id);
    return s;
  }

  /** Reads the agent's full row once (concurrent callers share the read). Never rejects. */
  private hydrate(agentId: string): Promise<void> {
    let p = this.hydrating.get(agentId);
    if (!p) {
      p = this.reload(agentId)
        .then(() => undefined)
        .catch((err: unknown) => this.log.error({ agentId, err: errorMessage(err) }, 'agent row read failed'))
        .finally(() => this.hydrating.delete(agentId));
      this.hydrating.set(agentId, p);
    }
    return p;
  }

  private armWrapUp(agentId: string, ms: number): void {
    clearTimeout(this.wrapUps.get(agentId));
    const timer = setTimeout(() => {
      this.wrapUps.delete(agentId);
      this.tryTransition(agentId, 'available', 'wrap-up-done');
    }, Math.max(0, ms));
    timer.unref?.();
    this.wrapUps.set(agentId, timer);
  }

  private pauseEnded(agentId: string): void {
    if (this.states.get(agentId)?.state === 'available') this.offerable(agentId);
  }

  private offerable(agentId: string): void {
    for (const l of this.offerableListeners) {
      try {
        l(agentId);
      } catch (err) {
        this.log.error({ agentId, err: errorMessage(err) }, 'agent offerable listener failed');
      }
    }
  }
}
