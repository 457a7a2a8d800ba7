import type { Role } from '@callplane/contracts';

const RANK: Record<Role, number> = { admin: 3, supervisor: 2, agent: 1 };

/** True when a principal with role `have` may do what needs role `need` (admin ⊃ supervisor ⊃ agent). */
export function roleSatisfies(have: Role, need: Role): boolean {
  return RANK[have] >= RANK[need];
}
