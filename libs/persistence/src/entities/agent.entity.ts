import { Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, OneToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { AgentState } from '@callplane/contracts';
import { JSON_TEXT, TIMESTAMP_MS, UUID_REF } from './column-types';
import { UserEntity } from './user.entity';
import { PbxNodeEntity } from './pbx-node.entity';

/** A contact-centre agent: a SIP endpoint plus ACD state. Table `agents`. */
@Entity('agents')
export class AgentEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Linked login (at most one agent per user). */
  @Column({ ...UUID_REF, nullable: true, unique: true })
  userId: string | null;

  @OneToOne(() => UserEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'userId' })
  user?: UserEntity | null;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** SIP resource without technology, e.g. `1001` (dialled as `PJSIP/1001` / `user/1001@domain`). */
  @Column({ type: 'varchar', length: 100 })
  endpoint: string;

  /** Node the endpoint registers on; null = any node. */
  @Column({ ...UUID_REF, nullable: true })
  pbxNodeId: string | null;

  @ManyToOne(() => PbxNodeEntity, { onDelete: 'SET NULL', nullable: true })
  @JoinColumn({ name: 'pbxNodeId' })
  pbxNode?: PbxNodeEntity | null;

  @Column({ type: 'varchar', length: 16, default: 'offline' })
  state: AgentState;

  @Column(TIMESTAMP_MS)
  stateChangedAt: Date;

  /** `away` reason code while `state` is `away` (e.g. `break`, `no-answer`), else null. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  awayReason: string | null;

  /** Skill → proficiency (1–100), matched against queues' `requiredSkills`. */
  @Column(JSON_TEXT)
  skills: Record<string, number>;

  /** Wrap-up after a queue call, s; null = the queue's `wrapUpS`. */
  @Column({ type: 'int', nullable: true })
  wrapUpS: number | null;

  /** How long an offer rings this agent, s; null = the queue's `ringTimeoutS`. */
  @Column({ type: 'int', nullable: true })
  ringTimeoutS: number | null;

  /** Consecutive missed offers that set the agent `away` (reason `no-answer`); 0 = never. */
  @Column({ type: 'int', default: 3 })
  maxNoAnswer: number;

  /** Missed offers in a row so far (reset by an answer or by the agent becoming available). */
  @Column({ type: 'int', default: 0 })
  noAnswerCount: number;

  /** Pause before the next offer after the agent let one ring out, s (mod_callcenter no-answer-delay-time). */
  @Column({ type: 'int', default: 5 })
  noAnswerDelayS: number;

  /** Pause before the next offer after the agent rejected one (SIP 603 / Q.850 21), s. */
  @Column({ type: 'int', default: 5 })
  rejectDelayS: number;

  /** Pause before the next offer after the phone was busy (SIP 486 / Q.850 17), s. */
  @Column({ type: 'int', default: 5 })
  busyDelayS: number;

  /** Queue calls answered (fewest-calls), since the counters were last reset. */
  @Column({ type: 'int', default: 0 })
  callsAnswered: number;

  /** Total talk time of answered queue calls (least-talk-time), s. */
  @Column({ type: 'double', default: 0 })
  talkTimeS: number;

  /** End of the agent's last call (longest-idle strategy). */
  @Column({ ...TIMESTAMP_MS, nullable: true })
  lastCallEndedAt: Date | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;
}
