import { Column, Index, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { UUID_REF } from './column-types';
import { QueueEntity } from './queue.entity';
import { AgentEntity } from './agent.entity';

/** An agent's membership in a queue. Table `queue_members`, unique (queueId, agentId). */
@Entity('queue_members')
@Index('UQ_queue_members_queueId_agentId', ['queueId', 'agentId'], { unique: true })
export class QueueMemberEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column(UUID_REF)
  queueId: string;

  @ManyToOne(() => QueueEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'queueId' })
  queue?: QueueEntity;

  @Column(UUID_REF)
  agentId: string;

  @ManyToOne(() => AgentEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'agentId' })
  agent?: AgentEntity;

  /** Tie-break within a tier: lower is offered first (0 = best; app_queue penalty). */
  @Column({ type: 'int', default: 0 })
  penalty: number;

  /** Tier/level, 1 = first: tier n+1 is offered once the caller waited n × the queue's `tierWaitS`. */
  @Column({ type: 'int', default: 1 })
  tier: number;

  /** Member order for `top-down` and `round-robin` (ascending; ties by agent id). */
  @Column({ type: 'int', default: 0 })
  position: number;
}
