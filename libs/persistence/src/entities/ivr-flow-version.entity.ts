import { Column, Index, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { JSON_TEXT, TIMESTAMP_MS, UUID_REF } from './column-types';
import { IvrFlowEntity } from './ivr-flow.entity';

/** An immutable published version of a flow. Table `ivr_flow_versions`, unique (flowId, version). */
@Entity('ivr_flow_versions')
@Index('UQ_ivr_flow_versions_flowId_version', ['flowId', 'version'], { unique: true })
export class IvrFlowVersionEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column(UUID_REF)
  flowId: string;

  @ManyToOne(() => IvrFlowEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'flowId' })
  flow?: IvrFlowEntity;

  /** 1, 2, 3, … per flow. */
  @Column({ type: 'int' })
  version: number;

  @Column(JSON_TEXT)
  definition: unknown;

  @Column(TIMESTAMP_MS)
  publishedAt: Date;
}
