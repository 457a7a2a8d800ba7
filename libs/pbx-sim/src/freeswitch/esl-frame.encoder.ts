/**
 * mod_event_socket wire encoding (FreeSWITCH 1.10 `mod_event_socket.c`, `switch_event.c`
 * `switch_event_serialize` / `switch_event_serialize_json`), as seen in the recordings under
 * test/fixtures/freeswitch.
 *
 * An event is an ordered list of headers. A header value is a string, or a string array for
 * multi-valued channel variables (`variable_DP_MATCH`): plain encodes those as
 * `ARRAY::a|:b`, json as a JSON array.
 */
export type EslHeaderValue = string | string[];
export type EslHeaders = Array<[string, EslHeaderValue]>;

/**
 * A pre-serialised run of headers (a channel's `variable_*` block), cached by its owner so that
 * N events of one channel do not re-encode the same 100 variables.
 */
export interface EslHeaderBlock {
  /** `,"k":"v"…` (each entry with a leading comma). */
  json(): string;
  /** `k: url-encoded v\n…`. */
  plain(): string;
  /** One header's value (event filters). */
  get(name: string): string | undefined;
}

/** Event-Subclass/Event-Name plus headers, an optional body (`_body` in json). */
export interface EslEvent {
  /** Event-Name (`CUSTOM` for sofia::*). */
  name: string;
  /** Event-Subclass of CUSTOM events. */
  subclass?: string;
  headers: EslHeaders;
  /** Serialised after `headers` (channel variables). */
  block?: EslHeaderBlock;
  /** Serialised after `block` (Application-*, Playback-*, Record-*). */
  tail?: EslHeaders;
  body?: string;
  /** Channel the event belongs to (for `myevents` and `filter Unique-ID`). */
  uuid?: string;
  /** Lazily filled encodings, so N listeners cost one serialisation per format. */
  plainFrame?: string;
  jsonFrame?: string;
}

/** FreeSWITCH `SWITCH_URL_UNSAFE` ("\r\n #%&+:;<=>?@[\\]^`{|}\"") plus control and non-ASCII chars. */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\x00-\x20"#%&+:;<=>?@[\\\]^`{|}\x7f-\uffff]/g;
const UNSAFE_TEST = /[\x00-\x20"#%&+:;<=>?@[\\\]^`{|}\x7f-\uffff]/;

function encodeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code < 0x80) return '%' + (code < 16 ? '0' : '') + code.toString(16).toUpperCase();
  return encodeURIComponent(c);
}

/** `switch_url_encode` as used for plain event values. */
export function eslUrlEncode(value: string): string {
  return UNSAFE_TEST.test(value) ? value.replace(UNSAFE, encodeChar) : value;
}

export function plainValue(v: EslHeaderValue): string {
  return eslUrlEncode(Array.isArray(v) ? 'ARRAY::' + v.join('|:') : v);
}

/** Body of a `text/event-plain` frame: `Name: url-encoded value` lines, then `Content-Length` + body if any. */
export function serializePlain(headers: EslHeaders, body?: string, block?: EslHeaderBlock, tail?: EslHeaders): string {
  let out = '';
  for (const [k, v] of headers) out += k + ': ' + plainValue(v) + '\n';
  if (block) out += block.plain();
  if (tail) for (const [k, v] of tail) out += k + ': ' + plainValue(v) + '\n';
  if (body !== undefined && body.length > 0) {
    out += 'Content-Length: ' + Buffer.byteLength(body) + '\n\n' + body;
  } else {
    out += '\n';
  }
  return out;
}

// eslint-disable-next-line no-control-regex
const JSON_ESCAPE = /["\\\x00-\x1f\u2028\u2029]/;

export function jsonString(v: string): string {
  return JSON_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
}

/**
 * Body of a `text/event-json` frame: one compact object, arrays kept, `_body` last. Built as a
 * string (no intermediate object): this is the hottest path of the simulator.
 */
export function serializeJson(headers: EslHeaders, body?: string, block?: EslHeaderBlock, tail?: EslHeaders): string {
  let out = '{';
  let first = true;
  const add = (k: string, v: EslHeaderValue): void => {
    out += (first ? '' : ',') + jsonString(k) + ':' + (Array.isArray(v) ? '[' + v.map(jsonString).join(',') + ']' : jsonString(v));
    first = false;
  };
  for (const [k, v] of headers) add(k, v);
  if (block) {
    const b = block.json();
    out += first ? b.slice(1) : b;
    if (b) first = false;
  }
  if (tail) for (const [k, v] of tail) add(k, v);
  if (body !== undefined && body.length > 0) {
    out += (first ? '' : ',') + '"Content-Length":"' + Buffer.byteLength(body) + '","_body":' + JSON.stringify(body);
  }
  return out + '}';
}

/** A full `text/event-plain` frame (outer `Content-Length` first, as recorded). */
export function plainEventFrame(ev: EslEvent): string {
  if (ev.plainFrame === undefined) {
    const b = serializePlain(ev.headers, ev.body, ev.block, ev.tail);
    ev.plainFrame = 'Content-Length: ' + Buffer.byteLength(b) + '\nContent-Type: text/event-plain\n\n' + b;
  }
  return ev.plainFrame;
}

/** A full `text/event-json` frame. */
export function jsonEventFrame(ev: EslEvent): string {
  if (ev.jsonFrame === undefined) {
    const b = serializeJson(ev.headers, ev.body, ev.block, ev.tail);
    ev.jsonFrame = 'Content-Length: ' + Buffer.byteLength(b) + '\nContent-Type: text/event-json\n\n' + b;
  }
  return ev.jsonFrame;
}

/** `command/reply` (auth, event, sendmsg, bgapi, myevents, linger, exit …); no body. */
export function commandReply(text: string, extra: EslHeaders = []): string {
  let out = 'Content-Type: command/reply\nReply-Text: ' + text + '\n';
  for (const [k, v] of extra) out += k + ': ' + String(v) + '\n';
  return out + '\n';
}

/** `api/response` with its body (`+OK\n`, `-ERR …\n`, JSON, bare values). */
export function apiResponse(body: string): string {
  return 'Content-Type: api/response\nContent-Length: ' + Buffer.byteLength(body) + '\n\n' + body;
}

export const AUTH_REQUEST = 'Content-Type: auth/request\n\n';
export const GOODBYE = 'Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n';

/** `text/disconnect-notice` as sent on exit / close of an inbound connection. */
export function disconnectNotice(extra: EslHeaders = []): string {
  let out = 'Content-Type: text/disconnect-notice\n';
  for (const [k, v] of extra) out += k + ': ' + String(v) + '\n';
  return out + 'Content-Length: ' + Buffer.byteLength(GOODBYE) + '\n\n' + GOODBYE;
}

/** `log/data` frame for `log <level>` subscribers. */
export function logFrame(level: number, text: string): string {
  return (
    'Content-Type: log/data\nContent-Length: ' + Buffer.byteLength(text) + '\nLog-Level: ' + level +
    '\nText-Channel: 3\nLog-File: switch_core_session.c\nLog-Func: sim\nLog-Line: 1\nUser-Data: \n\n' + text
  );
}
