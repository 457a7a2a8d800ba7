import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@callplane/contracts';
import { TIMESTAMP_MS } from './column-types';

/** An API key for integrations (`X-Api-Key: cp_…`). Only its SHA-256 is stored. Table `api_keys`. */
@Entity('api_keys')
export class ApiKeyEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  /** First characters of the key, shown in listings so admins can tell keys apart. */
  @Column({ type: 'varchar', length: 16 })
  prefix: string;

  /** SHA-256 of the full key, lower-case hex (64 chars). */
  @Column({ type: 'varchar', length: 64, unique: true })
  keyHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;

  @Column({ ...TIMESTAMP_MS, nullable: true })
  lastUsedAt: Date | null;

  @Column({ ...TIMESTAMP_MS, nullable: true })
  revokedAt: Date | null;
}
