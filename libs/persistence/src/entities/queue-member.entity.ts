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

  /** Lower is offered first (0 = best). */
  @Column({ type: 'int', default: 0 })
  penalty: number;
}
