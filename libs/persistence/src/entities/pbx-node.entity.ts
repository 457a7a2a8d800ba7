import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import type { PbxConnectionConfig, PbxType } from '@callplane/pbx';
import { JSON_TEXT, TIMESTAMP_MS } from './column-types';

/** A PBX callplane drives (Asterisk over ARI + AMI, FreeSWITCH over ESL). Table `pbx_nodes`. */
@Entity('pbx_nodes')
export class PbxNodeEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: PbxType;

  /** How to reach the node, incl. secrets (ARI password, AMI secret, ESL password): never expose as is. */
  @Column(JSON_TEXT)
  connection: PbxConnectionConfig;

  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;
}
