import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@callplane/core';
import type { AgentView } from '@callplane/contracts';
import { AgentEntity, PbxNodeEntity, UserEntity } from '@callplane/persistence';
import { CreateAgentDto, UpdateAgentDto } from './agent.dto';

export function toAgentView(a: AgentEntity): AgentView {
  return {
    id: a.id,
    userId: a.userId,
    name: a.name,
    endpoint: a.endpoint,
    pbxNodeId: a.pbxNodeId,
    state: a.state,
    stateChangedAt: a.stateChangedAt.toISOString(),
    skills: a.skills,
    lastCallEndedAt: a.lastCallEndedAt?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}

/** Agents' configuration (name, endpoint, linked user, node, skills). Their state belongs to the ACD. */
@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(PbxNodeEntity) private readonly nodes: Repository<PbxNodeEntity>,
  ) {}

  async list(): Promise<AgentView[]> {
    return (await this.agents.find({ order: { name: 'ASC' } })).map(toAgentView);
  }

  async get(id: string): Promise<AgentView> {
    return toAgentView(await this.entity(id));
  }

  /** New agents start `offline`. @throws ValidationError (unknown user/node), ConflictError (user already linked) */
  async create(dto: CreateAgentDto): Promise<AgentView> {
    await this.checkRefs(dto.userId ?? null, dto.pbxNodeId ?? null, undefined);
    const agent = this.agents.create({
      name: dto.name,
      endpoint: dto.endpoint,
      userId: dto.userId ?? null,
      pbxNodeId: dto.pbxNodeId ?? null,
      skills: dto.skills ?? [],
      state: 'offline',
      stateChangedAt: new Date(),
      lastCallEndedAt: null,
    });
    return toAgentView(await this.agents.save(agent));
  }

  async update(id: string, dto: UpdateAgentDto): Promise<AgentView> {
    const agent = await this.entity(id);
    await this.checkRefs(dto.userId === undefined ? null : dto.userId, dto.pbxNodeId === undefined ? null : dto.pbxNodeId, id);
    if (dto.name !== undefined) agent.name = dto.name;
    if (dto.endpoint !== undefined) agent.endpoint = dto.endpoint;
    if (dto.userId !== undefined) agent.userId = dto.userId;
    if (dto.pbxNodeId !== undefined) agent.pbxNodeId = dto.pbxNodeId;
    if (dto.skills !== undefined) agent.skills = dto.skills;
    return toAgentView(await this.agents.save(agent));
  }

  /** Removes the agent and its queue memberships. */
  async remove(id: string): Promise<void> {
    await this.entity(id);
    await this.agents.delete({ id });
  }

  private async checkRefs(userId: string | null, pbxNodeId: string | null, selfId: string | undefined): Promise<void> {
    if (userId) {
      if (!(await this.users.exists({ where: { id: userId } }))) throw new ValidationError('userId', 'no user with this id');
      const linked = await this.agents.findOne({ where: { userId }, select: { id: true } });
      if (linked && linked.id !== selfId) throw new ConflictError(`User ${userId} is already linked to agent ${linked.id}`, { field: 'userId' });
    }
    if (pbxNodeId && !(await this.nodes.exists({ where: { id: pbxNodeId } }))) throw new ValidationError('pbxNodeId', 'no PBX node with this id');
  }

  private async entity(id: string): Promise<AgentEntity> {
    const agent = await this.agents.findOne({ where: { id } });
    if (!agent) throw new NotFoundError('Agent', id);
    return agent;
  }
}
