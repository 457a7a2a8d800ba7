import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { FastSql, InsertBatcher, Row } from './fast-sql';
import { CallEntity, CallEventEntity, CallLegEntity } from '@callplane/persistence';
import type { CallDisposition, CallLegRole } from '@callplane/contracts';

/** What the PBX told us about a new inbound call. */
export interface NewInboundCall {
  /** Call id to use (uuid); generated when absent. */
  id?: string;
  nodeId: string;
  /** The caller's channel. */
  channelId: string;
  callerNumber: string;
  callerName: string;
  calledNumber: string;
  offeredAt: Date;
}

export interface NewLeg {
  callId: string;
  nodeId: string;
  channelId: string;
  role: CallLegRole;
  endpoint?: string;
  agentId?: string;
}

/** Fields of a call row owners may set while the call runs. */
export type CallPatch = Partial<Pick<CallEntity, 'queueId' | 'queuedAt' | 'queuePriority' | 'queuePosition' | 'agentId' | 'answeredAt' | 'ivrFlowId' | 'ivrFlowVersion' | 'calledName'>>;

export interface CallFinish {
  disposition: CallDisposition;
  /** Q.850 cause (ITU-T Q.850). */
  hangupCause: number;
  endedAt: Date;
  /**
   * Answer time known to the caller (written with the finish; avoids a race with a pending
   * update): the agent's, or the IVR's for a call that ended inside its flow. waitS/talkS are
   * measured from it.
   */
  answeredAt?: Date;
  agentId?: string;
  /**
   * The call's offer time, when the caller holds the live call: then `answeredAt` as given is
   * authoritative (absent = never answered) and the row is not read first.
   */
  offeredAt?: Date;
}

/** True for a unique-key violation on SQLite (better-sqlite3) or MySQL/MariaDB (mysql2). */
export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string }; message?: string };
  const code = e?.driverError?.code ?? e?.code ?? '';
  return code === 'ER_DUP_ENTRY' || code.startsWith('SQLITE_CONSTRAINT_UNIQUE') || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || /UNIQUE constraint failed|Duplicate entry/.test(e?.message ?? '');
}

const seconds = (from: Date, to: Date): number => Math.max(0, (to.getTime() - from.getTime()) / 1000);

/**
 * Every write of call records (`calls`, `call_legs`, `call_events`). Idempotent where the PBX
 * may tell us twice: unique (pbxNodeId, channelId) on calls and legs means a re-offered or
 * adopted channel never makes a second row; {@link finish} runs at most once per call.
 * Hot-path writes go through {@link FastSql}; leg and event inserts of all calls are batched
 * per event-loop turn ({@link InsertBatcher}).
 */
@Injectable()
export class CallRecordsService implements OnModuleDestroy {
  private readonly callSql: FastSql<CallEntity>;
  private readonly legSql: FastSql<CallLegEntity>;
  private readonly legInserts: InsertBatcher<CallLegEntity>;
  private readonly eventInserts: InsertBatcher<CallEventEntity>;

  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(CallLegEntity) private readonly legs: Repository<CallLegEntity>,
    @InjectRepository(CallEventEntity) events: Repository<CallEventEntity>,
  ) {
    this.callSql = new FastSql(calls);
    this.legSql = new FastSql(legs);
    this.legInserts = new InsertBatcher(this.legSql, { ignoreDuplicates: true });
    this.eventInserts = new InsertBatcher(new FastSql(events));
  }

  /**
   * Writes the call row, the caller leg and the `offered` event. When the channel already has
   * a call row (re-offered / adopted) nothing is written and the existing row is returned.
   * @returns the call id and whether a new row was created
   */
  async createInboundCall(input: NewInboundCall): Promise<{ id: string; created: boolean }> {
    const id = input.id ?? randomUUID();
    try {
      await this.callSql.insert([
        {
          id,
          pbxNodeId: input.nodeId,
          channelId: input.channelId,
          direction: 'inbound',
          callerNumber: input.callerNumber.slice(0, 64),
          callerName: input.callerName.slice(0, 128),
          calledNumber: input.calledNumber.slice(0, 64),
          status: 'active',
          offeredAt: input.offeredAt,
        },
      ]);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const existing = await this.calls.findOneByOrFail({ pbxNodeId: input.nodeId, channelId: input.channelId });
      return { id: existing.id, created: false };
    }
    await Promise.all([
      this.addLeg({ callId: id, nodeId: input.nodeId, channelId: input.channelId, role: 'caller' }),
      this.addEvent(id, 'offered', { channelId: input.channelId, calledNumber: input.calledNumber }),
    ]);
    return { id, created: true };
  }

  /** Adds a leg; a leg already recorded for (node, channel) is left as it is. */
  async addLeg(leg: NewLeg): Promise<void> {
    await this.legInserts.add({
      id: randomUUID(),
      callId: leg.callId,
      pbxNodeId: leg.nodeId,
      channelId: leg.channelId,
      role: leg.role,
      endpoint: leg.endpoint ?? null,
      agentId: leg.agentId ?? null,
    });
  }

  /** Marks a leg answered (first time only). */
  async legAnswered(nodeId: string, channelId: string, at: Date): Promise<void> {
    await this.legSql.update({ answeredAt: at }, { pbxNodeId: nodeId, channelId, answeredAt: null });
  }

  /** Changes a leg's role (a consult leg that took the call becomes `transfer`). */
  async setLegRole(nodeId: string, channelId: string, role: CallLegRole): Promise<void> {
    await this.legInserts.flush();
    await this.legSql.update({ role }, { pbxNodeId: nodeId, channelId });
  }

  /** Marks a leg ended with its Q.850 cause (first time only). */
  async legEnded(nodeId: string, channelId: string, endedAt: Date, cause: number): Promise<void> {
    await this.legSql.update({ endedAt, hangupCause: cause }, { pbxNodeId: nodeId, channelId, endedAt: null });
  }

  /** Appends an audit event (`call_events`). `data` is stored as JSON. */
  async addEvent(callId: string, type: string, data?: Record<string, unknown>): Promise<void> {
    await this.eventInserts.add({ callId, at: new Date(), type, data: data ?? null });
  }

  /**
   * The call was answered for service before any agent (an IVR flow took it): sets `answeredAt`
   * unless the row already has one (an agent's answer, or an earlier IVR answer before a restart).
   */
  async callAnswered(callId: string, at: Date): Promise<void> {
    await this.callSql.update({ answeredAt: at }, { id: callId, status: 'active', answeredAt: null });
  }

  /** Sets fields of a call row (queue, agent, IVR flow, …). */
  async update(callId: string, patch: CallPatch): Promise<void> {
    if (Object.keys(patch).length === 0) return;
    await this.callSql.update(patch, { id: callId });
  }

  /**
   * Ends a call exactly once: status `ended`, disposition, cause, endedAt, waitS (offered →
   * answered, or → end when never answered) and talkS (answered → end; 0 when never answered),
   * in seconds with ms resolution, plus an `ended` event. "Answered" is the agent's answer, or the
   * IVR's for a call that ended in its flow (see {@link CallFinish.answeredAt}); without
   * `offeredAt` the row's answer counts only if an agent answered or no queue took the call. A second call is a
   * no-op (the update is conditional on `status = 'active'`).
   * @returns true when this call finished the row
   */
  async finish(callId: string, end: CallFinish): Promise<boolean> {
    let offeredAt = end.offeredAt;
    let answeredAt = end.answeredAt ?? null;
    if (!offeredAt) {
      const row = await this.calls.findOneBy({ id: callId });
      if (!row || row.status !== 'active') return false;
      offeredAt = row.offeredAt;
      // An IVR answer on a row a queue took but no agent answered is not the end of the wait.
      answeredAt = answeredAt ?? (row.agentId || !row.queueId ? row.answeredAt : null) ?? null;
    }
    const patch: Row<CallEntity> = {
      status: 'ended',
      disposition: end.disposition,
      hangupCause: end.hangupCause,
      endedAt: end.endedAt,
      waitS: seconds(offeredAt, answeredAt ?? end.endedAt),
      talkS: answeredAt ? seconds(answeredAt, end.endedAt) : 0,
    };
    if (end.answeredAt) patch.answeredAt = end.answeredAt;
    if (end.agentId) patch.agentId = end.agentId;
    if (!(await this.callSql.update(patch, { id: callId, status: 'active' }))) return false;
    await this.addEvent(callId, 'ended', { disposition: end.disposition, cause: end.hangupCause });
    return true;
  }

  /** Active call rows of a node (resync). */
  activeCallsOfNode(nodeId: string): Promise<CallEntity[]> {
    return this.calls.findBy({ pbxNodeId: nodeId, status: 'active' });
  }

  /** Legs of some calls (resync). */
  legsOfCalls(callIds: string[]): Promise<CallLegEntity[]> {
    if (callIds.length === 0) return Promise.resolve([]);
    return this.legs.findBy({ callId: In(callIds) });
  }

  /** Ends every still-open leg of a call (resync of a call that ended while disconnected). */
  async endOpenLegs(callId: string, endedAt: Date, cause: number): Promise<void> {
    await this.legSql.update({ endedAt, hangupCause: cause }, { callId, endedAt: null });
  }

  async onModuleDestroy(): Promise<void> {
    await this.flush();
  }

  /** Writes every queued leg/event insert now (shutdown, tests). */
  async flush(): Promise<void> {
    await Promise.all([this.legInserts.flush(), this.eventInserts.flush()]);
  }
}
