import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import type { AgentState } from '@callplane/contracts';
import { TIMESTAMP_MS, UUID_REF } from './column-types';

/**
 * One agent state transition (issue 7 §3), appended by the ACD for every change. Table
 * `agent_state_log`, indexed by (agentId, at). Rows stay when the agent is deleted (reporting).
 */
@Entity('agent_state_log')
@Index('IDX_agent_state_log_agentId_at', ['agentId', 'at'])
export class AgentStateLogEntity {
  @PrimaryGeneratedColumn('increment')
  id: number;

  @Column(UUID_REF)
  agentId: string;

  @Column(TIMESTAMP_MS)
  at: Date;

  @Column({ type: 'varchar', length: 16 })
  fromState: AgentState;

  @Column({ type: 'varchar', length: 16 })
  toState: AgentState;

  /** `away` reason code, when `toState` is `away`. */
  @Column({ type: 'varchar', length: 32, nullable: true })
  reason: string | null;

  /** What made the change: `agent`, `supervisor`, `ring`, `answer`, `no-answer`, `restart`, … */
  @Column({ type: 'varchar', length: 32 })
  trigger: string;

  /** User who made the change (agent self-service or supervisor); null for the ACD itself. */
  @Column({ ...UUID_REF, nullable: true })
  byUserId: string | null;
}
