import type { Principal, Role } from '../auth';

/** A user as the API shows it (never the password hash). Dates are ISO-8601 strings (UTC). */
export interface UserView {
  id: string;
  email: string;
  role: Role;
  displayName: string;
  /** Agent linked to this user, if any. */
  agentId: string | null;
  createdAt: string;
}

/** `POST /auth/login` body. */
export interface LoginRequest {
  email: string;
  password: string;
}

/** `POST /auth/login` answer. Send the token as `Authorization: Bearer <accessToken>`. */
export interface LoginResponse {
  /** JWT (HS256). */
  accessToken: string;
  /** Lifetime of the token, s. */
  expiresInS: number;
  user: UserView;
}

/** An API key as listed (the key itself is shown only once, at creation). */
export interface ApiKeyView {
  id: string;
  name: string;
  /** First characters of the key, e.g. `cp_Ab12xY`. */
  prefix: string;
  role: Role;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** `POST /api-keys` answer: the plaintext `key` (`cp_…`), returned this once only. Send it as `X-Api-Key`. */
export interface CreatedApiKeyView extends ApiKeyView {
  key: string;
}

/** `GET /auth/me`: who is calling; `user` is null for API keys. */
export interface MeView {
  principal: Principal;
  user: UserView | null;
}
