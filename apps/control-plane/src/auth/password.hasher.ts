import { Injectable } from '@nestjs/common';
import { availableParallelism } from 'node:os';
import { hash, hashSync, verify } from '@node-rs/bcrypt';

/** bcrypt cost factor, 2^10 rounds (OWASP minimum for bcrypt). */
export const BCRYPT_COST = 10;

/**
 * Hashes/compares running at once: one core fewer than the machine has (at least one), so a
 * burst of logins leaves a core to the event loop — libuv's pool has 4 threads, and 4 bcrypt
 * compares on a 2-core machine starve the main thread. Further ones wait in line (cheap).
 */
export const HASH_CONCURRENCY = Math.max(1, availableParallelism() - 1);

/**
 * Password hashing with bcrypt. `@node-rs/bcrypt` runs each hash/compare natively on libuv's
 * thread pool, never on the event loop (bcryptjs, pure JS on the main thread, pushed `/health`
 * from 3 ms to 1.7 s with 20 parallel wrong logins), at most {@link HASH_CONCURRENCY} at a time.
 * Writes `$2b$` hashes and verifies every standard `$2a$`/`$2b$`/`$2y$` hash, including those
 * bcryptjs stored before.
 */
@Injectable()
export class PasswordHasher {
  /** A valid hash of a random string: compared against when the user does not exist, so timing does not reveal emails. */
  private readonly dummyHash = hashSync(`dummy-${Math.random()}`, { cost: BCRYPT_COST });
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  hash(password: string): Promise<string> {
    return this.limited(() => hash(password, { cost: BCRYPT_COST }));
  }

  /** Compares against `hash`, or against a dummy hash when `hash` is undefined (always false then). */
  async verify(password: string, hash: string | undefined): Promise<boolean> {
    const ok = await this.limited(() => verify(password, hash ?? this.dummyHash));
    return ok && hash !== undefined;
  }

  private async limited<T>(work: () => Promise<T>): Promise<T> {
    // A finished job hands its slot straight to the next in line, so `running` never exceeds the limit.
    if (this.running >= HASH_CONCURRENCY) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}
