import { Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { CallbackState } from '@callplane/contracts';
import { TIMESTAMP_MS, UUID_REF } from './column-types';

/**
 * A callback request (issue 7 §4): the caller pressed the queue's `callbackKey` and hung up,
 * keeping their place (`queuedAt`, `priority`). When their turn comes an agent is reserved first,
 * then the caller is dialled. Table `queue_callbacks`; survives a restart.
 */
@Entity('queue_callbacks')
@Index('IDX_queue_callbacks_queueId_state', ['queueId', 'state'])
export class QueueCallbackEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column(UUID_REF)
  queueId: string;

  /** The call during which the callback was requested. */
  @Column(UUID_REF)
  originCallId: string;

  /** The call placed to the caller when their turn came (null until then). */
  @Column({ ...UUID_REF, nullable: true })
  callbackCallId: string | null;

  /** PBX node the caller came in on (the callback is placed there). */
  @Column(UUID_REF)
  pbxNodeId: string;

  /** Number to call back (the caller's number, dial-string characters only). */
  @Column({ type: 'varchar', length: 64 })
  number: string;

  @Column({ type: 'varchar', length: 128 })
  name: string;

  @Column({ type: 'int', default: 0 })
  priority: number;

  /** When the caller first entered the queue: their place. */
  @Column(TIMESTAMP_MS)
  queuedAt: Date;

  @Column({ type: 'varchar', length: 16 })
  state: CallbackState;

  /** Dial attempts made so far. */
  @Column({ type: 'int', default: 0 })
  attempts: number;

  /** Agent reserved for / connected to the callback. */
  @Column({ ...UUID_REF, nullable: true })
  agentId: string | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;
}
