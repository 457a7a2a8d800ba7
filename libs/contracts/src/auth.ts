/** Roles, most powerful first. admin ⊃ supervisor ⊃ agent. */
export type Role = 'admin' | 'supervisor' | 'agent';

export const ROLES: readonly Role[] = ['admin', 'supervisor', 'agent'];

/** Who is calling, as resolved from a JWT or an API key. */
export interface Principal {
  /** User id; for API keys, `apikey:<id>`. */
  subject: string;
  role: Role;
  email?: string;
  /** Set when the user is linked to an agent. */
  agentId?: string;
}
