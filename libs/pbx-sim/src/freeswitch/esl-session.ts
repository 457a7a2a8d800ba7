import type { Socket } from 'node:net';
import {
  AUTH_REQUEST,
  apiResponse,
  commandReply,
  disconnectNotice,
  jsonEventFrame,
  plainEventFrame,
  type EslEvent,
  type EslHeaders,
} from './esl-frame.encoder';
import { hold } from '../request-delays';

/** One command as read from the socket: first line, then `name: value` lines (sendmsg, bgapi Job-UUID). */
export interface EslCommand {
  line: string;
  headers: Record<string, string>;
  body?: string;
}

/** What a session needs from the simulated switch. */
export interface EslSessionHost {
  readonly password: () => string | null;
  /** Run an api command; resolves to the api/response body. */
  api(command: string, args: string, session: EslSession): Promise<string>;
  /** sendmsg; returns the Reply-Text. */
  sendmsg(uuid: string | undefined, headers: Record<string, string>, session: EslSession): string;
  /** Called when the client sends `exit` or closes. */
  closed(session: EslSession): void;
  /** Subscriptions changed: recompute which events anyone wants. */
  subscriptionsChanged(): void;
  /** Every command, for `requests()`; returns how long to hold it before handling, ms (delayRequests). */
  record(cmd: EslCommand): number;
  /** `connect` on an outbound socket: the CHANNEL_DATA reply headers. */
  connectReply(session: EslSession): EslHeaders | undefined;
  newJobUuid(): string;
  backgroundJob(jobUuid: string, command: string, args: string, body: string): void;
}

export type EventFormat = 'plain' | 'json' | 'xml';

/**
 * One event socket connection (mod_event_socket `listener_t`): inbound (we accepted it, auth
 * first) or outbound (we connected out for the `socket` app; no auth, `connect` first).
 */
export class EslSession {
  authed: boolean;
  format: EventFormat = 'plain';
  allEvents = false;
  readonly events = new Set<string>();
  readonly subclasses = new Set<string>();
  allCustom = false;
  readonly filters: Array<[string, string]> = [];
  /** `myevents`: only events of this channel. */
  myUuid?: string;
  linger = false;
  logLevel = -1;
  private buf = '';
  private closedFlag = false;
  /** Commands wait for the previous api to finish so replies stay in order. */
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly socket: Socket,
    private readonly host: EslSessionHost,
    readonly outbound?: { uuid: string },
  ) {
    this.authed = outbound !== undefined;
    socket.setEncoding('utf8');
    socket.setNoDelay(true);
    socket.on('data', (d: string) => this.onData(d));
    socket.on('end', () => this.onEnd());
    socket.on('close', () => this.finish());
    // A client resetting the connection is routine for a simulator; the close handler cleans up.
    socket.on('error', () => this.finish());
    if (!outbound) this.write(AUTH_REQUEST);
  }

  get isClosed(): boolean {
    return this.closedFlag;
  }

  /** Whether this session subscribes to an event (before filters). */
  subscribed(name: string, subclass?: string): boolean {
    if (!this.authed || this.closedFlag) return false;
    if (this.allEvents) return true;
    if (name === 'CUSTOM') return this.allCustom || (subclass !== undefined && this.subclasses.has(subclass));
    return this.events.has(name);
  }

  /** Deliver an event if subscribed and it passes filters / myevents. */
  deliver(ev: EslEvent): void {
    if (!this.subscribed(ev.name, ev.subclass)) return;
    if (this.myUuid !== undefined) {
      if (ev.uuid !== this.myUuid) return;
      // Recorded: an outbound `myevents` session did not receive PLAYBACK_* (outbound-socket.jsonl).
      if (this.outbound && (ev.name === 'PLAYBACK_START' || ev.name === 'PLAYBACK_STOP')) return;
    }
    if (this.filters.length > 0 && !this.passesFilters(ev)) return;
    this.write(this.format === 'json' ? jsonEventFrame(ev) : plainEventFrame(ev));
  }

  /** mod_event_socket filters: an event passes when any filter matches (value, or /regex/). */
  private passesFilters(ev: EslEvent): boolean {
    for (const [k, v] of this.filters) {
      const s = headerValue(ev, k);
      if (s === undefined) continue;
      if (v.startsWith('/') && v.endsWith('/') && v.length > 1) {
        if (new RegExp(v.slice(1, -1)).test(s)) return true;
      } else if (s === v) return true;
    }
    return false;
  }

  write(frame: string): void {
    if (!this.closedFlag && this.socket.writable) this.socket.write(frame);
  }

  /** Close like FreeSWITCH: disconnect notice, then FIN. */
  disconnect(extra: EslHeaders = []): void {
    if (this.closedFlag) return;
    this.write(disconnectNotice(extra));
    this.socket.end();
    this.finish();
  }

  /** Raw bytes (tests of malformed frames). */
  writeRaw(text: string): void {
    this.write(text);
  }

  destroy(): void {
    this.socket.destroy();
    this.finish();
  }

  private onEnd(): void {
    // Half-close from the client: FreeSWITCH still sends the notice, then closes (esl-reconnect.jsonl).
    this.disconnect(this.outbound ? [['Controlled-Session-UUID', this.outbound.uuid], ['Content-Disposition', 'disconnect']] : []);
  }

  private finish(): void {
    if (this.closedFlag) return;
    this.closedFlag = true;
    this.host.closed(this);
  }

  private onData(d: string): void {
    this.buf += d;
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) return;
      const head = this.buf.slice(0, end).replace(/\r/g, '');
      const lines = head.split('\n');
      const headers: Record<string, string> = {};
      for (let i = 1; i < lines.length; i++) {
        const c = lines[i].indexOf(':');
        if (c > 0) headers[lines[i].slice(0, c).trim()] = lines[i].slice(c + 1).trim();
      }
      const len = Number(headers['content-length'] ?? headers['Content-Length'] ?? 0);
      if (len > 0 && this.buf.length - end - 2 < len) return;
      const body = len > 0 ? this.buf.slice(end + 2, end + 2 + len) : undefined;
      this.buf = this.buf.slice(end + 2 + (len > 0 ? len : 0));
      const line = lines[0].trim();
      if (line === '') continue;
      const cmd: EslCommand = { line, headers, body };
      this.chain = this.chain
        .then(() => this.handle(cmd))
        // A simulator bug must not wedge the connection: answer the command with -ERR and go on.
        .catch((err: unknown) => this.write(commandReply(`-ERR ${err instanceof Error ? err.message : String(err)}`)));
    }
  }

  private async handle(cmd: EslCommand): Promise<void> {
    if (this.closedFlag) return;
    const sp = cmd.line.indexOf(' ');
    const word = (sp < 0 ? cmd.line : cmd.line.slice(0, sp)).toLowerCase();
    const rest = sp < 0 ? '' : cmd.line.slice(sp + 1).trim();
    const delayMs = this.host.record(cmd);
    if (delayMs > 0) {
      await hold(delayMs);
      if (this.closedFlag) return;
    }
    if (!this.authed) {
      if (word !== 'auth') return this.write(commandReply('-ERR command not found'));
      if (this.host.password() !== null && rest === this.host.password()) {
        this.authed = true;
        return this.write(commandReply('+OK accepted'));
      }
      // mod_event_socket answers `-ERR invalid` and then drops the connection.
      this.write(commandReply('-ERR invalid'));
      this.socket.end();
      this.finish();
      return;
    }
    switch (word) {
      case 'api': {
        const [c, a] = splitCommand(rest);
        const body = await this.host.api(c, a, this);
        return this.write(apiResponse(body));
      }
      case 'bgapi': {
        const job = cmd.headers['Job-UUID'] ?? this.host.newJobUuid();
        this.write(commandReply('+OK Job-UUID: ' + job, [['Job-UUID', job]]));
        const [c, a] = splitCommand(rest);
        void this.host
          .api(c, a, this)
          .catch((err: unknown) => `-ERR ${err instanceof Error ? err.message : String(err)}\n`)
          .then((body) => this.host.backgroundJob(job, c, a, body));
        return;
      }
      case 'event':
        return this.onEvent(rest);
      case 'nixevent':
        for (const n of rest.split(/\s+/)) {
          this.events.delete(n);
          this.subclasses.delete(n);
        }
        this.host.subscriptionsChanged();
        return this.write(commandReply('+OK events nixed'));
      case 'noevents':
        this.allEvents = false;
        this.allCustom = false;
        this.events.clear();
        this.subclasses.clear();
        this.host.subscriptionsChanged();
        return this.write(commandReply('+OK no longer listening for events'));
      case 'filter':
        return this.onFilter(rest);
      case 'sendmsg': {
        const uuid = rest === '' ? this.outbound?.uuid : rest;
        const headers = { ...cmd.headers };
        if (cmd.body !== undefined && headers['execute-app-arg'] === undefined) headers['execute-app-arg'] = cmd.body;
        return this.write(commandReply(this.host.sendmsg(uuid, headers, this)));
      }
      case 'myevents': {
        const parts = rest.split(/\s+/).filter(Boolean);
        let fmt = parts[0];
        let uuid = this.outbound?.uuid;
        if (parts.length > 0 && !['plain', 'json', 'xml'].includes(fmt)) {
          uuid = parts[0];
          fmt = parts[1] ?? 'plain';
        }
        this.format = (fmt as EventFormat) ?? 'plain';
        if (!['plain', 'json', 'xml'].includes(this.format)) this.format = 'plain';
        this.myUuid = uuid;
        this.allEvents = true;
        this.host.subscriptionsChanged();
        return this.write(commandReply('+OK Events Enabled'));
      }
      case 'linger':
        this.linger = true;
        return this.write(commandReply('+OK will linger'));
      case 'nolinger':
        this.linger = false;
        return this.write(commandReply('+OK will not linger'));
      case 'log': {
        const lvl = rest === '' ? 7 : Number.isNaN(Number(rest)) ? 7 : Number(rest);
        this.logLevel = lvl;
        return this.write(commandReply(`+OK log level ${rest || 'debug'} [${lvl}]`));
      }
      case 'nolog':
        this.logLevel = -1;
        return this.write(commandReply('+OK no longer logging'));
      case 'connect': {
        const data = this.host.connectReply(this);
        if (!data) return this.write(commandReply('-ERR command not found'));
        let out = '';
        for (const [k, v] of data) out += k + ': ' + v + '\n';
        return this.write(out + '\n');
      }
      case 'exit':
        this.write(commandReply('+OK bye'));
        this.disconnect(this.outbound ? [['Controlled-Session-UUID', this.outbound.uuid], ['Content-Disposition', 'disconnect']] : []);
        return;
      case 'auth':
        return this.write(commandReply('+OK accepted'));
      default:
        return this.write(commandReply('-ERR command not found'));
    }
  }

  private onEvent(rest: string): void {
    const words = rest.split(/\s+/).filter(Boolean);
    let fmt: EventFormat = 'plain';
    if (words.length > 0 && ['plain', 'json', 'xml'].includes(words[0])) fmt = words.shift() as EventFormat;
    this.format = fmt;
    let custom = false;
    for (const w of words) {
      // mod_event_socket reads every word after CUSTOM as a subclass name.
      if (custom) this.subclasses.add(w);
      else if (w === 'CUSTOM') {
        custom = true;
        this.events.add('CUSTOM');
      } else if (w === 'ALL' || w === 'all') {
        this.allEvents = true;
      } else this.events.add(w);
    }
    if (custom && words[words.length - 1] === 'CUSTOM') this.allCustom = true;
    this.host.subscriptionsChanged();
    this.write(commandReply('+OK event listener enabled ' + fmt));
  }

  private onFilter(rest: string): void {
    const parts = rest.split(/\s+/);
    if (parts[0] === 'delete') {
      const [, k, ...v] = parts;
      const val = v.join(' ');
      for (let i = this.filters.length - 1; i >= 0; i--) {
        if (k === 'all' || (this.filters[i][0] === k && (val === '' || this.filters[i][1] === val))) this.filters.splice(i, 1);
      }
      return this.write(commandReply(`+OK filter deleted. [${k}]=[${val}]`));
    }
    const [k, ...v] = parts;
    if (!k || v.length === 0) return this.write(commandReply('-ERR invalid syntax'));
    const val = v.join(' ');
    this.filters.push([k, val]);
    this.write(commandReply(`+OK filter added. [${k}]=[${val}]`));
  }
}

function headerValue(ev: EslEvent, name: string): string | undefined {
  for (const list of [ev.headers, ev.tail ?? []]) {
    for (const [k, v] of list) if (k === name) return Array.isArray(v) ? v.join('|') : v;
  }
  return ev.block?.get(name);
}

/** `uuid_kill abc NORMAL_CLEARING` → [`uuid_kill`, `abc NORMAL_CLEARING`]. */
export function splitCommand(s: string): [string, string] {
  const i = s.indexOf(' ');
  return i < 0 ? [s, ''] : [s.slice(0, i), s.slice(i + 1)];
}
