import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { UnauthenticatedError } from '@callplane/core';
import type { LoginResponse, MeView, Principal, Role } from '@callplane/contracts';
import { PasswordHasher } from './password.hasher';
import { UsersService } from './users.service';
import { ApiKeysService } from './api-keys.service';
import { toUserView } from './user-view.mapper';
import { LoginThrottle } from './login-throttle';

/** Claims callplane puts into its access tokens (RFC 7519 `sub`, `iat`, `exp` + ours). */
interface AccessTokenClaims {
  sub: string;
  role: Role;
  email: string;
  /** The user's `tokenVersion` when issued; a token with an older one is revoked. Absent in tokens issued before it existed (read as 0). */
  tv?: number;
  iat?: number;
  exp?: number;
}

/** A verified access token: who, and until when (epoch ms) the token is valid. */
export interface VerifiedSession {
  principal: Principal;
  expiresAtMs: number;
}

/** Options the module computes once at boot. */
export class AuthOptions {
  constructor(readonly accessTokenTtlS: number) {}
}

/**
 * Who may call callplane: email + password logins issuing JWTs (HS256), API keys for
 * integrations. The REST guard and the Socket.IO gateway both resolve principals here.
 */
@Injectable()
export class AuthService {
  constructor(
    private readonly jwt: JwtService,
    private readonly users: UsersService,
    private readonly apiKeys: ApiKeysService,
    private readonly hasher: PasswordHasher,
    private readonly options: AuthOptions,
    private readonly throttle: LoginThrottle,
  ) {}

  /**
   * Checks the password and issues an access token valid for `JWT_TTL_S` seconds.
   * `client` (the caller's address) keys the login throttle.
   * @throws UnauthenticatedError (`unauthenticated`, HTTP 401) for an unknown email or wrong password (same message for both)
   * @throws TooManyLoginAttemptsError (HTTP 429) after too many failures for this email from this client, from this client, or from everyone
   */
  async login(email: string, password: string, client = 'local'): Promise<LoginResponse> {
    const attempt = this.throttle.begin(email, client);
    const user = await this.users.findByEmail(email);
    const ok = await this.hasher.verify(password, user?.passwordHash);
    if (!user || !ok) throw new UnauthenticatedError('Invalid email or password');
    attempt.succeeded();
    const claims: AccessTokenClaims = { sub: user.id, role: user.role, email: user.email, tv: user.tokenVersion ?? 0 };
    const accessToken = await this.jwt.signAsync(claims);
    return { accessToken, expiresInS: this.options.accessTokenTtlS, user: toUserView(user, await this.users.agentIdOf(user.id)) };
  }

  /**
   * Verifies a JWT from `POST /auth/login` (signature, algorithm HS256, expiry) and resolves the
   * user as it is NOW (current role; `agentId` when linked to an agent).
   * @throws UnauthenticatedError when the token is malformed, expired, badly signed, revoked (password or role changed since), or its user was deleted
   */
  async verifyAccessToken(token: string): Promise<Principal> {
    return (await this.verifySession(token)).principal;
  }

  /** {@link verifyAccessToken} plus the token's expiry, for connections that outlive a request (Socket.IO). */
  async verifySession(token: string): Promise<VerifiedSession> {
    let claims: AccessTokenClaims;
    try {
      claims = await this.jwt.verifyAsync<AccessTokenClaims>(token);
    } catch (err) {
      // jsonwebtoken's TokenExpiredError / JsonWebTokenError / NotBeforeError: all mean "not authenticated".
      throw new UnauthenticatedError(`Invalid access token: ${err instanceof Error ? err.message : String(err)}`);
    }
    const user = await this.users.findById(claims.sub);
    if (!user) throw new UnauthenticatedError('Invalid access token: user no longer exists');
    if ((claims.tv ?? 0) !== (user.tokenVersion ?? 0)) throw new UnauthenticatedError('Invalid access token: revoked (password or role changed); log in again');
    const agentId = await this.users.agentIdOf(user.id);
    const principal: Principal = { subject: user.id, role: user.role, email: user.email, ...(agentId ? { agentId } : {}) };
    return { principal, expiresAtMs: (claims.exp ?? Number.MAX_SAFE_INTEGER / 1000) * 1000 };
  }

  /** @throws UnauthenticatedError for unknown, malformed or revoked keys */
  verifyApiKey(key: string): Promise<Principal> {
    return this.apiKeys.verify(key);
  }

  /**
   * Resolves the caller of an HTTP request from `Authorization: Bearer <jwt>` or `X-Api-Key`.
   * @throws UnauthenticatedError when neither is present or the one given is invalid
   */
  async authenticate(headers: { authorization?: string; apiKey?: string }): Promise<Principal> {
    const auth = headers.authorization?.trim();
    if (auth) {
      const match = /^Bearer\s+(\S+)$/i.exec(auth);
      if (!match) throw new UnauthenticatedError('Authorization header must be "Bearer <token>"');
      return this.verifyAccessToken(match[1]);
    }
    if (headers.apiKey) return this.verifyApiKey(headers.apiKey.trim());
    throw new UnauthenticatedError('Authentication required: send "Authorization: Bearer <token>" or "X-Api-Key: <key>"');
  }

  /**
   * Changes the caller's own password after checking the current one. Every token issued before,
   * the caller's included, is revoked: log in again with the new password.
   * @throws UnauthenticatedError when `currentPassword` is wrong or the principal is an API key
   * @throws TooManyLoginAttemptsError (HTTP 429) after too many wrong current passwords (same limits as logins)
   */
  async changePassword(principal: Principal, currentPassword: string, newPassword: string, client = 'local'): Promise<void> {
    const attempt = this.throttle.begin(`password:${principal.subject}`, client);
    const user = principal.subject.startsWith('apikey:') ? null : await this.users.findById(principal.subject);
    if (!user || !(await this.hasher.verify(currentPassword, user.passwordHash))) throw new UnauthenticatedError('Current password is wrong');
    attempt.succeeded();
    await this.users.update(user.id, { password: newPassword });
  }

  /** The caller and, for logins, their user (`GET /auth/me`). API keys have no user (`user: null`). */
  async me(principal: Principal): Promise<MeView> {
    if (principal.subject.startsWith('apikey:')) return { principal, user: null };
    const user = await this.users.findById(principal.subject);
    if (!user) throw new UnauthenticatedError('User no longer exists');
    return { principal, user: toUserView(user, principal.agentId ?? null) };
  }
}
