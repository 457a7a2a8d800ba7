import { randomUUID } from 'node:crypto';
import * as net from 'node:net';
import type { Logger } from '@callplane/core';
import { EslFrameParser } from './esl-frame.parser';
import type { EslFrame, EslMalformedFrame } from './esl-frame.parser';
import { decodeEvent, EslEventDecodeError, peekJsonString } from './esl-event';
import { eslFrame } from './esl-commands';
import type { EslEvent } from './esl-event';
import { EslAuthError, EslCommandError, EslConnectionError, EslTimeoutError } from './esl.errors';

export interface EslConnectionOptions {
  log: Logger;
  /** Default timeout of one command, ms. */
  requestTimeoutMs: number;
}

/** TCP keep-alive probe delay, ms: a peer that vanished without FIN is noticed by the kernel. */
const KEEPALIVE_MS = 10_000;

interface Pending {
  kind: 'api' | 'command';
  command: string;
  resolve: (frame: EslFrame) => void;
  reject: (err: Error) => void;
  timer?: NodeJS.Timeout;
  /** Timed out already: the slot stays queued so the late reply does not shift every later reply. */
  settled: boolean;
}

interface Job {
  command: string;
  resolve: (body: string) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One event-socket connection to FreeSWITCH (mod_event_socket), inbound (we dial :8021 and
 * `auth`) or outbound (the `socket` dialplan app dialled us). Replies pair with commands in
 * order (ESL guarantees one reply per command, in order); `bgapi` results arrive as
 * BACKGROUND_JOB events matched by the `Job-UUID` we set. Every command has a timeout.
 * Malformed frames are logged and skipped (see {@link EslFrameParser}).
 */
export class EslConnection {
  private readonly parser: EslFrameParser;
  private readonly pending: Pending[] = [];
  private readonly jobs = new Map<string, Job>();
  private readonly eventListeners = new Set<(e: EslEvent) => void>();
  private readonly closeListeners = new Set<(reason: string) => void>();
  private authRequested?: () => void;
  private closeReason = 'socket closed';
  private isClosed = false;
  private wants?: (name: string, jsonBody: string) => boolean;
  /** Date.now() of the last bytes received (idle probe). */
  lastDataAt = Date.now();
  /** Frames skipped as malformed on this connection (for tests and metrics). */
  malformedFrames = 0;
  /** JSON events skipped by the pre-filter without being parsed. */
  skippedEvents = 0;

  private constructor(private readonly socket: net.Socket, private readonly opts: EslConnectionOptions) {
    this.parser = new EslFrameParser((f) => this.onFrame(f), (m) => this.onMalformed(m));
    socket.setNoDelay(true);
    socket.setKeepAlive(true, KEEPALIVE_MS);
    socket.on('data', (chunk: Buffer) => {
      this.lastDataAt = Date.now();
      this.parser.push(chunk);
    });
    socket.on('error', (err) => {
      this.closeReason = err.message;
    });
    socket.on('close', () => this.onSocketClose());
  }

  /**
   * Inbound mode: connect, wait for `auth/request`, authenticate.
   * @throws EslConnectionError (refused, timeout, closed), EslAuthError (wrong password)
   */
  static async connect(host: string, port: number, password: string, opts: EslConnectionOptions): Promise<EslConnection> {
    const socket = net.connect({ host, port });
    const conn = new EslConnection(socket, opts);
    const authRequested = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new EslConnectionError(`no auth/request from ${host}:${port} within ${opts.requestTimeoutMs} ms`)), opts.requestTimeoutMs);
      conn.authRequested = () => {
        clearTimeout(timer);
        resolve();
      };
      conn.onClose((reason) => {
        clearTimeout(timer);
        reject(new EslConnectionError(`${host}:${port}: ${reason}`));
      });
    });
    try {
      await authRequested;
      const reply = await conn.command(`auth ${password}`);
      const text = reply.headers['Reply-Text'] ?? '';
      if (!text.startsWith('+OK')) throw new EslAuthError(`${host}:${port} refused the ESL password (${text || 'no reply text'})`);
      return conn;
    } catch (err) {
      conn.close();
      if (err instanceof EslCommandError) throw new EslAuthError(`${host}:${port} refused the ESL password (-ERR ${err.text})`);
      throw err;
    }
  }

  /** Outbound mode: wrap a socket the `socket` dialplan app opened to us (send `connect` next). */
  static accept(socket: net.Socket, opts: EslConnectionOptions): EslConnection {
    return new EslConnection(socket, opts);
  }

  get closed(): boolean {
    return this.isClosed;
  }

  onEvent(listener: (e: EslEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => this.eventListeners.delete(listener);
  }

  /**
   * Pre-filter for JSON events: called with `Event-Name` and the raw body before `JSON.parse`;
   * false skips the event (BACKGROUND_JOB is never filtered). Keeps the event path lean: most
   * events FreeSWITCH sends (dialplan apps, legs callplane does not control) are never parsed.
   */
  setEventFilter(wants: (name: string, jsonBody: string) => boolean): void {
    this.wants = wants;
  }

  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  /**
   * `api <cmd>`: resolves with the response body (`+OK …`, a bare value or JSON).
   * @throws EslCommandError on `-ERR …`, EslTimeoutError, EslConnectionError;
   *   PbxInvalidArgumentError (nothing sent) when `cmd` holds a control character (see {@link eslFrame})
   */
  async api(cmd: string, timeoutMs = this.opts.requestTimeoutMs): Promise<string> {
    const frame = await this.send('api', eslFrame(`api ${cmd}`), cmd, timeoutMs);
    const body = frame.body ?? '';
    if (body.startsWith('-ERR')) throw new EslCommandError(cmd, body.slice(4).trim());
    return body;
  }

  /**
   * `bgapi <cmd>` with our own `Job-UUID`: resolves with the BACKGROUND_JOB body once the job
   * ran. `onAccepted` fires when FreeSWITCH acknowledged the job.
   * @throws EslCommandError (`-ERR <text>` reply or job body), EslTimeoutError, EslConnectionError
   */
  bgapi(cmd: string, timeoutMs: number, jobUuid: string = randomUUID()): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.jobs.delete(jobUuid);
        reject(new EslTimeoutError(`bgapi ${cmd}`, timeoutMs));
      }, timeoutMs);
      this.jobs.set(jobUuid, { command: cmd, resolve, reject, timer });
      this.command(`bgapi ${cmd}`, { 'Job-UUID': jobUuid }).then(
        (reply) => {
          const text = reply.headers['Reply-Text'] ?? '';
          if (text.startsWith('-ERR')) this.settleJob(jobUuid, new EslCommandError(cmd, text.slice(4).trim()));
        },
        (err: Error) => this.settleJob(jobUuid, err),
      );
    });
  }

  /**
   * A command answered with `command/reply` (`auth`, `event`, `sendmsg`, `myevents`, `linger`,
   * `connect`, `exit`). Resolves with the reply frame (`Reply-Text` in its headers).
   * @throws EslCommandError when `Reply-Text` starts with `-ERR`; PbxInvalidArgumentError
   *   (nothing sent) when the line or a header holds a control character (see {@link eslFrame})
   */
  async command(line: string, headers?: Record<string, string>, timeoutMs = this.opts.requestTimeoutMs): Promise<EslFrame> {
    const wire = eslFrame(line, headers);
    const frame = await this.send('command', wire, line.startsWith('auth ') ? 'auth' : line, timeoutMs);
    const text = frame.headers['Reply-Text'] ?? '';
    if (text.startsWith('-ERR')) throw new EslCommandError(line, text.slice(4).trim());
    return frame;
  }

  /** `sendmsg [<uuid>]` with the given headers (`call-command: execute`, …). */
  sendmsg(uuid: string | undefined, headers: Record<string, string>): Promise<EslFrame> {
    return this.command(uuid ? `sendmsg ${uuid}` : 'sendmsg', headers);
  }

  /** Close the socket (no `exit`: FreeSWITCH handles a plain close the same way). */
  close(): void {
    if (!this.socket.destroyed) this.socket.destroy();
  }

  private send(kind: Pending['kind'], wire: string, label: string, timeoutMs: number): Promise<EslFrame> {
    if (this.isClosed) return Promise.reject(new EslConnectionError(`ESL connection closed (${this.closeReason})`));
    return new Promise<EslFrame>((resolve, reject) => {
      const entry: Pending = { kind, command: label, resolve, reject, settled: false };
      entry.timer = setTimeout(() => {
        entry.settled = true;
        reject(new EslTimeoutError(label, timeoutMs));
      }, timeoutMs);
      this.pending.push(entry);
      this.socket.write(wire);
    });
  }

  private onFrame(frame: EslFrame): void {
    const type = frame.headers['Content-Type'];
    switch (type) {
      case 'text/event-json':
      case 'text/event-plain':
        return this.onEventFrame(frame);
      case 'api/response':
      case 'command/reply':
        return this.onReply(frame);
      case 'auth/request':
        return this.authRequested?.();
      case 'text/disconnect-notice':
        this.closeReason = `disconnect notice: ${(frame.body ?? '').split('\n')[0] || frame.headers['Content-Disposition'] || 'bye'}`;
        return;
      case 'text/rude-rejection':
        this.closeReason = `rejected: ${(frame.body ?? '').trim()}`;
        return;
      default:
        // log/data and xml events: never subscribed by callplane.
        this.opts.log.debug({ type }, 'ESL frame ignored');
    }
  }

  private onReply(frame: EslFrame): void {
    const entry = this.pending.shift();
    if (!entry) {
      this.opts.log.warn({ type: frame.headers['Content-Type'] }, 'ESL reply without a pending command skipped');
      return;
    }
    clearTimeout(entry.timer);
    if (entry.settled) return;
    entry.settled = true;
    entry.resolve(frame);
  }

  private onEventFrame(frame: EslFrame): void {
    if (this.wants && frame.headers['Content-Type'] === 'text/event-json' && frame.body) {
      const name = peekJsonString(frame.body, 'Event-Name');
      if (name && name !== 'BACKGROUND_JOB' && !this.wants(name, frame.body)) {
        this.skippedEvents++;
        return;
      }
    }
    let event: EslEvent;
    try {
      event = decodeEvent(frame);
    } catch (err) {
      if (!(err instanceof EslEventDecodeError)) throw err;
      this.onMalformed({ reason: err.message, sample: (frame.body ?? '').slice(0, 160) });
      return;
    }
    if (event.name === 'BACKGROUND_JOB') {
      const jobUuid = event.get('Job-UUID');
      if (jobUuid && this.jobs.has(jobUuid)) {
        const body = event.body ?? '';
        this.settleJob(jobUuid, body.startsWith('-ERR') ? new EslCommandError(this.jobs.get(jobUuid)!.command, body.slice(4).trim()) : undefined, body);
        return;
      }
    }
    for (const listener of this.eventListeners) {
      try {
        listener(event);
      } catch (err) {
        this.opts.log.error({ err, event: event.name }, 'ESL event handler failed; event skipped');
      }
    }
  }

  private settleJob(jobUuid: string, err: Error | undefined, body = ''): void {
    const job = this.jobs.get(jobUuid);
    if (!job) return;
    this.jobs.delete(jobUuid);
    clearTimeout(job.timer);
    if (err) job.reject(err);
    else job.resolve(body);
  }

  private onMalformed(m: EslMalformedFrame): void {
    this.malformedFrames++;
    this.opts.log.warn({ reason: m.reason, sample: m.sample }, 'malformed ESL frame skipped');
  }

  private onSocketClose(): void {
    if (this.isClosed) return;
    this.isClosed = true;
    const err = new EslConnectionError(`ESL connection closed (${this.closeReason})`);
    for (const entry of this.pending.splice(0)) {
      clearTimeout(entry.timer);
      if (!entry.settled) entry.reject(err);
    }
    for (const id of [...this.jobs.keys()]) this.settleJob(id, err);
    for (const listener of this.closeListeners) listener(this.closeReason);
  }
}
