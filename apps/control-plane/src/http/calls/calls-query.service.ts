import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ForbiddenError, NotFoundError } from '@callplane/core';
import type { CallDetailView, CallView, Page, Principal } from '@callplane/contracts';
import { CallEntity, CallEventEntity, CallLegEntity } from '@callplane/persistence';
import { CallsQueryDto } from './calls-query.dto';
import { toCallEventView, toCallLegView, toCallView } from './call.mapper';

const DEFAULT_PAGE_SIZE = 50;

/** Escapes LIKE wildcards; used with `ESCAPE '!'` (same syntax on SQLite and MySQL). */
const likeEscape = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);

/**
 * Reads call records for the REST API (the call engine writes them). Agents see only the
 * calls they took; supervisors and admins see all.
 */
@Injectable()
export class CallsQueryService {
  constructor(
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    @InjectRepository(CallLegEntity) private readonly legs: Repository<CallLegEntity>,
    @InjectRepository(CallEventEntity) private readonly events: Repository<CallEventEntity>,
  ) {}

  /** Newest first (offeredAt desc). */
  async list(query: CallsQueryDto, principal: Principal): Promise<Page<CallView>> {
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? DEFAULT_PAGE_SIZE;
    const qb = this.calls.createQueryBuilder('c');
    if (query.from) qb.andWhere('c.offeredAt >= :from', { from: new Date(query.from) });
    if (query.to) qb.andWhere('c.offeredAt < :to', { to: new Date(query.to) });
    if (query.queueId) qb.andWhere('c.queueId = :queueId', { queueId: query.queueId });
    if (query.disposition) qb.andWhere('c.disposition = :disposition', { disposition: query.disposition });
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.callerNumber) qb.andWhere("c.callerNumber LIKE :caller ESCAPE '!'", { caller: `%${likeEscape(query.callerNumber)}%` });
    const agentId = principal.role === 'agent' ? (principal.agentId ?? null) : query.agentId;
    if (agentId === null) return { items: [], total: 0, page, pageSize };
    if (agentId) qb.andWhere('c.agentId = :agentId', { agentId });
    const [rows, total] = await qb
      .orderBy('c.offeredAt', 'DESC')
      .addOrderBy('c.id', 'ASC')
      .skip((page - 1) * pageSize)
      .take(pageSize)
      .getManyAndCount();
    return { items: rows.map(toCallView), total, page, pageSize };
  }

  /** The call with legs (by creation) and events (by time, then insertion). @throws NotFoundError, ForbiddenError (an agent asking for another agent's call) */
  async get(id: string, principal: Principal): Promise<CallDetailView> {
    const call = await this.calls.findOne({ where: { id } });
    if (!call) throw new NotFoundError('Call', id);
    if (principal.role === 'agent' && (!principal.agentId || call.agentId !== principal.agentId)) {
      throw new ForbiddenError('Agents may only read their own calls');
    }
    const [legs, events] = await Promise.all([
      this.legs.find({ where: { callId: id }, order: { createdAt: 'ASC', id: 'ASC' } }),
      this.events.find({ where: { callId: id }, order: { at: 'ASC', id: 'ASC' } }),
    ]);
    return { ...toCallView(call), legs: legs.map(toCallLegView), events: events.map(toCallEventView) };
  }
}
