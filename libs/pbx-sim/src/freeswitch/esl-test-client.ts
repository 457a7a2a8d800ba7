import { connect, type Socket } from 'node:net';

/** One ESL frame as read from the wire: envelope headers, body and the raw text. */
export interface EslFrame {
  headers: Record<string, string>;
  /** Envelope header names in wire order (framing assertions). */
  headerOrder: string[];
  body: string;
  raw: string;
}

/** A parsed event (plain: URL-decoded; json: as is). */
export type EslEventData = Record<string, string | string[]>;

/**
 * A minimal raw event-socket client for tests (no modesl): frames are cut with the ESL rules
 * (headers to the first blank line, then Content-Length bytes), replies pair with commands in order.
 */
export class EslTestClient {
  readonly frames: EslFrame[] = [];
  readonly events: EslEventData[] = [];
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  private replyQueue: Array<(f: EslFrame) => void> = [];
  closed = false;
  /** Called for every frame as it arrives (conformance replay harvests ids here). */
  onFrame?: (f: EslFrame) => void;

  private constructor(readonly socket: Socket) {
    socket.on('data', (d: Buffer) => this.onData(d));
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
    socket.on('error', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connect; with `password`, waits for auth/request and authenticates. */
  static async connect(port: number, password?: string): Promise<EslTestClient> {
    const socket = connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('error', reject);
    });
    const c = new EslTestClient(socket);
    if (password !== undefined) {
      await c.waitFor((f) => f.headers['Content-Type'] === 'auth/request');
      const r = await c.command(`auth ${password}`);
      if (r.headers['Reply-Text'] !== '+OK accepted') throw new Error('auth failed: ' + r.headers['Reply-Text']);
    }
    return c;
  }

  /** Wrap an accepted socket (outbound-socket tests: the simulator connects to us). */
  static fromSocket(socket: Socket): EslTestClient {
    return new EslTestClient(socket);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private onData(d: Buffer): void {
    this.buf = Buffer.concat([this.buf, d]);
    for (;;) {
      const end = this.buf.indexOf('\n\n');
      if (end < 0) break;
      const { headers, headerOrder } = parseEslHeaders(this.buf.subarray(0, end).toString('utf8'));
      const len = Number(headers['Content-Length'] ?? 0);
      if (this.buf.length < end + 2 + len) break;
      const body = this.buf.subarray(end + 2, end + 2 + len).toString('utf8');
      const raw = this.buf.subarray(0, end + 2 + len).toString('utf8');
      this.buf = this.buf.subarray(end + 2 + len);
      const f: EslFrame = { headers, headerOrder, body, raw };
      this.frames.push(f);
      this.onFrame?.(f);
      const ct = headers['Content-Type'];
      if (ct === 'text/event-json') this.events.push(JSON.parse(body) as EslEventData);
      else if (ct === 'text/event-plain') this.events.push(parsePlainEvent(body));
      else if (ct === 'command/reply' || ct === 'api/response') this.replyQueue.shift()?.(f);
      this.wake();
    }
  }

  /** Send a command (`\n\n` appended) and resolve with its command/reply or api/response. */
  command(text: string): Promise<EslFrame> {
    return new Promise((resolve) => {
      this.replyQueue.push(resolve);
      this.socket.write(text.endsWith('\n\n') ? text : text + '\n\n');
    });
  }

  /** `api …` → the response body. */
  async api(cmd: string): Promise<string> {
    return (await this.command('api ' + cmd)).body;
  }

  write(text: string): void {
    this.socket.write(text);
  }

  /** Resolve with the first frame (already received or future) matching `pred`. */
  waitFor(pred: (f: EslFrame) => boolean, timeoutMs = 5000, from = 0): Promise<EslFrame> {
    return this.until(() => this.frames.slice(from).find(pred), timeoutMs, 'frame');
  }

  /** Resolve with the first event matching `pred`. */
  waitForEvent(pred: (e: EslEventData) => boolean, timeoutMs = 5000, from = 0): Promise<EslEventData> {
    return this.until(() => this.events.slice(from).find(pred), timeoutMs, 'event');
  }

  /** Resolve when the socket is closed. */
  waitClosed(timeoutMs = 5000): Promise<true> {
    return this.until(() => (this.closed ? true : undefined), timeoutMs, 'close');
  }

  private until<T>(probe: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== check);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const check = (): void => {
        const v = probe();
        if (v !== undefined) {
          clearTimeout(timer);
          resolve(v);
        } else if (this.closed && what !== 'close') {
          clearTimeout(timer);
          reject(new Error(`connection closed while waiting for ${what}`));
        } else this.waiters.push(check);
      };
      check();
    });
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Parse a text/event-plain body: URL-decoded values, `ARRAY::a|:b` kept as the decoded string. */
/** `Name: value` lines of an ESL frame head → headers (last wins) and their order as sent. */
export function parseEslHeaders(head: string): { headers: Record<string, string>; headerOrder: string[] } {
  const headers: Record<string, string> = {};
  const headerOrder: string[] = [];
  for (const line of head.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) {
      headers[line.slice(0, i)] = line.slice(i + 2);
      headerOrder.push(line.slice(0, i));
    }
  }
  return { headers, headerOrder };
}

export function parsePlainEvent(body: string): EslEventData {
  const end = body.indexOf('\n\n');
  const head = end < 0 ? body : body.slice(0, end);
  const out: EslEventData = {};
  for (const line of head.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) out[line.slice(0, i)] = decodeURIComponent(line.slice(i + 2));
  }
  if (end >= 0 && body.length > end + 2) out['_body'] = body.slice(end + 2);
  return out;
}
