import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@callplane/core';
import type { QueueMemberView, QueueView } from '@callplane/contracts';
import { AgentEntity, InboundRouteEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { AddQueueMemberDto, CreateQueueDto, UpdateQueueDto } from './queue.dto';

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
    createdAt: q.createdAt.toISOString(),
    updatedAt: q.updatedAt.toISOString(),
  };
}

function toMemberView(m: QueueMemberEntity): QueueMemberView {
  return { id: m.id, queueId: m.queueId, agentId: m.agentId, penalty: m.penalty };
}

/** A queue cannot be deleted while inbound routes send calls to it (they would fail with NO_ROUTE). HTTP 409. */
export class QueueInUseError extends ConflictError {
  override readonly code = 'queue-in-use';
  constructor(queueId: string, routeIds: string[], dids: string[]) {
    super(`Queue ${queueId} is the target of inbound routes for ${dids.join(', ')}; change or delete them first`, { queueId, routeIds });
  }
}

/** ACD queues and their members. */
@Injectable()
export class QueuesService {
  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(QueueMemberEntity) private readonly members: Repository<QueueMemberEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(InboundRouteEntity) private readonly routes: Repository<InboundRouteEntity>,
  ) {}

  async list(): Promise<QueueView[]> {
    return (await this.queues.find({ order: { name: 'ASC' } })).map(toQueueView);
  }

  async get(id: string): Promise<QueueView> {
    return toQueueView(await this.entity(id));
  }

  /** @throws ConflictError when the name is taken */
  async create(dto: CreateQueueDto): Promise<QueueView> {
    await this.assertNameFree(dto.name);
    const { greetingPrompt, noAnswerPrompt, ...rest } = dto;
    const queue = this.queues.create({ ...rest, greetingPrompt: greetingPrompt ?? null, noAnswerPrompt: noAnswerPrompt ?? null });
    return toQueueView(await this.queues.save(queue));
  }

  async update(id: string, dto: UpdateQueueDto): Promise<QueueView> {
    const queue = await this.entity(id);
    if (dto.name !== undefined && dto.name !== queue.name) await this.assertNameFree(dto.name);
    for (const [key, value] of Object.entries(dto)) {
      if (value !== undefined) (queue as unknown as Record<string, unknown>)[key] = value;
    }
    return toQueueView(await this.queues.save(queue));
  }

  /** Removes the queue and its memberships. @throws QueueInUseError while an inbound route targets it */
  async remove(id: string): Promise<void> {
    await this.entity(id);
    const routes = await this.routes.find({ where: { targetType: 'queue', targetId: id }, select: { id: true, did: true } });
    if (routes.length) throw new QueueInUseError(id, routes.map((r) => r.id), routes.map((r) => r.did));
    await this.queues.delete({ id });
  }

  async listMembers(queueId: string): Promise<QueueMemberView[]> {
    await this.entity(queueId);
    return (await this.members.find({ where: { queueId }, order: { penalty: 'ASC', id: 'ASC' } })).map(toMemberView);
  }

  /** @throws NotFoundError (queue), ValidationError (unknown agent), ConflictError (already a member) */
  async addMember(queueId: string, dto: AddQueueMemberDto): Promise<QueueMemberView> {
    await this.entity(queueId);
    if (!(await this.agents.exists({ where: { id: dto.agentId } }))) throw new ValidationError('agentId', 'no agent with this id');
    if (await this.members.exists({ where: { queueId, agentId: dto.agentId } })) {
      throw new ConflictError(`Agent ${dto.agentId} is already a member of queue ${queueId}`, { field: 'agentId' });
    }
    return toMemberView(await this.members.save(this.members.create({ queueId, agentId: dto.agentId, penalty: dto.penalty ?? 0 })));
  }

  async updateMember(queueId: string, agentId: string, penalty: number): Promise<QueueMemberView> {
    const member = await this.member(queueId, agentId);
    member.penalty = penalty;
    return toMemberView(await this.members.save(member));
  }

  async removeMember(queueId: string, agentId: string): Promise<void> {
    const member = await this.member(queueId, agentId);
    await this.members.delete({ id: member.id });
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
