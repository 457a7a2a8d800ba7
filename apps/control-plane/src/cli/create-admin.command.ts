import { DataSource } from 'typeorm';
import { AppConfig, ConflictError, ValidationError } from '@callplane/core';
import type { UserView } from '@callplane/contracts';
import { AgentEntity, createDataSourceOptions, UserEntity } from '@callplane/persistence';
import { PasswordHasher } from '../auth/password.hasher';
import { UserSessions } from '../auth/user-sessions';
import { UsersService } from '../auth/users.service';

export interface CreateAdminInput {
  email: string;
  password: string;
  displayName?: string;
  /** When the email exists: make it admin and set the password, instead of failing. */
  update?: boolean;
}

/** Minimum admin password length (same rule as ADMIN_PASSWORD in config). */
export const MIN_ADMIN_PASSWORD_LENGTH = 8;

/**
 * Creates an admin user in the configured database (running pending migrations first).
 * @throws ValidationError for a bad email or a short password; ConflictError when the email exists and `update` is not set
 */
export async function createAdmin(config: Pick<AppConfig, 'DATABASE_URL' | 'DATA_DIR'>, input: CreateAdminInput): Promise<{ user: UserView; created: boolean }> {
  if (!/^[^@\s]+@[^@\s]+$/.test(input.email)) throw new ValidationError('email', 'must be an email address');
  if (input.password.length < MIN_ADMIN_PASSWORD_LENGTH) throw new ValidationError('password', `must have at least ${MIN_ADMIN_PASSWORD_LENGTH} characters`);
  const dataSource = new DataSource(createDataSourceOptions(config));
  await dataSource.initialize();
  try {
    const users = new UsersService(dataSource.getRepository(UserEntity), dataSource.getRepository(AgentEntity), new PasswordHasher(), new UserSessions());
    const existing = await users.findByEmail(input.email);
    if (!existing) return { user: await users.create({ email: input.email, password: input.password, role: 'admin', displayName: input.displayName ?? 'Administrator' }), created: true };
    if (!input.update) throw new ConflictError(`A user with email ${existing.email} exists; pass --update to make it admin and set its password`, { field: 'email' });
    return { user: await users.update(existing.id, { role: 'admin', password: input.password, displayName: input.displayName }), created: false };
  } finally {
    await dataSource.destroy();
  }
}
