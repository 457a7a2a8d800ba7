import { createConnection, type Socket } from 'node:net';
import type { Logger } from '@callplane/core';
import { amiActionText } from './ami-action.builder';
import { AmiFrameParser } from './ami-frame.parser';
import { header, type AmiFrame } from './ami.types';

/** AMI refused the login (`Response: Error`, "Authentication failed"). */
export class AmiAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmiAuthError';
  }
}

/** An AMI action answered `Response: Error`, got no answer in time, or the link is down. */
export class AmiActionError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'AmiActionError';
  }
}

export interface AmiConnectionOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** Timeout for connect, login and every action, ms. */
  timeoutMs: number;
  /** A `Ping` action this often detects a dead (half-open) link, ms; 0 = off. Default 15 000. */
  keepAliveMs?: number;
  /** Event names to deliver; others are skipped unparsed. Default: all. */
  events?: ReadonlySet<string>;
}

interface PendingAction {
  resolve: (frame: AmiFrame) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One AMI session over `node:net` (Asterisk manager.c protocol: banner, `Login` with an
 * event class mask, actions matched by `ActionID`, events). asterisk-manager@0.2.0 is not used: its
 * reader stalls for good on one malformed frame and its reconnect logs through console.log (see
 * {@link AmiFrameParser} and README). One instance = one connection; the driver's link
 * supervisor reconnects.
 */
export class AmiConnection {
  private socket?: Socket;
  private readonly pending = new Map<string, PendingAction>();
  private seq = 0;
  private closedByUs = false;
  private keepAlive?: NodeJS.Timeout;

  constructor(
    private readonly options: AmiConnectionOptions,
    private readonly onEvent: (frame: AmiFrame) => void,
    private readonly log: Logger,
  ) {}

  /**
   * Connects and logs in. `onClose` is called once if the session later drops.
   * @throws AmiAuthError when the login is refused; Error when unreachable or too slow.
   */
  open(onClose: (reason: string) => void): Promise<void> {
    const { host, port, username, secret, timeoutMs } = this.options;
    const socket = createConnection({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    socket.setKeepAlive(true, 10_000);
    socket.setEncoding('utf8');
    const parser = new AmiFrameParser(
      (frame) => this.onFrame(frame),
      (raw, reason) => this.log.warn({ frame: raw, reason }, 'malformed AMI frame skipped'),
      this.options.events,
    );
    socket.on('data', (chunk: string) => parser.push(chunk));
    return new Promise<void>((resolve, reject) => {
      let up = false;
      const timer = setTimeout(() => fail(new Error(`AMI ${host}:${port}: no login within ${timeoutMs} ms`)), timeoutMs);
      const fail = (err: Error): void => {
        clearTimeout(timer);
        socket.destroy();
        reject(err);
      };
      socket.on('error', (err) => {
        if (!up) fail(new Error(`AMI ${host}:${port}: ${err.message}`));
        else this.log.warn({ err: err.message }, 'AMI socket error');
      });
      socket.on('close', () => {
        this.stopKeepAlive();
        for (const [id, p] of this.pending) {
          clearTimeout(p.timer);
          p.reject(new AmiActionError('AMI connection closed', false));
          this.pending.delete(id);
        }
        if (!up) return fail(new Error(`AMI ${host}:${port}: connection closed before login`));
        if (!this.closedByUs) onClose('AMI connection closed');
      });
      socket.on('connect', () => {
        // Only the event classes the driver reads (Hangup: call; ContactStatus, FullyBooted: system; RTCP*: reporting).
        this.action({ Action: 'Login', Username: username, Secret: secret, Events: 'call,system,reporting' }).then(
          () => {
            up = true;
            clearTimeout(timer);
            this.startKeepAlive();
            resolve();
          },
          (err: Error) => fail(err instanceof AmiActionError && !err.timedOut ? new AmiAuthError(`AMI login refused: ${err.message}`) : err),
        );
      });
    });
  }

  /**
   * Sends an action and resolves with its response frame. List actions answer with events,
   * delivered to `onEvent`.
   * @throws AmiActionError on `Response: Error`, no response within the timeout, or no link;
   *   PbxInvalidArgumentError (nothing sent) when a value holds a control character (see {@link amiActionText}).
   */
  action(fields: Record<string, string>): Promise<AmiFrame> {
    const socket = this.socket;
    if (!socket || socket.destroyed || !socket.writable) return Promise.reject(new AmiActionError('AMI not connected', false));
    const id = `cp-${++this.seq}`;
    let text: string;
    try {
      text = amiActionText(fields, id);
    } catch (err) {
      return Promise.reject(err);
    }
    return new Promise<AmiFrame>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new AmiActionError(`AMI ${fields.Action}: no response within ${this.options.timeoutMs} ms`, true));
      }, this.options.timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      socket.write(text);
    });
  }

  /** Closes for good (no `onClose`). */
  close(): void {
    this.closedByUs = true;
    this.stopKeepAlive();
    this.socket?.destroy();
    this.socket = undefined;
  }

  private onFrame(frame: AmiFrame): void {
    const response = header(frame, 'response');
    if (response) {
      const id = header(frame, 'actionid');
      const p = this.pending.get(id);
      if (!p) return;
      this.pending.delete(id);
      clearTimeout(p.timer);
      if (response.toLowerCase() === 'error') p.reject(new AmiActionError(header(frame, 'message') || 'error', false));
      else p.resolve(frame);
      return;
    }
    this.onEvent(frame);
  }

  private startKeepAlive(): void {
    const every = this.options.keepAliveMs ?? 15_000;
    if (every <= 0) return;
    this.keepAlive = setInterval(() => {
      this.action({ Action: 'Ping' }).catch((err: AmiActionError) => {
        if (!err.timedOut) return; // closed meanwhile: the close handler reports it
        this.log.warn('AMI Ping unanswered; closing the link');
        this.socket?.destroy();
      });
    }, every);
    this.keepAlive.unref();
  }

  private stopKeepAlive(): void {
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.keepAlive = undefined;
  }
}
