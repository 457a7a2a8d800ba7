import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Principal, Role } from '@callplane/contracts';

export const ROLES_KEY = 'callplane:roles';
export const PUBLIC_KEY = 'callplane:public';

/**
 * Minimum role(s) for a controller or handler; a higher role passes too (admin ⊃ supervisor ⊃
 * agent). Without it any authenticated principal passes. The handler's decorator wins over the class's.
 */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);

/** Opens a handler (or controller) to unauthenticated requests (`/health`, `/auth/login`). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** Request property the guard puts the resolved {@link Principal} on. */
export const PRINCIPAL_PROPERTY = 'principal';

/** Injects the authenticated {@link Principal} into a handler parameter. */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  return ctx.switchToHttp().getRequest()[PRINCIPAL_PROPERTY];
});
