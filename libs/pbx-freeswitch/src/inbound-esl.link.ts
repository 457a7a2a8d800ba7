import { errorMessage, retryForever } from '@callplane/core';
import type { Logger } from '@callplane/core';
import type { FreeswitchConnectionConfig, PbxDriverOptions, PbxHealth } from '@callplane/pbx';
import { EslConnection } from './esl/esl.connection';
import { EslAuthError } from './esl/esl.errors';

export type LinkState = PbxHealth['links'][string];

/** Silence on the inbound link after which it is probed, ms (FreeSWITCH HEARTBEATs come every 20 s). */
const IDLE_PROBE_MS = 30_000;

export interface InboundLinkHooks {
  /**
   * Prepare a fresh, authenticated connection (subscribe, resync). Resolves with the function
   * that goes live once the link is marked up (emit driver.connected, replay held events).
   * Throwing closes the connection and retries.
   */
  prepare(conn: EslConnection, reconnect: boolean): Promise<() => void>;
  /** The live connection dropped (the link is already reconnecting). */
  lost(reason: string): void;
}

/**
 * The inbound event-socket link to one FreeSWITCH node: connect + auth, reconnect forever with
 * capped exponential backoff and full jitter (`retryForever`), one attempt at a time, auth
 * failures reported as `auth-failed`, an idle probe against half-open TCP. Every connect and
 * loss is logged with the node.
 */
export class InboundEslLink {
  private current?: EslConnection;
  private running = false;
  private connecting = false;
  private everConnected = false;
  private state: LinkState = 'down';
  private lastErr?: string;
  private changedAt = new Date();
  private firstAttemptDone?: () => void;
  private idleTimer?: NodeJS.Timeout;

  constructor(
    /** `<name> (<id>)`, used in every connect/disconnect log line. */
    private readonly nodeLabel: string,
    private readonly cfg: FreeswitchConnectionConfig,
    private readonly options: PbxDriverOptions,
    private readonly log: Logger,
    private readonly hooks: InboundLinkHooks,
  ) {}

  /** The live connection, if up. */
  get connection(): EslConnection | undefined {
    return this.current && !this.current.closed ? this.current : undefined;
  }

  get status(): { state: LinkState; lastError?: string; since: Date } {
    return { state: this.state, lastError: this.lastErr, since: this.changedAt };
  }

  /** Resolves once the first attempt finished (success or not); keeps trying in the background. */
  start(): Promise<void> {
    if (this.running) return Promise.resolve();
    this.running = true;
    return new Promise<void>((resolve) => {
      this.firstAttemptDone = resolve;
      this.loop();
    });
  }

  stop(): void {
    this.running = false;
    clearInterval(this.idleTimer);
    this.settleFirstAttempt();
    const conn = this.current;
    this.current = undefined;
    conn?.close();
    this.setState('down');
  }

  private loop(): void {
    if (this.connecting || !this.running) return;
    this.connecting = true;
    this.setState('connecting');
    retryForever(() => this.connectOnce(), {
      policy: { initialMs: this.options.reconnectMinMs, maxMs: this.options.reconnectMaxMs, factor: 2 },
      shouldContinue: () => this.running,
      onFailure: (err, attempt) => this.onFailure(err, attempt),
    })
      .catch((err) => this.log.debug({ err: errorMessage(err) }, 'ESL reconnect loop ended (driver stopped)'))
      .finally(() => {
        this.connecting = false;
        this.settleFirstAttempt();
      });
  }

  private onFailure(err: unknown, attempt: number): void {
    this.lastErr = errorMessage(err);
    if (err instanceof EslAuthError) {
      this.setState('auth-failed');
      this.log.error({ attempt, err: this.lastErr }, `ESL authentication failed on node ${this.nodeLabel}; retrying with backoff`);
    } else {
      this.setState('connecting');
      this.log.warn({ attempt, err: this.lastErr }, `ESL connect to node ${this.nodeLabel} failed; retrying with backoff`);
    }
    this.settleFirstAttempt();
  }

  private async connectOnce(): Promise<void> {
    if (!this.running) throw new Error('driver stopped');
    const conn = await EslConnection.connect(this.cfg.eslHost, this.cfg.eslPort, this.cfg.eslPassword, {
      log: this.log,
      requestTimeoutMs: this.options.requestTimeoutMs,
    });
    try {
      if (!this.running) throw new Error('driver stopped');
      const reconnect = this.everConnected;
      const goLive = await this.hooks.prepare(conn, reconnect);
      if (conn.closed) throw new Error('ESL connection closed during resync');
      conn.onClose((reason) => this.onClosed(conn, reason));
      this.current = conn;
      this.everConnected = true;
      this.lastErr = undefined;
      this.setState('up');
      this.watchIdle(conn);
      this.log.info({ reconnect }, `ESL connected to node ${this.nodeLabel}`);
      goLive();
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  private onClosed(conn: EslConnection, reason: string): void {
    if (conn !== this.current) return;
    clearInterval(this.idleTimer);
    this.current = undefined;
    this.log.warn({ reason }, `ESL connection to node ${this.nodeLabel} lost; reconnecting`);
    this.hooks.lost(reason);
    if (this.running) this.loop();
    else this.setState('down');
  }

  /**
   * A half-open TCP link (FreeSWITCH host gone without FIN) delivers nothing and fails nothing:
   * after {@link IDLE_PROBE_MS} of silence send `api status`; no reply within the request
   * timeout closes the link, which reconnects.
   */
  private watchIdle(conn: EslConnection): void {
    clearInterval(this.idleTimer);
    this.idleTimer = setInterval(() => {
      if (conn.closed || conn !== this.current) return clearInterval(this.idleTimer);
      if (Date.now() - conn.lastDataAt < IDLE_PROBE_MS) return;
      conn.api('status').catch((err) => {
        this.log.warn({ err: errorMessage(err) }, `ESL link to node ${this.nodeLabel} did not answer the idle probe; reconnecting`);
        conn.close();
      });
    }, IDLE_PROBE_MS);
    this.idleTimer.unref();
  }

  private setState(state: LinkState): void {
    if (this.state === state) return;
    this.state = state;
    this.changedAt = new Date();
  }

  private settleFirstAttempt(): void {
    this.firstAttemptDone?.();
    this.firstAttemptDone = undefined;
  }
}
