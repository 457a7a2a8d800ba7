import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { JSON_TEXT, TIMESTAMP_MS } from './column-types';

/** An IVR flow: its editable draft and which version is live. Table `ivr_flows`. */
@Entity('ivr_flows')
export class IvrFlowEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100, unique: true })
  name: string;

  /** Flow definition being edited (the IVR lib owns its shape). */
  @Column(JSON_TEXT)
  draft: unknown;

  /** Version new calls run on; null = never published. */
  @Column({ type: 'int', nullable: true })
  publishedVersion: number | null;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @UpdateDateColumn(TIMESTAMP_MS)
  updatedAt: Date;
}
