import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { AgentEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { TtlCache } from '@callplane/calls';
import { QueueNotFoundError } from './acd.errors';

/**
 * A queue member with its agent row: the membership's tier/position/penalty and the agent's
 * skills, counters and ring settings as stored (the ACD's memory wins for agents it knows).
 */
export interface QueueMemberView {
  agentId: string;
  name: string;
  endpoint: string;
  /** Node the endpoint registers on; null = any. */
  pbxNodeId: string | null;
  /** Within a tier, lower is offered first (app_queue penalty). */
  penalty: number;
  /** Tier/level of the membership, 1 = first. */
  tier: number;
  /** Member order (top-down, round-robin), ascending. */
  position: number;
  state: import('@callplane/contracts').AgentState;
  stateChangedAt: Date;
  lastCallEndedAt: Date | null;
  /** Skill → proficiency 1–100. */
  skills: Record<string, number>;
  /** Queue calls answered (fewest-calls). */
  callsAnswered: number;
  /** Talk time of answered queue calls, s (least-talk-time). */
  talkTimeS: number;
  /** The agent's own ring time per offer, s; null = the queue's `ringTimeoutS`. */
  ringTimeoutS: number | null;
}

/** Reads queue configuration and membership (ACD's only queries), cached for CONFIG_CACHE_TTL_MS. */
@Injectable()
export class QueueDirectory {
  private readonly queueCache = new TtlCache<string, QueueEntity | null>();
  private readonly memberCache = new TtlCache<string, QueueMemberView[]>();

  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(QueueMemberEntity) private readonly members: Repository<QueueMemberEntity>,
  ) {}

  /** @throws QueueNotFoundError */
  async queue(queueId: string): Promise<QueueEntity> {
    const q = await this.queueCache.get(queueId, () => this.queues.findOneBy({ id: queueId }));
    if (!q) throw new QueueNotFoundError(queueId);
    return q;
  }

  /** Every member of a queue with its agent (states as stored; the ACD's memory wins for agents it knows). */
  membersOf(queueId: string): Promise<QueueMemberView[]> {
    return this.memberCache.get(queueId, () => this.loadMembers(queueId));
  }

  /** One raw join (no entity hydration: a queue may have a thousand members); values converted by the driver. */
  private async loadMembers(queueId: string): Promise<QueueMemberView[]> {
    const rows = await this.members
      .createQueryBuilder('m')
      .innerJoin('m.agent', 'a')
      .select('m.agentId', 'agentId')
      .addSelect('m.penalty', 'penalty')
      .addSelect('m.tier', 'tier')
      .addSelect('m.position', 'position')
      .addSelect('a.name', 'name')
      .addSelect('a.endpoint', 'endpoint')
      .addSelect('a.pbxNodeId', 'pbxNodeId')
      .addSelect('a.state', 'state')
      .addSelect('a.stateChangedAt', 'stateChangedAt')
      .addSelect('a.lastCallEndedAt', 'lastCallEndedAt')
      .addSelect('a.skills', 'skills')
      .addSelect('a.callsAnswered', 'callsAnswered')
      .addSelect('a.talkTimeS', 'talkTimeS')
      .addSelect('a.ringTimeoutS', 'ringTimeoutS')
      .where('m.queueId = :queueId', { queueId })
      .getRawMany<Record<string, unknown>>();
    const driver = this.members.manager.connection.driver;
    const agentMeta = this.members.manager.connection.getMetadata(AgentEntity);
    const hydrate = (prop: string, value: unknown) => (value === null || value === undefined ? null : driver.prepareHydratedValue(value, agentMeta.findColumnWithPropertyName(prop)!));
    return rows.map((r) => ({
      agentId: String(r.agentId),
      name: String(r.name),
      endpoint: String(r.endpoint),
      pbxNodeId: (r.pbxNodeId as string | null) ?? null,
      penalty: Number(r.penalty),
      tier: Number(r.tier ?? 1),
      position: Number(r.position ?? 0),
      state: r.state as QueueMemberView['state'],
      stateChangedAt: hydrate('stateChangedAt', r.stateChangedAt) as Date,
      lastCallEndedAt: hydrate('lastCallEndedAt', r.lastCallEndedAt) as Date | null,
      skills: (hydrate('skills', r.skills) as Record<string, number> | null) ?? {},
      callsAnswered: Number(r.callsAnswered ?? 0),
      talkTimeS: Number(r.talkTimeS ?? 0),
      ringTimeoutS: r.ringTimeoutS === null || r.ringTimeoutS === undefined ? null : Number(r.ringTimeoutS),
    }));
  }
}
