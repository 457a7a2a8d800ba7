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

  @Column(JSON_TEXT)
  skills: string[];

  /** End of the agent's last call (longest-idle strategy). */
  @Column({ ...TIMESTAMP_MS, nullable: true })
  lastCallEndedAt: Date | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;
}
