import { errorMessage, retryForever, type BackoffPolicy, type Logger } from '@callplane/core';

export type LinkState = 'up' | 'connecting' | 'down' | 'auth-failed';

export interface LinkHooks {
  /**
   * One connection attempt. Resolves once the link is usable; must call `lost(reason)` (given
   * as argument) exactly once if the established link drops later.
   */
  connect: (lost: (reason: string) => void) => Promise<void>;
  /** True for errors that mean "credentials refused" (health `auth-failed`; still retried). */
  isAuthError: (err: unknown) => boolean;
  onUp: () => void;
  onDown: (reason: string) => void;
  /** Called when health-relevant state changes. */
  onStateChange?: () => void;
}

/**
 * Keeps one link (ARI or AMI) connected forever: capped exponential backoff with full jitter
 * via `retryForever`, exactly one attempt at a time, every connect/disconnect logged with the
 * node (the logger carries it). State is what `/health` shows per link.
 */
export class LinkSupervisor {
  state: LinkState = 'down';
  lastError?: string;
  private stopped = true;
  private looping = false;
  private generation = 0;
  /** The link dropped between a successful attempt and the loop noticing it. */
  private lostDuringConnect = false;

  constructor(
    readonly name: 'ari' | 'ami',
    private readonly policy: BackoffPolicy,
    private readonly hooks: LinkHooks,
    private readonly log: Logger,
  ) {}

  /** Starts the loop; resolves after the first attempt finished, successful or not. */
  start(): Promise<void> {
    this.stopped = false;
    return new Promise<void>((resolve) => this.loop(resolve));
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.setState('down');
  }

  private loop(firstAttemptDone?: () => void): void {
    if (this.looping || this.stopped) {
      firstAttemptDone?.();
      return;
    }
    this.looping = true;
    this.setState('connecting');
    let attempts = 0;
    retryForever(
      async () => {
        attempts++;
        this.lostDuringConnect = false;
        if (this.stopped) return false;
        const gen = ++this.generation;
        await this.hooks.connect((reason) => this.lost(gen, reason));
        if (this.stopped || gen !== this.generation) return false;
        return true;
      },
      {
        policy: this.policy,
        shouldContinue: () => !this.stopped,
        onFailure: (err, attemptNo) => {
          this.lastError = errorMessage(err);
          const auth = this.hooks.isAuthError(err);
          this.setState(auth ? 'auth-failed' : 'connecting');
          this.log.warn({ link: this.name, attempt: attemptNo, err: this.lastError }, auth ? `${this.name} credentials refused; retrying` : `${this.name} connect failed; retrying`);
          firstAttemptDone?.();
        },
      },
    )
      .then((connected) => {
        this.looping = false;
        if (!connected) return;
        if (this.lostDuringConnect) {
          this.lostDuringConnect = false;
          this.loop();
          return;
        }
        this.setState('up');
        this.log.info({ link: this.name, attempts }, `${this.name} connected`);
        this.hooks.onUp();
      })
      .catch((err: unknown) => {
        // Only reachable once stop() made shouldContinue false.
        this.looping = false;
        this.log.debug({ link: this.name, err: errorMessage(err) }, `${this.name} connect loop ended by stop`);
      })
      .finally(() => firstAttemptDone?.());
  }

  private lost(gen: number, reason: string): void {
    if (gen !== this.generation || this.stopped) return;
    this.lastError = reason;
    if (this.looping) {
      this.lostDuringConnect = true;
      return;
    }
    this.log.warn({ link: this.name, reason }, `${this.name} disconnected; reconnecting`);
    this.setState('connecting');
    this.hooks.onDown(reason);
    this.loop();
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    this.hooks.onStateChange?.();
  }
}
