import { Column, Index, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { CallLegRole } from '@callplane/contracts';
import { TIMESTAMP_MS, UUID_REF } from './column-types';
import { CallEntity } from './call.entity';

/** One channel taking part in a call. Table `call_legs`, unique (pbxNodeId, channelId). */
@Entity('call_legs')
@Index('UQ_call_legs_pbxNodeId_channelId', ['pbxNodeId', 'channelId'], { unique: true })
export class CallLegEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column(UUID_REF)
  callId: string;

  @ManyToOne(() => CallEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'callId' })
  call?: CallEntity;

  @Column(UUID_REF)
  pbxNodeId: string;

  @Column({ type: 'varchar', length: 64 })
  channelId: string;

  @Column({ type: 'varchar', length: 16 })
  role: CallLegRole;

  /** Endpoint dialled for this leg (agent/transfer legs), e.g. `1001`. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  endpoint: string | null;

  @Column({ ...UUID_REF, nullable: true })
  agentId: string | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @Column({ ...TIMESTAMP_MS, nullable: true })
  answeredAt: Date | null;

  @Column({ ...TIMESTAMP_MS, nullable: true })
  endedAt: Date | null;

  /** Q.850 cause. */
  @Column({ type: 'int', nullable: true })
  hangupCause: number | null;
}
