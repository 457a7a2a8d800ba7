import { parseHeaderLines } from './esl-frame.parser';
import type { EslFrame } from './esl-frame.parser';

type Headers = Record<string, string | string[]>;

/**
 * One FreeSWITCH event as delivered over ESL (`text/event-json` or `text/event-plain`).
 * Headers: `Event-Name`, `Unique-ID`, `Caller-*`, `variable_*`, …; JSON values are strings
 * except multi-valued variables, which are arrays (fixtures/freeswitch/README.md "Plain vs json").
 * `body` is the event body (`_body` in JSON), e.g. the BACKGROUND_JOB result `+OK <uuid>\n`.
 *
 * JSON events are parsed lazily: {@link get} reads a plain string value straight from the raw
 * text and only falls back to `JSON.parse` for arrays, escaped values or `headers` — most
 * events need three or four fields out of ~150 (measured: JSON.parse was the driver's largest
 * cost in the offer → answer path).
 */
export class EslEvent {
  private constructor(
    readonly name: string,
    private readonly raw: string | undefined,
    private parsed: Headers | undefined,
    private readonly plainBody?: string,
  ) {}

  /** An event from already split headers (plain events, the outbound `connect` reply). */
  static fromHeaders(name: string, headers: Headers, body?: string): EslEvent {
    return new EslEvent(name, undefined, headers, body);
  }

  /** A JSON event whose body is parsed on demand. */
  static fromJson(name: string, raw: string): EslEvent {
    return new EslEvent(name, raw, undefined);
  }

  /** Every header (parses a JSON event on first use). @throws EslEventDecodeError on invalid JSON */
  get headers(): Headers {
    if (!this.parsed) this.parsed = parseJsonObject(this.raw ?? '{}');
    return this.parsed;
  }

  get body(): string | undefined {
    if (this.raw === undefined) return this.plainBody;
    const inner = this.headers['_body'];
    return typeof inner === 'string' ? inner : undefined;
  }

  /** One header as a string (arrays joined with `|`), or undefined. */
  get(name: string): string | undefined {
    if (!this.parsed && this.raw !== undefined) {
      const marker = `"${name}":`;
      const at = this.raw.indexOf(marker);
      if (at === -1) return undefined;
      const start = at + marker.length;
      if (this.raw.charCodeAt(start) === 0x22) {
        const end = this.raw.indexOf('"', start + 1);
        const value = end === -1 ? undefined : this.raw.slice(start + 1, end);
        if (value !== undefined && !value.includes('\\')) return value;
      }
    }
    const v = this.headers[name];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v.join('|') : v;
  }

  /** A multi-valued header as an array (a string value splits on `,`). */
  getList(name: string): string[] | undefined {
    const v = this.headers[name];
    if (v === undefined) return undefined;
    return Array.isArray(v) ? v : v.split(',');
  }
}

/** A header as a string (arrays joined with `|`), or undefined. */
export function header(event: EslEvent, name: string): string | undefined {
  return event.get(name);
}

/** Thrown for an event frame whose body cannot be decoded; the connection logs and skips it. */
export class EslEventDecodeError extends Error {}

/**
 * Decodes an event frame. JSON: checked for shape (`{…}` with an `Event-Name`), parsed lazily.
 * Plain: URL-encoded header lines, then an optional inner `Content-Length` body (BACKGROUND_JOB in plain).
 * @throws EslEventDecodeError on an invalid body or a missing `Event-Name`
 */
export function decodeEvent(frame: EslFrame): EslEvent {
  const type = frame.headers['Content-Type'];
  const body = frame.body ?? '';
  if (type === 'text/event-json') return decodeJson(body);
  if (type === 'text/event-plain') return decodePlain(body);
  throw new EslEventDecodeError(`unsupported event encoding ${type}`);
}

function decodeJson(body: string): EslEvent {
  const trimmed = body.trimEnd();
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) throw new EslEventDecodeError('invalid JSON event body (not an object)');
  const name = peekJsonString(trimmed, 'Event-Name');
  if (!name) throw new EslEventDecodeError('event without Event-Name');
  return EslEvent.fromJson(name, trimmed);
}

function parseJsonObject(raw: string): Headers {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw new EslEventDecodeError(`invalid JSON event body: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new EslEventDecodeError('JSON event body is not an object');
  return parsed as Headers;
}

function decodePlain(body: string): EslEvent {
  const end = body.indexOf('\n\n');
  const headerText = end === -1 ? body : body.slice(0, end);
  const headers = parseHeaderLines(headerText);
  if (!headers) throw new EslEventDecodeError('invalid plain event header line');
  const name = headers['Event-Name'];
  if (!name) throw new EslEventDecodeError('event without Event-Name');
  let inner: string | undefined;
  if (end !== -1 && headers['Content-Length']) {
    const len = Number(headers['Content-Length']);
    inner = Buffer.from(body.slice(end + 2), 'utf8').subarray(0, len).toString('utf8');
  }
  return EslEvent.fromHeaders(name, headers, inner);
}

/**
 * Reads one string field from a JSON event body without parsing it (`"Key":"value"`), for the
 * cheap pre-filter that skips events callplane does not need before `JSON.parse`. The key must
 * be preceded by `"` so `Unique-ID` does not match `Other-Leg-Unique-ID`. Values with escaped
 * quotes are cut at the first quote (ids and event names never contain one).
 */
export function peekJsonString(body: string, key: string): string | undefined {
  const marker = `"${key}":"`;
  const at = body.indexOf(marker);
  if (at === -1) return undefined;
  const start = at + marker.length;
  const end = body.indexOf('"', start);
  return end === -1 ? undefined : body.slice(start, end);
}
