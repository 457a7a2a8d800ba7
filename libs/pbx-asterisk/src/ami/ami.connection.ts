import type { Logger } from '@callplane/core';
import type { AmiFrame } from './ami.types';

/** The part of `asterisk-manager@0.2.0`'s Manager object used here (the package ships no types). */
interface AsteriskManager {
  connect(port: number, host: string, callback?: (err: unknown) => void): void;
  login(callback: (err?: AmiFrame) => void): void;
  action(action: Record<string, string>, callback: (err: AmiFrame | undefined, res: AmiFrame) => void): string;
  disconnect(): void;
  isConnected(): boolean;
  on(event: string, listener: (...args: any[]) => void): void;
  removeAllListeners(event?: string): void;
}
type ManagerCtor = (port: number | undefined, host: string, username: string, password: string, events: boolean) => AsteriskManager;
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Manager = require('asterisk-manager') as ManagerCtor;

/** AMI refused the login (`Response: Error`, "Authentication failed"). */
export class AmiAuthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmiAuthError';
  }
}

/** An AMI action answered `Response: Error`, or got no answer in time. */
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
}

/**
 * One AMI session over `asterisk-manager`: TCP connect, `Login`, events and actions with a
 * timeout. The library's own reconnect (`keepConnected`, +10 s per try, `console.log`) is not
 * used: one instance = one connection, and the driver's link supervisor reconnects with
 * capped jittered backoff. Frames the library cannot classify (no `Event`, no `Response`) are
 * logged and skipped.
 */
export class AmiConnection {
  private manager?: AsteriskManager;
  private closedByUs = false;

  constructor(
    private readonly options: AmiConnectionOptions,
    private readonly onEvent: (frame: AmiFrame) => void,
    private readonly log: Logger,
  ) {}

  /**
   * Connects and logs in. `onClose` is called once if the connection later drops.
   * @throws AmiAuthError when the login is refused; Error when unreachable or too slow.
   */
  open(onClose: (reason: string) => void): Promise<void> {
    const { host, port, username, secret, timeoutMs } = this.options;
    const manager = Manager(undefined, host, username, secret, true);
    this.manager = manager;
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      let up = false;
      const fail = (err: Error): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this.teardown(manager);
        reject(err);
      };
      const timer = setTimeout(() => fail(new Error(`AMI ${host}:${port}: no login within ${timeoutMs} ms`)), timeoutMs);
      manager.on('error', (err: Error) => {
        if (!settled) fail(new Error(`AMI ${host}:${port}: ${err.message}`));
        else this.log.warn({ err: err.message }, 'AMI socket error');
      });
      manager.on('close', () => {
        if (!settled) return fail(new Error(`AMI ${host}:${port}: connection closed during login`));
        if (up && !this.closedByUs) {
          up = false;
          onClose('AMI connection closed');
        }
      });
      manager.on('managerevent', (frame: AmiFrame) => this.onEvent(frame));
      // asterisk-manager emits every frame without `Event` here, action responses included.
      manager.on('asterisk', (frame: AmiFrame) => {
        if (frame.response === undefined) this.log.warn({ frame: sample(frame) }, 'malformed AMI frame (no Event, no Response) skipped');
      });
      manager.connect(port, host, () => {
        manager.login((err?: AmiFrame) => {
          if (err) return fail(new AmiAuthError(`AMI login refused: ${String(err.message ?? 'Authentication failed')}`));
          if (settled) return;
          settled = true;
          up = true;
          clearTimeout(timer);
          resolve();
        });
      });
    });
  }

  /**
   * Sends an action and resolves with its response frame. List actions answer with events
   * (delivered to `onEvent`); only the first response frame comes back here.
   * @throws AmiActionError on `Response: Error` or no response within the timeout.
   */
  action(action: Record<string, string>): Promise<AmiFrame> {
    const manager = this.manager;
    if (!manager || !manager.isConnected()) return Promise.reject(new AmiActionError('AMI not connected', false));
    return new Promise<AmiFrame>((resolve, reject) => {
      let id = '';
      const timer = setTimeout(() => {
        manager.removeAllListeners(id);
        reject(new AmiActionError(`AMI ${action.action}: no response within ${this.options.timeoutMs} ms`, true));
      }, this.options.timeoutMs);
      id = manager.action(action, (err, res) => {
        clearTimeout(timer);
        if (err) reject(new AmiActionError(`AMI ${action.action}: ${String(err.message ?? 'error')}`, false));
        else resolve(res);
      });
    });
  }

  /** Closes for good (no `onClose`). */
  close(): void {
    this.closedByUs = true;
    if (this.manager) this.teardown(this.manager);
    this.manager = undefined;
  }

  private teardown(manager: AsteriskManager): void {
    manager.disconnect();
    manager.removeAllListeners('managerevent');
    manager.removeAllListeners('asterisk');
  }
}

function sample(frame: AmiFrame): string {
  return JSON.stringify(frame).slice(0, 200);
}
