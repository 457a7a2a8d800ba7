import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JSON_TEXT, TIMESTAMP_MS, UUID_REF } from './column-types';
import { CallEntity } from './call.entity';

/**
 * The audit trail of a call, one row per step. Table `call_events`. Ordered by (`at`, `id`).
 * Types in use: `offered`, `routed`, `no-route`, the queue events (`queue.entered`, `queue.offered`,
 * `queue.no-answer`, `queue.connected`, `queue.abandoned`, `queue.overflow`, `queue.callback-requested`,
 * `queue.completed`: @callplane/acd QUEUE_EVENT_TYPES), `ivr.node`, `ended`, … (open set; each writer
 * documents its `data`).
 */
@Entity('call_events')
export class CallEventEntity {
  /** Auto-increment integer (insertion order). */
  @PrimaryGeneratedColumn('increment', { type: 'int' })
  id: number;

  @Index()
  @Column(UUID_REF)
  callId: string;

  @ManyToOne(() => CallEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'callId' })
  call?: CallEntity;

  @Column(TIMESTAMP_MS)
  at: Date;

  @Column({ type: 'varchar', length: 64 })
  type: string;

  @Column({ ...JSON_TEXT, nullable: true })
  data: Record<string, unknown> | null;
}
