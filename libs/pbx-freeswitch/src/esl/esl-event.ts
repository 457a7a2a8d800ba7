import { parseHeaderLines } from './esl-frame.parser';
import type { EslFrame } from './esl-frame.parser';

/**
 * One FreeSWITCH event as delivered over ESL (`text/event-json` or `text/event-plain`).
 * `headers` holds the event headers (`Event-Name`, `Unique-ID`, `Caller-*`, `variable_*`, …);
 * JSON values are strings except multi-valued variables, which are arrays
 * (fixtures/freeswitch/README.md "Plain vs json"). `body` is the event body (`_body` in JSON),
 * e.g. the BACKGROUND_JOB result `+OK <uuid>\n`.
 */
export interface EslEvent {
  name: string;
  headers: Record<string, string | string[]>;
  body?: string;
}

/** A header as a string (arrays joined with `|`), or undefined. */
export function header(event: EslEvent, name: string): string | undefined {
  const v = event.headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v.join('|') : v;
}

/** Thrown for an event frame whose body cannot be decoded; the connection logs and skips it. */
export class EslEventDecodeError extends Error {}

/**
 * Decodes an event frame. JSON: the body object (`_body` → body). Plain: URL-encoded header
 * lines, then an optional inner `Content-Length` body (BACKGROUND_JOB in plain).
 * @throws EslEventDecodeError on invalid JSON/plain or a missing `Event-Name`
 */
export function decodeEvent(frame: EslFrame): EslEvent {
  const type = frame.headers['Content-Type'];
  const body = frame.body ?? '';
  if (type === 'text/event-json') return decodeJson(body);
  if (type === 'text/event-plain') return decodePlain(body);
  throw new EslEventDecodeError(`unsupported event encoding ${type}`);
}

function decodeJson(body: string): EslEvent {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    throw new EslEventDecodeError(`invalid JSON event body: ${(err as Error).message}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new EslEventDecodeError('JSON event body is not an object');
  const headers = parsed as Record<string, string | string[]>;
  const name = headers['Event-Name'];
  if (typeof name !== 'string' || name.length === 0) throw new EslEventDecodeError('event without Event-Name');
  const inner = headers['_body'];
  return { name, headers, body: typeof inner === 'string' ? inner : undefined };
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
  return { name, headers, body: inner };
}

/** Serializes headers for `sendmsg`/`bgapi` (one `Key: value` line each; newlines stripped). */
export function headerLines(headers: Record<string, string>): string {
  let out = '';
  for (const [k, v] of Object.entries(headers)) out += `${k}: ${String(v).replace(/[\r\n]/g, ' ')}\n`;
  return out;
}
