import type { UserView } from '@callplane/contracts';
import type { UserEntity } from '@callplane/persistence';

/** The API's view of a user row (no password hash). */
export function toUserView(user: UserEntity, agentId: string | null): UserView {
  return { id: user.id, email: user.email, role: user.role, displayName: user.displayName, agentId, createdAt: user.createdAt.toISOString() };
}
