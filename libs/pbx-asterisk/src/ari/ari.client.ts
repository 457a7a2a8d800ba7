import * as ariClient from 'ari-client';
import { createLogger, type Logger } from '@callplane/core';
import { AriHttpClient, AriHttpError, type Query } from './ari-http.client';
import { AriAuthError, AriEventsSocket } from './ari-events.socket';
import type { AriEventHandlers } from './ari.types';

export interface AriClientOptions {
  /** e.g. `http://127.0.0.1:8088` (no `/ari`). */
  baseUrl: string;
  username: string;
  password: string;
  /** Stasis application name. */
  app: string;
  /** Timeout of every request and of the WebSocket handshake, ms. */
  timeoutMs: number;
}

/**
 * swagger-client@2.0.26 (under ari-client) assigns an implicit global `log` that prints every
 * message with console.log and keeps all of them in `log.history` (unbounded). Route it to
 * our logger at debug instead; it is only ever called while api-docs load.
 */
const leaked = globalThis as { log?: unknown };
if (typeof leaked.log === 'function' && String(leaked.log).includes('log.history')) {
  const swaggerLog = createLogger('pbx-asterisk', { lib: 'swagger-client' });
  leaked.log = (...args: unknown[]): void => swaggerLog.debug({ args }, 'swagger-client');
}

/** ARI operations the driver calls that an old Asterisk may lack (checked once against its api-docs). */
const REQUIRED_OPERATIONS: Array<[resource: string, operation: string, since: string]> = [
  ['channels', 'create', 'Asterisk 14 (POST /channels/create)'],
  ['channels', 'dial', 'Asterisk 14 (POST /channels/{id}/dial)'],
  ['channels', 'snoopChannelWithId', 'Asterisk 13 (POST /channels/{id}/snoop/{snoopId})'],
  ['channels', 'rtpstatistics', 'Asterisk 18 (GET /channels/{id}/rtp_statistics)'],
];

/**
 * One ARI link: REST (keep-alive, bounded, with timeouts) and the event WebSocket, plus a
 * one-time API discovery through `ari-client` (it downloads Asterisk's swagger `api-docs` and
 * tells whether the operations the driver needs exist). Hot-path REST and events bypass
 * ari-client for the measured reasons in the README.
 */
export class AriClient {
  readonly http: AriHttpClient;
  private socket?: AriEventsSocket;
  private discovered = false;
  private closed = false;

  constructor(
    private readonly options: AriClientOptions,
    private readonly handlers: AriEventHandlers,
    private readonly log: Logger,
  ) {
    this.http = new AriHttpClient({ ...options });
  }

  /**
   * Checks credentials, discovers the API (first time only), opens the event socket and sets the
   * app's event filter. `onClose` is called once when the socket drops.
   * @throws AriAuthError on 401; other errors when unreachable or incompatible.
   */
  async connect(onClose: (reason: string) => void): Promise<void> {
    this.closed = false;
    await this.checkCredentials();
    if (!this.discovered) await this.discover();
    this.socket?.close();
    const socket = new AriEventsSocket(this.options, this.handlers, this.log);
    this.socket = socket;
    await socket.open(onClose);
    if (this.closed) {
      // close() ran while this attempt was in flight (driver stopped): do not leave the socket open.
      socket.close();
      throw new Error('ARI client closed during connect');
    }
    const app = `/applications/${encodeURIComponent(this.options.app)}`;
    // No `endpoint:PJSIP` subscription: Asterisk 22 then also forwards every event of every channel
    // on a PJSIP endpoint (callers and agent legs alike) through the endpoint topic, so the app gets
    // each ChannelDtmfReceived, ChannelStateChange, … twice (measured on 22.10.1: one digit reached
    // two IVR menus). Registration state comes from AMI ContactStatus instead.
    // Asterisk then sends only what the driver reads (no ChannelVarset/ChannelDialplan/Dial floods): less work on both sides.
    await this.http
      .request('PUT', `${app}/eventFilter`, undefined, { allowed: Object.keys(this.handlers).map((type) => ({ type })) })
      .catch((err: Error) => this.log.info({ err: err.message }, 'ARI eventFilter not supported (Asterisk < 20); receiving every event'));
  }

  request<T = unknown>(method: string, path: string, query?: Query, body?: Record<string, unknown>): Promise<T> {
    return this.http.request<T>(method, path, query, body);
  }

  /** Closes the socket (no `onClose`) and the kept-alive connections. */
  close(): void {
    this.closed = true;
    this.socket?.close();
    this.socket = undefined;
    this.http.close();
  }

  /** Drops only the event socket (the supervisor reconnects). */
  closeSocket(): void {
    this.socket?.close();
    this.socket = undefined;
  }

  private async checkCredentials(): Promise<void> {
    try {
      await this.http.request('GET', '/applications');
    } catch (err) {
      if (err instanceof AriHttpError && err.status === 401) throw new AriAuthError('ARI refused the credentials (401)');
      if (err instanceof AriHttpError) return; // reachable and authenticated; the listing itself does not matter
      throw err;
    }
  }

  /**
   * Loads the api-docs with ari-client (≈50–70 ms) and checks {@link REQUIRED_OPERATIONS}.
   * Done once per driver: ari-client prints swagger's deprecation notice on each load.
   */
  private async discover(): Promise<void> {
    const { baseUrl, username, password, timeoutMs } = this.options;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`ARI api-docs not loaded within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      const client = (await Promise.race([ariClient.connect(baseUrl, username, password), timeout])) as unknown as Record<string, Record<string, unknown>>;
      const missing = REQUIRED_OPERATIONS.filter(([r, op]) => typeof client[r]?.[op] !== 'function');
      if (missing.length > 0) {
        this.log.warn({ missing: missing.map(([r, op, since]) => `${r}.${op} (needs ${since})`) }, 'ARI lacks operations callplane uses; upgrade Asterisk');
      }
      this.discovered = true;
    } finally {
      clearTimeout(timer);
    }
  }
}
