import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Between, FindOptionsWhere, LessThanOrEqual, MoreThanOrEqual, Repository } from 'typeorm';
import { createLogger, errorMessage } from '@callplane/core';
import { AgentStateLogEntity } from '@callplane/persistence';
import type { AgentState } from '@callplane/contracts';
import { FastSql } from '@callplane/calls';

/** One transition as appended to `agent_state_log`. */
export interface AgentStateLogRow {
  agentId: string;
  at: Date;
  fromState: AgentState;
  toState: AgentState;
  /** `away` reason when `toState` is `away`, else null. */
  reason: string | null;
  /** Table trigger (`ring`, `answer`, `no-answer`, `restart`, …), or `agent` / `supervisor` for a person's change. */
  trigger: string;
  /** The user who made the change; null for the ACD itself. */
  byUserId: string | null;
}

/** Log rows are written at most this often, ms (a batch per flush). */
export const AGENT_STATE_LOG_FLUSH_MS = 200;
/** Rows per multi-row INSERT (the event loop gets a turn between statements: SQLite writes are synchronous). */
export const AGENT_STATE_LOG_BATCH = 200;
/** Largest `limit` of {@link AgentStateLogWriter.query}. */
export const AGENT_STATE_LOG_MAX_LIMIT = 1000;

/**
 * Appends agent state transitions to `agent_state_log` write-behind: {@link append} only queues
 * the row (never blocks the caller), a timer writes what is queued every
 * {@link AGENT_STATE_LOG_FLUSH_MS} in multi-row inserts of {@link AGENT_STATE_LOG_BATCH}, and the
 * queue is flushed at shutdown. A failed batch is logged and dropped (the agents' states do not
 * depend on it).
 */
@Injectable()
export class AgentStateLogWriter implements OnModuleDestroy {
  private readonly log = createLogger('agent-state-log');
  private readonly sql: FastSql<AgentStateLogEntity>;
  private pending: AgentStateLogRow[] = [];
  private timer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();

  constructor(@InjectRepository(AgentStateLogEntity) private readonly rows: Repository<AgentStateLogEntity>) {
    this.sql = new FastSql(rows);
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** Queues one row for the next flush. */
  append(row: AgentStateLogRow): void {
    this.pending.push(row);
    if (this.timer) return;
    this.timer = setTimeout(() => void this.flush(), AGENT_STATE_LOG_FLUSH_MS);
    this.timer.unref?.();
  }

  /** Writes every queued row (in order, after any flush already running). Never rejects. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.flushing = this.flushing.then(async () => {
      const batch = this.pending;
      this.pending = [];
      for (let i = 0; i < batch.length; i += AGENT_STATE_LOG_BATCH) {
        if (i > 0) await new Promise((r) => setImmediate(r));
        const chunk = batch.slice(i, i + AGENT_STATE_LOG_BATCH);
        try {
          await this.sql.insert(chunk);
        } catch (err) {
          this.log.error({ rows: chunk.length, err: errorMessage(err) }, 'agent state log write failed');
        }
      }
    });
    return this.flushing;
  }

  /**
   * An agent's transitions, newest first, within [`from`, `to`] (inclusive; either open), at most
   * `limit` (1…{@link AGENT_STATE_LOG_MAX_LIMIT}, clamped). Rows still queued are written first.
   */
  async query(agentId: string, range: { from?: Date; to?: Date; limit: number }): Promise<AgentStateLogEntity[]> {
    await this.flush();
    const where: FindOptionsWhere<AgentStateLogEntity> = { agentId };
    if (range.from && range.to) where.at = Between(range.from, range.to);
    else if (range.from) where.at = MoreThanOrEqual(range.from);
    else if (range.to) where.at = LessThanOrEqual(range.to);
    const take = Math.min(AGENT_STATE_LOG_MAX_LIMIT, Math.max(1, Math.floor(range.limit)));
    return this.rows.find({ where, order: { at: 'DESC', id: 'DESC' }, take });
  }
}
