import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CallDirection, CallDisposition, CallStatus } from '@callplane/contracts';
import { TIMESTAMP_MS, UUID_REF } from './column-types';

/**
 * One row per call (the call detail record). Table `calls`, unique (pbxNodeId, channelId) so a
 * call adopted again after a reconnect/restart is never recorded twice. References to nodes,
 * queues, agents and flows are plain ids (no foreign keys): records outlive the configuration.
 */
@Entity('calls')
@Index('UQ_calls_pbxNodeId_channelId', ['pbxNodeId', 'channelId'], { unique: true })
export class CallEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column(UUID_REF)
  pbxNodeId: string;

  /** The caller's channel id on that node (Asterisk uniqueid, FreeSWITCH UUID). */
  @Column({ type: 'varchar', length: 64 })
  channelId: string;

  @Column({ type: 'varchar', length: 16 })
  direction: CallDirection;

  @Column({ type: 'varchar', length: 64 })
  callerNumber: string;

  @Column({ type: 'varchar', length: 128 })
  callerName: string;

  @Column({ type: 'varchar', length: 64 })
  calledNumber: string;

  @Column({ type: 'varchar', length: 128, nullable: true })
  calledName: string | null;

  @Column({ ...UUID_REF, nullable: true })
  queueId: string | null;

  /** When the call entered its (current) queue: service order after a restart is priority, then this. */
  @Column({ ...TIMESTAMP_MS, nullable: true })
  queuedAt: Date | null;

  /** Queue priority of the call (higher is served first). */
  @Column({ type: 'int', nullable: true })
  queuePriority: number | null;

  /** 1-based place in the queue when the caller left it (abandon, overflow, callback request). */
  @Column({ type: 'int', nullable: true })
  queuePosition: number | null;

  /** Agent who answered (last one, after transfers). */
  @Column({ ...UUID_REF, nullable: true })
  agentId: string | null;

  @Column({ ...UUID_REF, nullable: true })
  ivrFlowId: string | null;

  /** Published version of the flow the call ran on. */
  @Column({ type: 'int', nullable: true })
  ivrFlowVersion: number | null;

  @Index()
  @Column({ type: 'varchar', length: 16 })
  status: CallStatus;

  /** When the PBX offered the call to callplane. */
  @Index()
  @Column(TIMESTAMP_MS)
  offeredAt: Date;

  /**
   * When the call was answered for service: set when an IVR flow takes (answers) the call, and
   * replaced by the agent's answer when an agent answers. Null when neither happened.
   */
  @Column({ ...TIMESTAMP_MS, nullable: true })
  answeredAt: Date | null;

  @Column({ ...TIMESTAMP_MS, nullable: true })
  endedAt: Date | null;

  /**
   * offeredAt → answeredAt (or → endedAt when never answered), s with ms resolution. A call a
   * queue took from the IVR that no agent answered waits to its end.
   */
  @Column({ type: 'double', nullable: true })
  waitS: number | null;

  /** answeredAt → endedAt (time with the agent, or in the IVR when it ended there), s with ms resolution. */
  @Column({ type: 'double', nullable: true })
  talkS: number | null;

  /** See CALL_DISPOSITIONS in @callplane/contracts (varchar(16): every value fits). */
  @Column({ type: 'varchar', length: 16, nullable: true })
  disposition: CallDisposition | null;

  /** Q.850 cause of the caller's hangup (ITU-T Q.850; 16 = normal clearing). */
  @Column({ type: 'int', nullable: true })
  hangupCause: number | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;
}
