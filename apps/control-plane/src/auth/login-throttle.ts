import { Injectable } from '@nestjs/common';
import { DomainError } from '@callplane/core';

/** Failed logins allowed per (email, client address) within {@link LOGIN_WINDOW_MS}. */
export const LOGIN_MAX_FAILURES = 10;
/** Sliding window of the per-email and per-address limits, ms (15 min). */
export const LOGIN_WINDOW_MS = 15 * 60_000;
/** Sliding window of the global limit, ms (1 min). */
export const LOGIN_GLOBAL_WINDOW_MS = 60_000;

/** Too many failed attempts. HTTP 429 with `details.retryAfterS`. */
export class TooManyLoginAttemptsError extends DomainError {
  readonly code = 'too-many-login-attempts';
  override readonly httpStatus = 429;
  constructor(retryAfterS: number, scope: 'email' | 'address' | 'global') {
    super(`Too many failed attempts; try again in ${retryAfterS} s`, { retryAfterS, scope });
  }
}

/** Limits of {@link LoginThrottle}. */
export interface LoginThrottleLimits {
  /** Failures per (key, address) in 15 min — key is the e-mail, or `password:<userId>`. */
  perKey: number;
  /** Failures per client address in 15 min, whatever the e-mails (a spray over many e-mails). */
  perAddress: number;
  /** Failures from everyone together in 1 min (a spray from many addresses). */
  global: number;
}

/** One attempt in progress: it counts as a failure until {@link ThrottledAttempt.succeeded} is called. */
export interface ThrottledAttempt {
  succeeded(): void;
}

/**
 * Slows password guessing at three levels: per e-mail and address (so nobody can lock an admin
 * out from elsewhere), per address (a spray over many e-mails) and globally (a spray from many
 * addresses, which also bounds the hashing work). An attempt counts as a failure from the moment
 * it starts, so 50 parallel guesses cannot all slip past the check before the first one fails;
 * a success takes it back and clears the e-mail's failures. Refused attempts never check a
 * password. In memory, per process.
 */
@Injectable()
export class LoginThrottle {
  private readonly byKey = new Map<string, number[]>();
  private readonly byAddress = new Map<string, number[]>();
  private global: number[] = [];

  constructor(
    private readonly limits: LoginThrottleLimits = { perKey: LOGIN_MAX_FAILURES, perAddress: 50, global: 600 },
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Starts an attempt for `key` (an e-mail, case-insensitive) from `client`.
   * @throws TooManyLoginAttemptsError when any of the three limits is reached
   */
  begin(key: string, client: string): ThrottledAttempt {
    const k = `${key.trim().toLowerCase()}|${client}`;
    const now = this.now();
    const pair = this.recent(this.byKey, k, now - LOGIN_WINDOW_MS);
    const address = this.recent(this.byAddress, client, now - LOGIN_WINDOW_MS);
    this.global = this.global.filter((t) => t > now - LOGIN_GLOBAL_WINDOW_MS);
    if (pair.length >= this.limits.perKey) throw this.refuse(pair[0] + LOGIN_WINDOW_MS - now, 'email');
    if (address.length >= this.limits.perAddress) throw this.refuse(address[0] + LOGIN_WINDOW_MS - now, 'address');
    if (this.global.length >= this.limits.global) throw this.refuse(this.global[0] + LOGIN_GLOBAL_WINDOW_MS - now, 'global');
    this.byKey.set(k, [...pair, now]);
    this.byAddress.set(client, [...address, now]);
    this.global.push(now);
    let settled = false;
    return {
      succeeded: () => {
        if (settled) return;
        settled = true;
        this.byKey.delete(k);
        this.takeBack(this.byAddress.get(client), now);
        this.takeBack(this.global, now);
      },
    };
  }

  private refuse(ms: number, scope: 'email' | 'address' | 'global'): TooManyLoginAttemptsError {
    return new TooManyLoginAttemptsError(Math.max(1, Math.ceil(ms / 1000)), scope);
  }

  private takeBack(list: number[] | undefined, at: number): void {
    const i = list?.lastIndexOf(at) ?? -1;
    if (i >= 0) list!.splice(i, 1);
  }

  private recent(map: Map<string, number[]>, key: string, cutoff: number): number[] {
    const kept = (map.get(key) ?? []).filter((t) => t > cutoff);
    if (kept.length) map.set(key, kept);
    else map.delete(key);
    return kept;
  }
}
