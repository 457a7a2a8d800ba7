import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { OverflowTargetType, QueueStrategy } from '@callplane/contracts';
import { JSON_TEXT, TIMESTAMP_MS } from './column-types';

/** A skill a queue requires of the agents it offers calls to (issue 7 §2). */
export interface QueueSkillRequirement {
  skill: string;
  /** Lowest proficiency accepted, 1–100. */
  minProficiency: number;
}

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

  /** Pause before the next ring round after one nobody answered, s (app_queue `retry`). */
  @Column({ type: 'int', default: 1 })
  retryDelayS: number;

  /** Members of tier n+1 join the offers once the caller waited n × this, s (mod_callcenter tier-rule-wait-second). */
  @Column({ type: 'int', default: 10 })
  tierWaitS: number;

  /** ring-progressively: one more agent every this many seconds, s. */
  @Column({ type: 'int', default: 10 })
  ringProgressivelyS: number;

  /** Skills an agent needs (all of them, at least the proficiency) to be offered this queue's calls. */
  @Column({ ...JSON_TEXT, default: '[]' })
  requiredSkills: QueueSkillRequirement[];

  /** Caller numbers served first, with {@link vipPriority} (E.164 or as the carrier sends them). */
  @Column({ ...JSON_TEXT, default: '[]' })
  vipNumbers: string[];

  /** Users (role `supervisor`) who may monitor, whisper to and barge into this queue's calls (issue 8 §4). */
  @Column({ ...JSON_TEXT, default: '[]' })
  supervisorUserIds: string[];

  /** Priority given to {@link vipNumbers} callers (higher is served first; default priority 0). */
  @Column({ type: 'int', default: 10 })
  vipPriority: number;

  /** Prompt URI played every {@link announceEveryS} to a waiting caller (null = none). */
  @Column({ type: 'varchar', length: 255, nullable: true })
  periodicPrompt: string | null;

  /** Period of the waiting caller's announcements (periodic prompt, position, wait estimate), s; 0 = off. */
  @Column({ type: 'int', default: 0 })
  announceEveryS: number;

  /** Announce the caller's position in the queue with the periodic announcement. */
  @Column({ type: 'boolean', default: false })
  announcePosition: boolean;

  /** Announce the estimated wait (from recent handle times) with the periodic announcement. */
  @Column({ type: 'boolean', default: false })
  announceWaitTime: boolean;

  /** Where the caller goes after {@link maxWaitS} (and on {@link leaveKey}); null / `hangup` = NO_ANSWER + hangup. */
  @Column({ type: 'varchar', length: 16, nullable: true })
  overflowTargetType: OverflowTargetType | null;

  /** Queue id, IVR flow id, or voicemail box of the overflow target. */
  @Column({ type: 'varchar', length: 100, nullable: true })
  overflowTargetId: string | null;

  /** DTMF digit that takes a waiting caller to the overflow target at once (e.g. `1` = leave a voicemail). */
  @Column({ type: 'varchar', length: 1, nullable: true })
  leaveKey: string | null;

  /** DTMF digit that requests a callback: the caller hangs up and keeps their place. */
  @Column({ type: 'varchar', length: 1, nullable: true })
  callbackKey: string | null;

  /** Service level threshold: a call answered within this many seconds counts as in service level, s. */
  @Column({ type: 'int', default: 20 })
  serviceLevelS: number;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;
}
