import { Column, Index, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import type { RouteTargetType } from '@callplane/contracts';
import { TIMESTAMP_MS, UUID_REF } from './column-types';
import { PbxNodeEntity } from './pbx-node.entity';

/**
 * DID → target. Table `inbound_routes`, unique (did, pbxNodeId). A route with `pbxNodeId` null
 * applies to every node; a node-specific route wins over it. (Databases treat NULLs as distinct
 * in unique keys, so "one null-node route per DID" is enforced by the service, not the index.)
 */
@Entity('inbound_routes')
@Index('UQ_inbound_routes_did_pbxNodeId', ['did', 'pbxNodeId'], { unique: true })
export class InboundRouteEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Dialled number as the PBX reports it (ARI `dialplan.exten`, FreeSWITCH `Caller-Destination-Number`). */
  @Column({ type: 'varchar', length: 64 })
  did: string;

  @Column({ ...UUID_REF, nullable: true })
  pbxNodeId: string | null;

  @ManyToOne(() => PbxNodeEntity, { onDelete: 'CASCADE', nullable: true })
  @JoinColumn({ name: 'pbxNodeId' })
  pbxNode?: PbxNodeEntity | null;

  @Column({ type: 'varchar', length: 16 })
  targetType: RouteTargetType;

  /** Queue id or IVR flow id. */
  @Column(UUID_REF)
  targetId: string;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;
}
