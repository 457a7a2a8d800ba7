import type { OriginateRequest } from './pbx-driver';
import { PbxInvalidArgumentError } from './pbx.errors';

/**
 * The one check every driver runs on every caller-supplied string before it reaches a PBX
 * protocol (AMI action headers, ESL command lines and sendmsg headers, FreeSWITCH originate
 * variables `{a=b}`, ARI endpoint/dialplan strings). AMI and ESL are line protocols: a CR or LF
 * inside a value ends the header or command and whatever follows runs as a second action or
 * command (issue 13: an IVR transfer extension `1000\n\napi …\n\nbgapi originate …` made
 * FreeSWITCH run three commands). Rejecting here, in the port, makes the same call fail the same
 * way on every PBX. Both checks run in time linear in the length (one pass over char codes, no
 * regular expression) and cap the length first.
 */

/** Longest free-text value (a variable value, a caller name, a prompt URI), UTF-16 code units. */
export const WIRE_VALUE_MAX_LENGTH = 1024;
/** Longest token (a channel/bridge/playback id, endpoint, extension, context, variable name). */
export const WIRE_TOKEN_MAX_LENGTH = 256;

/**
 * Characters a token never carries besides control characters: the space (ESL separates
 * arguments with it), quotes and backslash (FreeSWITCH argument quoting), `{}[]<>` (FreeSWITCH
 * originate variable blocks, caller-id brackets), `,|&;` (dial-string separators: ring several
 * destinations, Asterisk `&`, ARI comma lists) and `$` (FreeSWITCH `${…}` variable and API expansion).
 */
const TOKEN_FORBIDDEN = new Set([...' \'"\\{}[]<>,|&;$'].map((c) => c.charCodeAt(0)));

/**
 * Asserts `value` is a string a PBX protocol can carry as one value: at most `maxLength` code
 * units and no C0 control character (U+0000–U+001F: NUL, TAB, LF, CR, …) nor DEL (U+007F).
 * Spaces and other printable characters pass (a caller name, a variable value).
 * @returns the value, for use inline
 * @throws PbxInvalidArgumentError (`pbx-invalid-argument`, naming `field`) otherwise
 */
export function assertWireSafe(field: string, value: unknown, maxLength = WIRE_VALUE_MAX_LENGTH): string {
  if (typeof value !== 'string') throw new PbxInvalidArgumentError(field, `must be a string, got ${value === null ? 'null' : typeof value}`);
  if (value.length > maxLength) throw new PbxInvalidArgumentError(field, `is longer than ${maxLength} characters`);
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c < 0x20 || c === 0x7f) throw new PbxInvalidArgumentError(field, `contains the control character U+${c.toString(16).toUpperCase().padStart(4, '0')} at index ${i}`);
  }
  return value;
}

/**
 * Asserts `value` is one non-empty token: {@link assertWireSafe}, and no space, quote,
 * backslash, `{}[]<>`, `,|&;` or `$` (see TOKEN_FORBIDDEN), at most `maxLength` code units.
 * Ids, endpoints (`PJSIP/1001`, `sofia/gateway/gw/+15551234`, `1001@example.com`), extensions
 * (`*97`, `+15551234`), contexts, variable names (`CALLERID(all)`) and DTMF digits are tokens:
 * each fills exactly one argument position of an ESL command line.
 * @returns the value, for use inline
 * @throws PbxInvalidArgumentError (`pbx-invalid-argument`, naming `field`) otherwise
 */
export function assertWireToken(field: string, value: unknown, maxLength = WIRE_TOKEN_MAX_LENGTH): string {
  assertWireSafe(field, value, maxLength);
  const s = value as string;
  if (s.length === 0) throw new PbxInvalidArgumentError(field, 'must not be empty');
  for (let i = 0; i < s.length; i++) {
    if (TOKEN_FORBIDDEN.has(s.charCodeAt(i))) throw new PbxInvalidArgumentError(field, `contains ${JSON.stringify(s[i])} at index ${i}, which a PBX argument cannot carry`);
  }
  return s;
}

/**
 * The checks of {@link OriginateRequest} every driver runs before dialling: `endpoint`,
 * `channelId` and variable names are tokens; `callerId` and variable values are free text
 * ({@link assertWireSafe}: the caller id is the inbound caller's, which may be empty or odd).
 * @throws PbxInvalidArgumentError naming the field (`variables.<name>` for a value)
 */
export function assertOriginateRequest(req: OriginateRequest): void {
  assertWireToken('endpoint', req.endpoint);
  if (req.channelId !== undefined) assertWireToken('channelId', req.channelId);
  if (req.callerId) {
    assertWireSafe('callerId.number', req.callerId.number);
    assertWireSafe('callerId.name', req.callerId.name);
  }
  for (const [name, value] of Object.entries(req.variables ?? {})) {
    assertWireToken('variables', name);
    assertWireSafe(`variables.${name}`, value);
  }
}
