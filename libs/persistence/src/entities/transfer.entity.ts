import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { TIMESTAMP_MS, UUID_REF } from './column-types';

/**
 * One transfer of a call (issue 8), blind or attended, from the REST API, an agent's socket or a
 * phone's REFER. Table `transfers`; a row whose `state` is not final is resumed (or cleaned up)
 * after a control-plane restart. States and transitions: @callplane/calls `TRANSFER_TABLE`.
 */
@Entity('transfers')
@Index('IDX_transfers_pbxNodeId_state', ['pbxNodeId', 'state'])
export class TransferEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index()
  @Column(UUID_REF)
  callId: string;

  @Column(UUID_REF)
  pbxNodeId: string;

  /** `blind` | `attended`. */
  @Column({ type: 'varchar', length: 16 })
  flow: string;

  /** `TransferState` of @callplane/calls. */
  @Column({ type: 'varchar', length: 16 })
  state: string;

  /** `agent` | `endpoint` | `queue` | `ivr` | `external`. */
  @Column({ type: 'varchar', length: 16 })
  targetType: string;

  /** Agent/queue/flow id, endpoint resource or external number. */
  @Column({ type: 'varchar', length: 100 })
  targetId: string;

  /** Where it came from: `api` (REST/Socket.IO) or `phone` (SIP REFER). */
  @Column({ type: 'varchar', length: 16 })
  origin: string;

  @Column({ ...UUID_REF, nullable: true })
  transfererAgentId: string | null;

  @Column({ type: 'varchar', length: 64 })
  transfererChannelId: string;

  @Column({ type: 'varchar', length: 64 })
  callerChannelId: string;

  /** The leg dialled to the target (consult leg of an attended transfer). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  targetChannelId: string | null;

  @Column({ ...UUID_REF, nullable: true })
  targetAgentId: string | null;

  /** The caller's mixing bridge. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  mainBridgeId: string | null;

  /** The agent-and-target bridge of an attended consult. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  consultBridgeId: string | null;

  /** Why it ended that way (`target-busy`, `target-no-answer`, `restart`, …). */
  @Column({ type: 'varchar', length: 64, nullable: true })
  reason: string | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;

  @Column({ ...TIMESTAMP_MS, nullable: true })
  endedAt: Date | null;
}
