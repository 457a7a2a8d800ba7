import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@callplane/core';
import type { AgentStateLogEntryView, AgentStateView, AgentView, Principal } from '@callplane/contracts';
import { AgentEntity, AgentStateLogEntity, PbxNodeEntity, UserEntity } from '@callplane/persistence';
import { AgentStateLogWriter, AgentStateService, AgentStatus } from '@callplane/acd';
import { AgentStateLogQueryDto, CreateAgentDto, DEFAULT_STATE_LOG_LIMIT, SetAgentStateDto, UpdateAgentDto } from './agent.dto';

/** The agent row as the API shows it; `live` (the ACD's memory, newer than the write-behind row) wins for state and counters. */
export function toAgentView(a: AgentEntity, live?: AgentStatus): AgentView {
  return {
    id: a.id,
    userId: a.userId,
    name: a.name,
    endpoint: a.endpoint,
    pbxNodeId: a.pbxNodeId,
    state: live?.state ?? a.state,
    stateChangedAt: (live?.at ?? a.stateChangedAt).toISOString(),
    awayReason: live ? live.reason : a.awayReason,
    skills: a.skills ?? {},
    wrapUpS: a.wrapUpS,
    ringTimeoutS: a.ringTimeoutS,
    maxNoAnswer: a.maxNoAnswer,
    noAnswerCount: live?.noAnswerCount ?? a.noAnswerCount,
    noAnswerDelayS: a.noAnswerDelayS,
    rejectDelayS: a.rejectDelayS,
    busyDelayS: a.busyDelayS,
    callsAnswered: live?.callsAnswered ?? a.callsAnswered,
    talkTimeS: live?.talkTimeS ?? a.talkTimeS,
    lastCallEndedAt: (live ? live.lastCallEndedAt : a.lastCallEndedAt)?.toISOString() ?? null,
    createdAt: a.createdAt.toISOString(),
  };
}

export function toAgentStateView(s: AgentStatus): AgentStateView {
  return { agentId: s.agentId, state: s.state, reason: s.reason, at: s.at.toISOString() };
}

function toStateLogView(r: AgentStateLogEntity): AgentStateLogEntryView {
  return { id: r.id, agentId: r.agentId, at: r.at.toISOString(), from: r.fromState, to: r.toState, reason: r.reason, trigger: r.trigger, byUserId: r.byUserId };
}

/**
 * Agents' configuration (name, endpoint, linked user, node, skills, offer settings) and, through
 * {@link AgentStateService}, their ACD state and its log. Settings changes are pushed to the ACD's memory.
 */
@Injectable()
export class AgentsService {
  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(PbxNodeEntity) private readonly nodes: Repository<PbxNodeEntity>,
    private readonly states: AgentStateService,
    private readonly stateLog: AgentStateLogWriter,
  ) {}

  async list(): Promise<AgentView[]> {
    return (await this.agents.find({ order: { name: 'ASC' } })).map((a) => toAgentView(a, this.states.peek(a.id)));
  }

  async get(id: string): Promise<AgentView> {
    return toAgentView(await this.entity(id), this.states.peek(id));
  }

  /**
   * Sets the agent's state (agents their own only; supervisors/admins any), logged with the user.
   * @throws ForbiddenError (403: another agent's), AgentNotFoundError (404), AgentStateIllegalError
   *   (409, details.state = current state), ValidationError (400, `reason`)
   */
  async setState(id: string, dto: SetAgentStateDto, principal: Principal): Promise<AgentStateView> {
    const self = this.checkAccess(id, principal, 'set');
    const status = await this.states.set(id, dto.state, 'agent', { reason: dto.reason, byUserId: userIdOf(principal), bySupervisor: !self });
    return toAgentStateView(status);
  }

  /**
   * The agent's state transitions, newest first (default {@link DEFAULT_STATE_LOG_LIMIT}).
   * @throws ForbiddenError (403: another agent's), NotFoundError (404), ValidationError (400: `to` before `from`)
   */
  async stateLogOf(id: string, query: AgentStateLogQueryDto, principal: Principal): Promise<AgentStateLogEntryView[]> {
    this.checkAccess(id, principal, 'read');
    const from = query.from ? new Date(query.from) : undefined;
    const to = query.to ? new Date(query.to) : undefined;
    if (from && to && to < from) throw new ValidationError('to', 'must not be before from');
    await this.entity(id);
    const rows = await this.stateLog.query(id, { from, to, limit: query.limit ?? DEFAULT_STATE_LOG_LIMIT });
    return rows.map(toStateLogView);
  }

  /** New agents start `offline`. @throws ValidationError (unknown user/node), ConflictError (user already linked) */
  async create(dto: CreateAgentDto): Promise<AgentView> {
    await this.checkRefs(dto.userId ?? null, dto.pbxNodeId ?? null, undefined);
    const agent = this.agents.create({
      name: dto.name,
      endpoint: dto.endpoint,
      userId: dto.userId ?? null,
      pbxNodeId: dto.pbxNodeId ?? null,
      skills: dto.skills ?? {},
      wrapUpS: dto.wrapUpS ?? null,
      ringTimeoutS: dto.ringTimeoutS ?? null,
      ...definedOnly({ maxNoAnswer: dto.maxNoAnswer, noAnswerDelayS: dto.noAnswerDelayS, rejectDelayS: dto.rejectDelayS, busyDelayS: dto.busyDelayS }),
      state: 'offline',
      stateChangedAt: new Date(),
      lastCallEndedAt: null,
    });
    const saved = await this.agents.save(agent);
    return toAgentView(await this.entity(saved.id));
  }

  async update(id: string, dto: UpdateAgentDto): Promise<AgentView> {
    const agent = await this.entity(id);
    await this.checkRefs(dto.userId === undefined ? null : dto.userId, dto.pbxNodeId === undefined ? null : dto.pbxNodeId, id);
    if (dto.name !== undefined) agent.name = dto.name;
    if (dto.endpoint !== undefined) agent.endpoint = dto.endpoint;
    if (dto.userId !== undefined) agent.userId = dto.userId;
    if (dto.pbxNodeId !== undefined) agent.pbxNodeId = dto.pbxNodeId;
    if (dto.skills !== undefined) agent.skills = dto.skills;
    if (dto.wrapUpS !== undefined) agent.wrapUpS = dto.wrapUpS;
    if (dto.ringTimeoutS !== undefined) agent.ringTimeoutS = dto.ringTimeoutS;
    Object.assign(agent, definedOnly({ maxNoAnswer: dto.maxNoAnswer, noAnswerDelayS: dto.noAnswerDelayS, rejectDelayS: dto.rejectDelayS, busyDelayS: dto.busyDelayS }));
    const saved = await this.agents.save(agent);
    // The ACD keeps settings and skills in memory: give it the new ones.
    const live = this.states.peek(id) ? await this.states.reload(id) : undefined;
    return toAgentView(saved, live);
  }

  /** Removes the agent and its queue memberships (its state log stays, for reporting). */
  async remove(id: string): Promise<void> {
    await this.entity(id);
    await this.agents.delete({ id });
    this.states.forget(id);
  }

  /** @returns whether the principal is the agent itself. @throws ForbiddenError for another agent's */
  private checkAccess(id: string, principal: Principal, what: 'set' | 'read'): boolean {
    const self = principal.agentId === id;
    if (!self && principal.role === 'agent') {
      throw new ForbiddenError(what === 'set' ? 'Agents may only set their own state' : 'Agents may only read their own state log', { field: 'id' });
    }
    return self;
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

/** The user id to log (API keys have no user: null). */
function userIdOf(principal: Principal): string | null {
  return principal.subject.startsWith('apikey:') ? null : principal.subject;
}

/** Drops undefined values (the column default applies, or the stored value stays). */
function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
