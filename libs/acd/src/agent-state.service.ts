import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { createLogger, errorMessage } from '@callplane/core';
import { AgentEntity } from '@callplane/persistence';
import type { AgentState } from '@callplane/contracts';
import { CallEventsBus, FastSql } from '@callplane/calls';
import { AgentNotFoundError, AgentStateIllegalError } from './acd.errors';
import { AgentStateTrigger, canTransition } from './agent-state.table';

/** An agent's ACD state as the ACD holds it. */
export interface AgentStatus {
  agentId: string;
  state: AgentState;
  /** When `state` was entered. */
  at: Date;
  /** End of the agent's last call (longest-idle). */
  lastCallEndedAt: Date | null;
}

/** Agent state changes are written to the database at most this often (the newest state wins), ms. */
export const AGENT_STATE_FLUSH_MS = 100;

export type AgentStateListener = (status: AgentStatus, trigger: AgentStateTrigger) => void;

/**
 * The agent state machine (see {@link AGENT_STATE_TABLE}). This process's memory is the
 * authority for states it has seen (claims such as available → ringing are synchronous, so two
 * calls never ring one agent); every change is published at once as `agent.state` on the call
 * bus and persisted write-behind within {@link AGENT_STATE_FLUSH_MS} (`agents.state`,
 * `stateChangedAt`, `lastCallEndedAt`; the newest state of each agent). Change
 * agent states only through this service. At boot, states left over from a previous process
 * that cannot be true any more (`ringing`, `wrap-up`) become `available`.
 */
@Injectable()
export class AgentStateService implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('agent-state');
  private readonly states = new Map<string, AgentStatus>();
  private readonly dirty = new Map<string, AgentStatus>();
  /** Ids of agents in state `available` (kept with every change, so dispatch never scans all members). */
  private readonly available = new Set<string>();
  private readonly sql: FastSql<AgentEntity>;
  private flushTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private readonly wrapUps = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Set<AgentStateListener>();

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly bus: CallEventsBus,
  ) {
    this.sql = new FastSql(agents);
  }

  async onModuleInit(): Promise<void> {
    const stale = await this.agents.findBy({ state: In(['ringing', 'wrap-up']) });
    const at = new Date();
    for (const a of stale) {
      this.log.info({ agentId: a.id, from: a.state }, 'agent state left over from a previous run; now available');
      this.apply({ agentId: a.id, state: 'available', at, lastCallEndedAt: a.lastCallEndedAt }, 'wrap-up-done');
    }
  }

  async onModuleDestroy(): Promise<void> {
    for (const t of this.wrapUps.values()) clearTimeout(t);
    this.wrapUps.clear();
    await this.flush();
  }

  /** Called on every state change (after it is applied in memory). Returns unsubscribe. */
  onChange(listener: AgentStateListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Cached status, if this process has seen the agent. */
  peek(agentId: string): AgentStatus | undefined {
    return this.states.get(agentId);
  }

  /** Agents this process knows to be `available` right now. */
  availableIds(): IterableIterator<string> {
    return this.available.values();
  }

  /** Caches rows read elsewhere (queue members) unless already known; returns the statuses. */
  prime(rows: Pick<AgentEntity, 'id' | 'state' | 'stateChangedAt' | 'lastCallEndedAt'>[]): AgentStatus[] {
    return rows.map((r) => {
      let s = this.states.get(r.id);
      if (!s) {
        s = { agentId: r.id, state: r.state, at: r.stateChangedAt, lastCallEndedAt: r.lastCallEndedAt };
        this.states.set(r.id, s);
        if (s.state === 'available') this.available.add(r.id);
      }
      return s;
    });
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
   * Change state; the same state again is a no-op.
   * @throws AgentNotFoundError, AgentStateIllegalError (code `agent-state-illegal`)
   */
  async set(agentId: string, to: AgentState, trigger: AgentStateTrigger = 'agent'): Promise<AgentStatus> {
    const current = await this.get(agentId);
    if (current.state === to) return current;
    if (!canTransition(current.state, to, trigger)) throw new AgentStateIllegalError(agentId, current.state, to);
    return this.apply({ ...current, state: to, at: new Date() }, trigger);
  }

  /** Synchronous claim for an agent already cached (e.g. available → ringing). @returns false when illegal now */
  tryTransition(agentId: string, to: AgentState, trigger: AgentStateTrigger): boolean {
    const current = this.states.get(agentId);
    if (!current || !canTransition(current.state, to, trigger)) return false;
    this.apply({ ...current, state: to, at: new Date() }, trigger);
    return true;
  }

  /** busy → wrap-up now (lastCallEndedAt = now), → available after `wrapUpS` s (0 = at once). */
  startWrapUp(agentId: string, wrapUpS: number): void {
    const now = new Date();
    const current = this.states.get(agentId);
    if (!current || !canTransition(current.state, 'wrap-up', 'call-ended')) return;
    this.apply({ ...current, state: 'wrap-up', at: now, lastCallEndedAt: now }, 'call-ended');
    const timer = setTimeout(() => {
      this.wrapUps.delete(agentId);
      this.tryTransition(agentId, 'available', 'wrap-up-done');
    }, Math.max(0, wrapUpS) * 1000);
    timer.unref?.();
    this.wrapUps.set(agentId, timer);
  }

  private apply(next: AgentStatus, trigger: AgentStateTrigger): AgentStatus {
    this.states.set(next.agentId, next);
    if (next.state === 'available') this.available.add(next.agentId);
    else this.available.delete(next.agentId);
    if (next.state !== 'wrap-up') {
      const t = this.wrapUps.get(next.agentId);
      if (t) clearTimeout(t);
      this.wrapUps.delete(next.agentId);
    }
    this.persist(next);
    this.bus.publish('agent.state', { agentId: next.agentId, state: next.state, at: next.at });
    for (const l of this.listeners) {
      try {
        l(next, trigger);
      } catch (err) {
        this.log.error({ agentId: next.agentId, err: errorMessage(err) }, 'agent state listener failed');
      }
    }
    return next;
  }

  /** Queues the newest state of an agent for the next write-behind flush. */
  private persist(s: AgentStatus): void {
    this.dirty.set(s.agentId, s);
    if (this.flushTimer) return;
    this.flushTimer = setTimeout(() => void this.flush(), AGENT_STATE_FLUSH_MS);
    this.flushTimer.unref?.();
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
          await this.sql.update({ state: s.state, stateChangedAt: s.at, lastCallEndedAt: s.lastCallEndedAt }, { id: s.agentId });
        } catch (err) {
          this.log.error({ agentId: s.agentId, err: errorMessage(err) }, 'agent state write failed');
        }
      }
    });
    return this.flushing;
  }
}
