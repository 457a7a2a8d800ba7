import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ConflictError, DomainError, NotFoundError, ValidationError } from '@callplane/core';
import type { QueueMemberView, QueueView } from '@callplane/contracts';
import { AgentNotFoundError, QueueLiveStateService } from '@callplane/acd';
import { AgentEntity, InboundRouteEntity, IvrFlowEntity, QueueEntity, QueueMemberEntity, UserEntity } from '@callplane/persistence';
import { AddQueueMemberDto, CreateQueueDto, UpdateQueueDto, UpdateQueueMemberDto } from './queue.dto';

export function toQueueView(q: QueueEntity): QueueView {
  return {
    id: q.id,
    name: q.name,
    strategy: q.strategy,
    ringTimeoutS: q.ringTimeoutS,
    maxWaitS: q.maxWaitS,
    wrapUpS: q.wrapUpS,
    greetingPrompt: q.greetingPrompt,
    noAnswerPrompt: q.noAnswerPrompt,
    mohClass: q.mohClass,
    retryDelayS: q.retryDelayS,
    tierWaitS: q.tierWaitS,
    ringProgressivelyS: q.ringProgressivelyS,
    requiredSkills: (q.requiredSkills ?? []).map((r) => ({ skill: r.skill, minProficiency: r.minProficiency })),
    vipNumbers: q.vipNumbers ?? [],
    vipPriority: q.vipPriority,
    supervisorUserIds: q.supervisorUserIds ?? [],
    periodicPrompt: q.periodicPrompt,
    announceEveryS: q.announceEveryS,
    announcePosition: q.announcePosition,
    announceWaitTime: q.announceWaitTime,
    overflowTargetType: q.overflowTargetType,
    overflowTargetId: q.overflowTargetId,
    leaveKey: q.leaveKey,
    callbackKey: q.callbackKey,
    serviceLevelS: q.serviceLevelS,
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

function toMemberView(m: QueueMemberEntity): QueueMemberView {
  return { id: m.id, queueId: m.queueId, agentId: m.agentId, penalty: m.penalty, tier: m.tier, position: m.position };
}

/** A queue cannot be deleted while inbound routes send calls to it (they would fail with NO_ROUTE). HTTP 409. */
export class QueueInUseError extends ConflictError {
  override readonly code = 'queue-in-use';
  constructor(queueId: string, routeIds: string[], dids: string[]) {
    super(`Queue ${queueId} is the target of inbound routes for ${dids.join(', ')}; change or delete them first`, { queueId, routeIds });
  }
}

/** A queue cannot be deleted while other queues overflow to it. HTTP 409, code `queue-in-use`. */
export class QueueIsOverflowTargetError extends ConflictError {
  override readonly code = 'queue-in-use';
  constructor(queueId: string, queueIds: string[], names: string[]) {
    super(`Queue ${queueId} is the overflow target of queues ${names.join(', ')}; change their overflow first`, { queueId, queueIds });
  }
}

/** The overflow target (a queue or an IVR flow) does not exist. HTTP 404, `details.field` = `overflowTargetId`. */
export class OverflowTargetNotFoundError extends DomainError {
  readonly code = 'overflow-target-not-found';
  override readonly httpStatus = 404;
  constructor(targetType: 'queue' | 'ivr', targetId: string) {
    super(`overflowTargetId: no ${targetType === 'queue' ? 'queue' : 'IVR flow'} ${targetId}`, { field: 'overflowTargetId', targetType, targetId });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** ACD queues and their members. */
@Injectable()
export class QueuesService {
  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(QueueMemberEntity) private readonly members: Repository<QueueMemberEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(InboundRouteEntity) private readonly routes: Repository<InboundRouteEntity>,
    @InjectRepository(IvrFlowEntity) private readonly flows: Repository<IvrFlowEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    private readonly live: QueueLiveStateService,
  ) {}

  async list(): Promise<QueueView[]> {
    return (await this.queues.find({ order: { name: 'ASC' } })).map(toQueueView);
  }

  async get(id: string): Promise<QueueView> {
    return toQueueView(await this.entity(id));
  }

  /**
   * @throws ConflictError (name taken), ValidationError (leaveKey = callbackKey, inconsistent
   * overflow type/id), OverflowTargetNotFoundError (overflow queue / IVR flow unknown)
   */
  async create(dto: CreateQueueDto): Promise<QueueView> {
    await this.assertNameFree(dto.name);
    const queue = this.queues.create({
      ...dto,
      greetingPrompt: dto.greetingPrompt ?? null,
      noAnswerPrompt: dto.noAnswerPrompt ?? null,
      periodicPrompt: dto.periodicPrompt ?? null,
      overflowTargetType: dto.overflowTargetType ?? null,
      overflowTargetId: dto.overflowTargetId ?? null,
      leaveKey: dto.leaveKey ?? null,
      callbackKey: dto.callbackKey ?? null,
    });
    await this.checkRules(queue);
    return this.changed(toQueueView(await this.queues.save(queue)));
  }

  /** Changes the given settings; the rules of {@link create} hold for the result. @throws NotFoundError as well */
  async update(id: string, dto: UpdateQueueDto): Promise<QueueView> {
    const queue = await this.entity(id);
    if (dto.name !== undefined && dto.name !== queue.name) await this.assertNameFree(dto.name);
    for (const [key, value] of Object.entries(dto)) {
      if (value !== undefined) (queue as unknown as Record<string, unknown>)[key] = value;
    }
    // Switching to hangup / no overflow drops the old target's id unless one is given (then it is an error).
    if ((queue.overflowTargetType === null || queue.overflowTargetType === 'hangup') && dto.overflowTargetId === undefined) queue.overflowTargetId = null;
    await this.checkRules(queue);
    return this.changed(toQueueView(await this.queues.save(queue)));
  }

  /** Removes the queue and its memberships. @throws QueueInUseError / QueueIsOverflowTargetError while routes or queues point at it */
  async remove(id: string): Promise<void> {
    await this.entity(id);
    const routes = await this.routes.find({ where: { targetType: 'queue', targetId: id }, select: { id: true, did: true } });
    if (routes.length) throw new QueueInUseError(id, routes.map((r) => r.id), routes.map((r) => r.did));
    const overflowing = await this.queues.find({ where: { overflowTargetType: 'queue', overflowTargetId: id }, select: { id: true, name: true } });
    if (overflowing.length) throw new QueueIsOverflowTargetError(id, overflowing.map((q) => q.id), overflowing.map((q) => q.name));
    await this.queues.delete({ id });
    this.live.configChanged();
  }

  async listMembers(queueId: string): Promise<QueueMemberView[]> {
    await this.entity(queueId);
    return (await this.members.find({ where: { queueId }, order: { tier: 'ASC', penalty: 'ASC', position: 'ASC', id: 'ASC' } })).map(toMemberView);
  }

  /** @throws NotFoundError (queue), AgentNotFoundError (HTTP 404), ConflictError (already a member) */
  async addMember(queueId: string, dto: AddQueueMemberDto): Promise<QueueMemberView> {
    await this.entity(queueId);
    if (!(await this.agents.exists({ where: { id: dto.agentId } }))) throw new AgentNotFoundError(dto.agentId);
    if (await this.members.exists({ where: { queueId, agentId: dto.agentId } })) {
      throw new ConflictError(`Agent ${dto.agentId} is already a member of queue ${queueId}`, { field: 'agentId' });
    }
    const member = this.members.create({ queueId, agentId: dto.agentId, penalty: dto.penalty ?? 0, tier: dto.tier ?? 1, position: dto.position ?? 0 });
    return this.changed(toMemberView(await this.members.save(member)));
  }

  /** Changes penalty / tier / position (those given). @throws NotFoundError (not a member) */
  async updateMember(queueId: string, agentId: string, dto: UpdateQueueMemberDto): Promise<QueueMemberView> {
    const member = await this.member(queueId, agentId);
    if (dto.penalty !== undefined) member.penalty = dto.penalty;
    if (dto.tier !== undefined) member.tier = dto.tier;
    if (dto.position !== undefined) member.position = dto.position;
    return this.changed(toMemberView(await this.members.save(member)));
  }

  async removeMember(queueId: string, agentId: string): Promise<void> {
    const member = await this.member(queueId, agentId);
    await this.members.delete({ id: member.id });
    this.live.configChanged(queueId);
  }

  /** Supervisors' live views show configuration changes at once (not after the cache TTL). */
  private changed<T extends { queueId: string } | { id: string }>(view: T): T {
    this.live.configChanged('queueId' in view ? view.queueId : view.id);
    return view;
  }

  /** Cross-field rules on the queue as it would be saved. */
  private async checkRules(q: QueueEntity): Promise<void> {
    await this.checkSupervisors(q);
    if (q.leaveKey && q.leaveKey === q.callbackKey) throw new ValidationError('callbackKey', `must differ from leaveKey (both are ${q.leaveKey})`);
    const { overflowTargetType: type, overflowTargetId: targetId } = q;
    if (type === null || type === 'hangup') {
      if (targetId !== null) throw new ValidationError('overflowTargetId', `must be null when overflowTargetType is ${type ?? 'null'}`);
      return;
    }
    if (targetId === null) throw new ValidationError('overflowTargetId', `is required when overflowTargetType is ${type}`);
    if (type === 'voicemail') return;
    if (!UUID.test(targetId)) throw new ValidationError('overflowTargetId', `must be the id (UUID) of ${type === 'queue' ? 'a queue' : 'an IVR flow'}`);
    if (type === 'queue') {
      if (targetId === q.id) throw new ValidationError('overflowTargetId', 'a queue cannot overflow to itself');
      if (!(await this.queues.exists({ where: { id: targetId } }))) throw new OverflowTargetNotFoundError('queue', targetId);
    } else if (!(await this.flows.exists({ where: { id: targetId } }))) throw new OverflowTargetNotFoundError('ivr', targetId);
  }

  /** Every supervisor of a queue is an existing user of role `supervisor` (admins supervise everything anyway). */
  private async checkSupervisors(q: QueueEntity): Promise<void> {
    const ids = [...new Set(q.supervisorUserIds ?? [])];
    q.supervisorUserIds = ids;
    if (!ids.length) return;
    const found = await this.users.find({ where: { id: In(ids) }, select: { id: true, role: true } });
    const ok = new Set(found.filter((u) => u.role === 'supervisor').map((u) => u.id));
    const bad = ids.filter((id) => !ok.has(id));
    if (bad.length) throw new ValidationError('supervisorUserIds', `must be users of role supervisor: ${bad.slice(0, 5).join(', ')} is not`);
  }

  private async member(queueId: string, agentId: string): Promise<QueueMemberEntity> {
    const member = await this.members.findOne({ where: { queueId, agentId } });
    if (!member) throw new NotFoundError('Queue member', `${queueId}/${agentId}`);
    return member;
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.queues.exists({ where: { name } })) throw new ConflictError(`A queue named ${name} exists`, { field: 'name' });
  }

  private async entity(id: string): Promise<QueueEntity> {
    const queue = await this.queues.findOne({ where: { id } });
    if (!queue) throw new NotFoundError('Queue', id);
    return queue;
  }
}
