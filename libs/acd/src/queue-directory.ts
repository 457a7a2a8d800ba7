import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { TtlCache } from '@callplane/calls';
import { QueueNotFoundError } from './acd.errors';

/** A queue member with its agent row. */
export interface QueueMemberView {
  agentId: string;
  name: string;
  endpoint: string;
  /** Node the endpoint registers on; null = any. */
  pbxNodeId: string | null;
  penalty: number;
  state: import('@callplane/contracts').AgentState;
  stateChangedAt: Date;
  lastCallEndedAt: Date | null;
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

  private async loadMembers(queueId: string): Promise<QueueMemberView[]> {
    const rows = await this.members.find({ where: { queueId }, relations: { agent: true } });
    return rows
      .filter((m) => m.agent)
      .map((m) => ({
        agentId: m.agentId,
        name: m.agent!.name,
        endpoint: m.agent!.endpoint,
        pbxNodeId: m.agent!.pbxNodeId,
        penalty: m.penalty,
        state: m.agent!.state,
        stateChangedAt: m.agent!.stateChangedAt,
        lastCallEndedAt: m.agent!.lastCallEndedAt,
      }));
  }
}
