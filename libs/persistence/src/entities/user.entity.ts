import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { Role } from '@callplane/contracts';
import { TIMESTAMP_MS } from './column-types';

/** A person who logs in (admin, supervisor, agent). Table `users`. */
@Entity('users')
export class UserEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased. */
  @Column({ type: 'varchar', length: 255, unique: true })
  email: string;

  /** bcrypt hash (`$2a$`/`$2b$`; written by @node-rs/bcrypt). */
  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'varchar', length: 100 })
  displayName: string;

  /** Raised on password or role change: access tokens carrying an older `tv` claim are refused. */
  @Column({ type: 'int', default: 0 })
  tokenVersion: number;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;
}
