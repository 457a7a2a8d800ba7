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

  /** bcrypt hash (bcryptjs). */
  @Column({ type: 'varchar', length: 100 })
  passwordHash: string;

  @Column({ type: 'varchar', length: 16 })
  role: Role;

  @Column({ type: 'varchar', length: 100 })
  displayName: string;

  @CreateDateColumn(TIMESTAMP_MS)
  createdAt: Date;
}
