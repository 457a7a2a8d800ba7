import { Injectable } from '@nestjs/common';
import { DomainError } from '@callplane/core';

/** Failed logins allowed per (email, client address) within {@link LOGIN_WINDOW_MS}. */
export const LOGIN_MAX_FAILURES = 10;
/** Sliding window of the login throttle, ms (15 min). */
export const LOGIN_WINDOW_MS = 15 * 60_000;

/** Too many failed logins for this email from this address. HTTP 429. */
export class TooManyLoginAttemptsError extends DomainError {
  readonly code = 'too-many-login-attempts';
  override readonly httpStatus = 429;
  constructor(retryAfterS: number) {
    super(`Too many failed logins; try again in ${retryAfterS} s`, { retryAfterS });
  }
}

/**
 * Slows password guessing: after {@link LOGIN_MAX_FAILURES} failures for one email from one
 * client address within {@link LOGIN_WINDOW_MS}, further attempts are refused (without
 * checking the password) until the oldest failure leaves the window. Keyed by address too, so
 * nobody can lock an admin out from elsewhere. In memory, per process.
 */
@Injectable()
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly now: () => number = Date.now) {}

  /** @throws TooManyLoginAttemptsError */
  assertAllowed(email: string, client: string): void {
    const recent = this.recent(this.key(email, client));
    if (recent.length >= LOGIN_MAX_FAILURES) {
      throw new TooManyLoginAttemptsError(Math.ceil((recent[0] + LOGIN_WINDOW_MS - this.now()) / 1000));
    }
  }

  recordFailure(email: string, client: string): void {
    const key = this.key(email, client);
    this.failures.set(key, [...this.recent(key), this.now()]);
  }

  recordSuccess(email: string, client: string): void {
    this.failures.delete(this.key(email, client));
  }

  private recent(key: string): number[] {
    const cutoff = this.now() - LOGIN_WINDOW_MS;
    const kept = (this.failures.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  private key(email: string, client: string): string {
    return `${email.trim().toLowerCase()}|${client}`;
  }
}
