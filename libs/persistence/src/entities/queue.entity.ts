import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { QueueStrategy } from '@callplane/contracts';
import { TIMESTAMP_MS } from './column-types';

/** An ACD queue. Table `queues`. */
@Entity('queues')
export class QueueEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 32 })
  strategy: QueueStrategy;

  /** How long one agent leg rings, s. */
  @Column({ type: 'int', default: 20 })
  ringTimeoutS: number;

  /** Longest a caller waits before the queue gives up with disposition NO_ANSWER, s. */
  @Column({ type: 'int', default: 120 })
  maxWaitS: number;

  /** Agent wrap-up time after a call, s. */
  @Column({ type: 'int', default: 10 })
  wrapUpS: number;

  /** Prompt URI played on entry, e.g. `sound:queue-greeting`. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  greetingPrompt: string | null;

  /** Prompt URI played before hanging up on queue timeout. */
  @Column({ type: 'varchar', length: 255, nullable: true })
  noAnswerPrompt: string | null;

  @Column({ type: 'varchar', length: 100, default: 'default' })
  mohClass: string;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;
}
