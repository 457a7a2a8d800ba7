/**
 * ESL wire framing (FreeSWITCH mod_event_socket): a header block of `Key: Value` lines ended by
 * an empty line (`\n\n`), then exactly `Content-Length` bytes of body when that header is
 * present. Header values of `command/reply` frames may be URL-encoded (the outbound `connect`
 * reply carries CHANNEL_DATA that way, see fixtures/freeswitch/outbound-socket.jsonl).
 *
 * Unlike modesl 1.2.1's parser this one survives bad input (measured: modesl throws an uncaught
 * URIError on a `%` in a header value, and a bad or too large Content-Length makes it swallow
 * every following frame): a malformed frame is reported through `onMalformed` and skipped, and
 * the parser resynchronises on the next frame start so no later frame is lost.
 */

/** One ESL frame: top-level headers and the raw body (if `Content-Length` was given). */
export interface EslFrame {
  headers: Record<string, string>;
  body?: string;
}

/** What was wrong with a skipped frame, and a short sample of it for the log. */
export interface EslMalformedFrame {
  reason: string;
  sample: string;
}

/** Content types mod_event_socket sends (esl.h / mod_event_socket.c). */
export const ESL_CONTENT_TYPES: ReadonlySet<string> = new Set([
  'auth/request',
  'command/reply',
  'api/response',
  'text/event-json',
  'text/event-plain',
  'text/event-xml',
  'text/disconnect-notice',
  'text/rude-rejection',
  'log/data',
]);

/** Largest body accepted, bytes (the largest recorded frame is ~13 KB; `show channels` grows with load). */
const MAX_BODY_BYTES = 32 * 1024 * 1024;
/** Largest header block accepted, bytes (the outbound CHANNEL_DATA reply is ~10 KB). */
const MAX_HEADER_BYTES = 256 * 1024;

/**
 * Start of a genuine frame: FreeSWITCH always begins events with `Content-Length: N` followed by
 * `Content-Type:`, and replies with `Content-Type:`. A raw `\n` never occurs inside a JSON body,
 * so this cannot match inside a valid event-json body.
 */
const FRAME_START =
  /Content-Length: \d+\nContent-Type: [a-z]+\/[a-z-]+\n|Content-Type: (?:auth\/request|command\/reply|api\/response|text\/event-json|text\/event-plain|text\/disconnect-notice|log\/data)\n/;

type State = 'headers' | 'body' | 'resync';

export class EslFrameParser {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = 'headers';
  private headers: Record<string, string> = {};
  private bodyLen = 0;
  /** In `body` state: how far (relative to buf start) the partial body was already scanned for a frame start. */
  private scannedTo = 0;

  constructor(
    private readonly onFrame: (frame: EslFrame) => void,
    private readonly onMalformed: (m: EslMalformedFrame) => void,
  ) {}

  /** Feed bytes read from the socket; emits every complete frame synchronously. */
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      const progressed =
        this.state === 'headers' ? this.readHeaders() : this.state === 'body' ? this.readBody() : this.resync();
      if (!progressed) return;
    }
  }

  /** Drop any partial frame (on reconnect). */
  reset(): void {
    this.buf = Buffer.alloc(0);
    this.state = 'headers';
    this.headers = {};
    this.bodyLen = 0;
  }

  private readHeaders(): boolean {
    // Tolerate stray blank lines between frames.
    let start = 0;
    while (start < this.buf.length && this.buf[start] === 0x0a) start++;
    if (start > 0) this.buf = this.buf.subarray(start);
    if (this.buf.length === 0) return false;
    const end = this.buf.indexOf('\n\n');
    if (end === -1) {
      if (this.buf.length > MAX_HEADER_BYTES) return this.malformed('header block too long', this.buf, 'resync', this.buf.length);
      return false;
    }
    const text = this.buf.toString('utf8', 0, end);
    const block = this.buf.subarray(0, end + 2);
    this.buf = this.buf.subarray(end + 2);
    const headers = parseHeaderLines(text);
    if (!headers) return this.malformedBlock('header line without "Key: value"', block);
    const type = headers['Content-Type'];
    const lengthText = headers['Content-Length'];
    if (lengthText !== undefined) {
      if (!/^\d+$/.test(lengthText) || Number(lengthText) > MAX_BODY_BYTES) {
        return this.malformedBlock(`bad Content-Length "${lengthText.slice(0, 20)}"`, block);
      }
      this.headers = headers;
      this.bodyLen = Number(lengthText);
      this.state = 'body';
      this.scannedTo = 0;
      return true;
    }
    if (!type) return this.malformedBlock('no Content-Type', block);
    if (!ESL_CONTENT_TYPES.has(type)) return this.malformedBlock(`unknown content-type "${type.slice(0, 40)}"`, block, 'headers');
    this.onFrame({ headers });
    return true;
  }

  private readBody(): boolean {
    if (this.buf.length < this.bodyLen) {
      // A truncated body would swallow the next frames: watch the partial body for a frame start.
      const from = Math.max(0, this.scannedTo - 80);
      const at = findFrameStart(this.buf, from, this.buf.length);
      this.scannedTo = this.buf.length;
      if (at >= 0) return this.truncated(at);
      return false;
    }
    const bodyBytes = this.buf.subarray(0, this.bodyLen);
    const body = bodyBytes.toString('utf8');
    const headers = this.headers;
    const type = headers['Content-Type'];
    if (type === 'text/event-json' && !looksLikeJsonObject(body)) {
      const at = findFrameStart(this.buf, Math.max(0, this.scannedTo - 80), this.bodyLen);
      if (at >= 0) return this.truncated(at);
    }
    this.buf = this.buf.subarray(this.bodyLen);
    this.state = 'headers';
    if (!type) return this.malformed('no Content-Type', bodyBytes, 'headers', 0);
    if (!ESL_CONTENT_TYPES.has(type)) return this.malformed(`unknown content-type "${type.slice(0, 40)}"`, bodyBytes, 'headers', 0);
    this.onFrame({ headers, body });
    return true;
  }

  /** The body declared more bytes than it had: the next frame starts at `at`; skip the stub. */
  private truncated(at: number): boolean {
    const stub = this.buf.subarray(0, at);
    this.buf = this.buf.subarray(at);
    this.state = 'headers';
    this.report(`truncated body (Content-Length ${this.bodyLen}, got ${at} bytes before the next frame)`, stub);
    return true;
  }

  private resync(): boolean {
    const at = findFrameStart(this.buf, 0, this.buf.length);
    if (at === -1) {
      // Keep a tail in case a frame start straddles two chunks.
      if (this.buf.length > 80) this.buf = this.buf.subarray(this.buf.length - 80);
      return false;
    }
    this.buf = this.buf.subarray(at);
    this.state = 'headers';
    return true;
  }

  /** Skip a bad header block; an unknown type only skips itself, anything else resyncs. */
  private malformedBlock(reason: string, block: Buffer, next: State = 'resync'): boolean {
    this.report(reason, block);
    this.state = next;
    return true;
  }

  private malformed(reason: string, bytes: Buffer, next: State, consume: number): boolean {
    this.report(reason, bytes);
    if (consume > 0) this.buf = this.buf.subarray(consume);
    this.state = next;
    return true;
  }

  private report(reason: string, bytes: Buffer): void {
    this.onMalformed({ reason, sample: bytes.toString('utf8', 0, Math.min(bytes.length, 160)) });
  }
}

/** Parses `Key: value` lines; values are URL-decoded when they contain `%` (bad escapes kept raw). */
export function parseHeaderLines(text: string): Record<string, string> | undefined {
  const headers: Record<string, string> = {};
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const key = line.slice(0, colon);
    if (/\s/.test(key)) return undefined;
    const raw = line.charCodeAt(colon + 1) === 0x20 ? line.slice(colon + 2) : line.slice(colon + 1);
    headers[key] = raw.includes('%') ? safeDecode(raw) : raw;
  }
  return headers;
}

/** `decodeURIComponent` that keeps the raw text instead of throwing on a bad escape. */
export function safeDecode(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch (err) {
    // A literal `%` that is not an escape (URIError): FreeSWITCH would have encoded it; keep it as sent.
    if (err instanceof URIError) return raw;
    throw err;
  }
}

function looksLikeJsonObject(body: string): boolean {
  const t = body.trimEnd();
  return t.startsWith('{') && t.endsWith('}');
}

/** Byte offset of the first frame start in buf[from, to), or -1. latin1 keeps offsets = bytes. */
function findFrameStart(buf: Buffer, from: number, to: number): number {
  if (to - from < 16) return -1;
  const text = buf.toString('latin1', from, to);
  const m = FRAME_START.exec(text);
  return m ? from + m.index : -1;
}
