import WebSocket from 'ws';
import type { Logger } from '@callplane/core';
import type { AriEventHandlers, AriEventType } from './ari.types';

/** The server refused the credentials (HTTP 401 on the WebSocket upgrade or a REST call). */
export class AriAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AriAuthError';
  }
}

export interface AriEventsSocketOptions {
  /** e.g. `http://127.0.0.1:8088`. */
  baseUrl: string;
  username: string;
  password: string;
  app: string;
  /** Handshake timeout, ms. */
  timeoutMs: number;
  /** Ping interval, ms; a socket that misses a pong for two intervals is closed. Default 10 000. */
  pingIntervalMs?: number;
}

/**
 * The ARI event WebSocket (`/ari/events?app=<app>`) over `ws`, replacing ari-client's socket:
 * ari-client parses messages without a guard and throws (uncaught, process exit) on a
 * non-JSON message or an event type missing from `events.json` (measured, see README). Here a
 * malformed or unknown message is logged and skipped. One instance = one connection; the
 * driver's link supervisor makes a new one per attempt (ari-client's own reconnect gives up
 * after ~43 s).
 */
export class AriEventsSocket {
  private ws?: WebSocket;
  private pingTimer?: NodeJS.Timeout;
  private awaitingPong = false;
  private closedByUs = false;

  constructor(
    private readonly options: AriEventsSocketOptions,
    private readonly handlers: AriEventHandlers,
    private readonly log: Logger,
  ) {}

  /**
   * Opens the socket. Resolves once open; `onClose` is called exactly once if it later drops.
   * @throws AriAuthError on 401, Error on any other failure.
   */
  open(onClose: (reason: string) => void): Promise<void> {
    const { baseUrl, username, password, app, timeoutMs } = this.options;
    const url = new URL(baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    url.pathname = '/ari/events';
    url.search = `?app=${encodeURIComponent(app)}&subscribeAll=false&api_key=${encodeURIComponent(`${username}:${password}`)}`;
    const ws = new WebSocket(url.toString(), {
      handshakeTimeout: timeoutMs,
      headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}` },
      perMessageDeflate: false,
    });
    this.ws = ws;
    return new Promise<void>((resolve, reject) => {
      let opened = false;
      ws.on('unexpected-response', (_req, res) => {
        const status = res.statusCode ?? 0;
        res.resume();
        ws.terminate();
        reject(status === 401 ? new AriAuthError('ARI refused the credentials (401)') : new Error(`ARI WebSocket upgrade refused: HTTP ${status}`));
      });
      ws.on('open', () => {
        opened = true;
        this.startPing();
        resolve();
      });
      ws.on('message', (data: WebSocket.RawData) => this.onMessage(data));
      ws.on('pong', () => (this.awaitingPong = false));
      ws.on('error', (err) => {
        if (!opened) reject(err);
        else this.log.warn({ err: err.message }, 'ARI WebSocket error');
      });
      ws.on('close', (code, reason) => {
        this.stopPing();
        if (!opened) return reject(new Error(`ARI WebSocket closed during handshake (${code})`));
        if (!this.closedByUs) onClose(`ARI WebSocket closed (${code}${reason.length ? ` ${reason.toString()}` : ''})`);
      });
    });
  }

  /** Closes for good (no `onClose`). */
  close(): void {
    this.closedByUs = true;
    this.stopPing();
    this.ws?.terminate();
  }

  private onMessage(data: WebSocket.RawData): void {
    let event: { type?: unknown };
    try {
      event = JSON.parse(data.toString()) as { type?: unknown };
    } catch {
      this.log.warn({ sample: data.toString().slice(0, 200) }, 'malformed ARI event (not JSON) skipped');
      return;
    }
    if (event === null || typeof event !== 'object' || typeof event.type !== 'string') {
      this.log.warn({ sample: data.toString().slice(0, 200) }, 'malformed ARI event (no type) skipped');
      return;
    }
    const handler = this.handlers[event.type as AriEventType] as ((e: unknown) => void) | undefined;
    if (!handler || !Object.prototype.hasOwnProperty.call(this.handlers, event.type)) return;
    try {
      handler(event);
    } catch (err) {
      // A malformed event (missing channel/playback/bridge) must not take the link down.
      this.log.warn({ type: event.type, err: (err as Error).message }, 'ARI event could not be handled, skipped');
    }
  }

  private startPing(): void {
    const interval = this.options.pingIntervalMs ?? 10_000;
    this.pingTimer = setInterval(() => {
      const ws = this.ws;
      if (!ws || ws.readyState !== WebSocket.OPEN) return;
      if (this.awaitingPong) {
        this.log.warn('ARI WebSocket missed a pong; closing it');
        ws.terminate();
        return;
      }
      this.awaitingPong = true;
      ws.ping();
    }, interval);
    this.pingTimer.unref();
  }

  private stopPing(): void {
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.pingTimer = undefined;
  }
}
