import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError } from '@callplane/core';
import type { Role, UserView } from '@callplane/contracts';
import { AgentEntity, isUniqueViolation, UserEntity } from '@callplane/persistence';
import { PasswordHasher } from './password.hasher';
import { toUserView } from './user-view.mapper';
import { UserSessions } from './user-sessions';

export interface CreateUserInput {
  email: string;
  /** Plain password (≥ 8 chars, checked by the DTO); only its bcrypt hash is stored. */
  password: string;
  role: Role;
  displayName?: string;
}

export interface UpdateUserInput {
  password?: string;
  role?: Role;
  displayName?: string;
}

/** Thrown when removing or demoting the last admin would lock everyone out. */
export class LastAdminError extends ConflictError {
  override readonly code = 'last-admin';
  constructor() {
    super('At least one admin must remain');
  }
}

/** Users: create/update/remove with hashed passwords; emails are stored lower-cased. */
@Injectable()
export class UsersService {
  constructor(
    @InjectRepository(UserEntity) private readonly users: Repository<UserEntity>,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly hasher: PasswordHasher,
    private readonly sessions: UserSessions,
  ) {}

  async list(): Promise<UserView[]> {
    const [users, agents] = await Promise.all([this.users.find({ order: { email: 'ASC' } }), this.agents.find({ select: { id: true, userId: true } })]);
    const agentByUser = new Map(agents.filter((a) => a.userId).map((a) => [a.userId as string, a.id]));
    return users.map((u) => toUserView(u, agentByUser.get(u.id) ?? null));
  }

  /** @throws NotFoundError */
  async get(id: string): Promise<UserView> {
    return this.view(await this.entity(id));
  }

  findByEmail(email: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { email: email.trim().toLowerCase() } });
  }

  findById(id: string): Promise<UserEntity | null> {
    return this.users.findOne({ where: { id } });
  }

  /** Agent linked to the user, if any. */
  async agentIdOf(userId: string): Promise<string | null> {
    const agent = await this.agents.findOne({ where: { userId }, select: { id: true } });
    return agent?.id ?? null;
  }

  /** @throws ConflictError (`conflict`) when the email is taken */
  async create(input: CreateUserInput): Promise<UserView> {
    const email = input.email.trim().toLowerCase();
    if (await this.findByEmail(email)) throw new ConflictError(`A user with email ${email} exists`, { field: 'email' });
    const entity = this.users.create({ email, role: input.role, displayName: input.displayName ?? email.split('@')[0], passwordHash: await this.hasher.hash(input.password) });
    try {
      return this.view(await this.users.save(entity));
    } catch (err) {
      // Two concurrent creates with the same email: the unique key decides.
      if (isUniqueViolation(err)) throw new ConflictError(`A user with email ${email} exists`, { field: 'email' });
      throw err;
    }
  }

  /**
   * A new password or role revokes every token issued to the user before (their `tokenVersion`
   * rises; open sockets are disconnected through {@link UserSessions}).
   * @throws NotFoundError, LastAdminError
   */
  async update(id: string, input: UpdateUserInput): Promise<UserView> {
    const user = await this.entity(id);
    if (input.role && input.role !== 'admin' && user.role === 'admin') await this.assertNotLastAdmin();
    const roleChanged = input.role !== undefined && input.role !== user.role;
    if (input.role) user.role = input.role;
    if (input.displayName !== undefined) user.displayName = input.displayName;
    if (input.password) user.passwordHash = await this.hasher.hash(input.password);
    if (roleChanged || input.password) user.tokenVersion = (user.tokenVersion ?? 0) + 1;
    const saved = await this.users.save(user);
    if (input.password) this.sessions.revoke(id, 'password-changed');
    else if (roleChanged) this.sessions.revoke(id, 'role-changed');
    return this.view(saved);
  }

  /** Deletes the user; their tokens stop working and their sockets are disconnected. @throws NotFoundError, LastAdminError */
  async remove(id: string): Promise<void> {
    const user = await this.entity(id);
    if (user.role === 'admin') await this.assertNotLastAdmin();
    await this.users.delete({ id });
    this.sessions.revoke(id, 'user-deleted');
  }

  countAdmins(): Promise<number> {
    return this.users.count({ where: { role: 'admin' } });
  }

  private async assertNotLastAdmin(): Promise<void> {
    if ((await this.countAdmins()) <= 1) throw new LastAdminError();
  }

  private async entity(id: string): Promise<UserEntity> {
    const user = await this.findById(id);
    if (!user) throw new NotFoundError('User', id);
    return user;
  }

  private async view(user: UserEntity): Promise<UserView> {
    return toUserView(user, await this.agentIdOf(user.id));
  }
}
