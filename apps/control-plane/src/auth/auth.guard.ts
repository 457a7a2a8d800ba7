import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError } from '@callplane/core';
import type { Role } from '@callplane/contracts';
import { AuthService } from './auth.service';
import { PRINCIPAL_PROPERTY, PUBLIC_KEY, ROLES_KEY } from './auth.decorators';
import { roleSatisfies } from './roles';

/**
 * The global HTTP guard (registered as APP_GUARD by AuthModule): every route needs
 * `Authorization: Bearer <jwt>` or `X-Api-Key` unless marked {@link Public}, and the role named
 * by {@link Roles}. Throws UnauthenticatedError (401) / ForbiddenError (403), mapped by the
 * HTTP exception filter. Socket.IO authenticates in its gateway (handshake), not here.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(private readonly reflector: Reflector, private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | string[] | undefined>; [PRINCIPAL_PROPERTY]?: unknown }>();
    const header = (name: string) => {
      const v = request.headers[name];
      return Array.isArray(v) ? v[0] : v;
    };
    const principal = await this.auth.authenticate({ authorization: header('authorization'), apiKey: header('x-api-key') });
    request[PRINCIPAL_PROPERTY] = principal;
    const needed = this.reflector.getAllAndOverride<Role[] | undefined>(ROLES_KEY, targets);
    if (needed?.length && !needed.some((role) => roleSatisfies(principal.role, role))) {
      throw new ForbiddenError(`This needs role ${needed.join(' or ')}; you are ${principal.role}`, { required: needed, role: principal.role });
    }
    return true;
  }
}
