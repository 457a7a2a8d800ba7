import {
  assertOriginateRequest,
  assertWireSafe,
  assertWireToken,
  ChannelNotFoundError,
  OriginateFailedError,
  PbxCommandError,
  PbxError,
  PbxInvalidArgumentError,
  PbxUnavailableError,
  Q850,
  q850FromFreeswitch,
} from '@callplane/pbx';
import type { OriginateRequest } from '@callplane/pbx';
import { EslCommandError, EslConnectionError, EslError, EslTimeoutError } from './esl.errors';

/**
 * Builders for FreeSWITCH API command lines and the translation of their replies into the
 * port's errors. Reply texts: fixtures/freeswitch/README.md ("api bodies", originate-unregistered).
 *
 * Every value a builder puts on the wire passes the port's guard (libs/pbx wire-value.guard.ts):
 * an argument is one token (no space, control character, quote, `{}`, `$`, …), a trailing value
 * or header value holds no control character. A failing value throws PbxInvalidArgumentError
 * before anything is sent: a CR/LF would end the command and run the rest as a second one.
 */

/** Longest command line {@link eslFrame} sends (an originate with many variables stays far below). */
export const ESL_LINE_MAX_LENGTH = 16_384;

/**
 * The wire form of one command: `<line>\n` + `Name: value\n` per header + `\n` — exactly one
 * frame ended by one blank line (mod_event_socket reads a command up to the first blank line).
 * @throws PbxInvalidArgumentError when the line or a header value holds a control character, or
 *   a header name is not a token without `:`
 */
export function eslFrame(line: string, headers?: Record<string, string>): string {
  let wire = `${assertWireSafe('command', line, ESL_LINE_MAX_LENGTH)}\n`;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (assertWireToken('header', name).includes(':')) throw new PbxInvalidArgumentError('header', `name ${JSON.stringify(name)} contains ":"`);
    wire += `${name}: ${assertWireSafe(name, value)}\n`;
  }
  return `${wire}\n`;
}

/** A named argument of {@link eslCommand}: `{ extension: '1000' }` (the key names the field in errors). */
export type EslArg = string | Readonly<Record<string, string>>;

/**
 * One `api`/`bgapi` command line from the driver's literal words and named arguments, e.g.
 * `eslCommand('uuid_transfer', { channelId }, { extension }, 'XML', { context })`. Each named
 * argument must be one token ({@link assertWireToken}), so no value adds an argument, ends the
 * line or starts a second command. Literal strings are the driver's own words, never input.
 * @throws PbxInvalidArgumentError naming the field
 */
export function eslCommand(...parts: EslArg[]): string {
  return parts
    .map((part) => {
      if (typeof part === 'string') return part;
      const [field, value] = Object.entries(part)[0];
      return assertWireToken(field, value);
    })
    .join(' ');
}

/**
 * `uuid_setvar <uuid> <name> <value>`: the value is the rest of the line (mod_commands splits
 * into at most 3 arguments), so it may hold spaces but no control character.
 * @throws PbxInvalidArgumentError
 */
export function setvarCommand(channelId: string, name: string, value: string): string {
  return `${eslCommand('uuid_setvar', { channelId }, { name })} ${assertWireSafe('value', value)}`;
}

/** `uuid_setvar <uuid> <name>` without a value unsets the variable (mod_commands.c uuid_setvar_function). */
export function unsetvarCommand(channelId: string, name: string): string {
  return eslCommand('uuid_setvar', { channelId }, { name });
}

/** `-ERR` texts FreeSWITCH uses for a uuid that does not exist (uuid_kill/break/transfer/setvar/getvar/dump, uuid_bridge, uuid_record, sendmsg). */
const NO_SUCH_CHANNEL = /No such channel|Invalid uuid|Cannot locate session|invalid session id/i;

/**
 * The event list callplane subscribes to (`event json …`): only what a handler reads
 * (FreeswitchEventRouter, the BACKGROUND_JOB of bgapi, HEARTBEAT for link liveness). Every type
 * subscribed costs FreeSWITCH a JSON serialisation of the whole channel per event, so
 * CHANNEL_BRIDGE/UNBRIDGE/HANGUP/DESTROY and PLAYBACK_START/STOP (playbacks are tracked by their
 * Application-UUID on CHANNEL_EXECUTE/_COMPLETE) are left out. `CUSTOM` must come last: every word
 * after it is a subclass.
 */
export const ESL_EVENTS = [
  'CHANNEL_CREATE',
  'CHANNEL_PARK',
  'CHANNEL_ANSWER',
  'CHANNEL_PROGRESS',
  'CHANNEL_PROGRESS_MEDIA',
  'CHANNEL_HOLD',
  'CHANNEL_UNHOLD',
  'CHANNEL_EXECUTE',
  'CHANNEL_EXECUTE_COMPLETE',
  'CHANNEL_HANGUP_COMPLETE',
  'DTMF',
  'RECORD_START',
  'RECORD_STOP',
  'BACKGROUND_JOB',
  'RECV_RTCP_MESSAGE',
  'HEARTBEAT',
  'CUSTOM',
  'sofia::register',
  'sofia::unregister',
  'sofia::expire',
  'sofia::transferor',
  'sofia::transferee',
  'sofia::replaced',
] as const;

/** `event json <list>` command line. */
export function subscribeCommand(): string {
  return `event json ${ESL_EVENTS.join(' ')}`;
}

/**
 * One originate variable for `{k=v,…}`: commas are escaped (`\,`), values with spaces or
 * quotes are single-quoted (FreeSWITCH switch_ivr_originate.c variable parsing). The name is a
 * token without `=`; the value holds no control character, no `{`/`}` (they open and close
 * the variable block whatever the quoting) and no `\` (it would undo the comma escape).
 * @throws PbxInvalidArgumentError
 */
export function originateVar(name: string, value: string): string {
  if (assertWireToken('variables', name).includes('=')) throw new PbxInvalidArgumentError('variables', `name ${JSON.stringify(name)} contains "="`);
  const field = `variables.${name}`;
  assertWireSafe(field, value);
  if (/[{}\\]/.test(value)) throw new PbxInvalidArgumentError(field, 'contains "{", "}" or "\\", which a FreeSWITCH originate variable cannot carry');
  let v = value.replace(/,/g, '\\,');
  if (/[\s']/.test(v)) v = `'${v.replace(/'/g, "\\'")}'`;
  return `${name}=${v}`;
}

/**
 * `originate {origination_uuid=…,originate_timeout=…,ignore_early_media=true,…}user/<ep>@<domain> &park()`
 * (ring-all-first-answer-wins.jsonl). A dial string with `/` (`sofia/gateway/gw/555…`) is used as is.
 */
export function originateCommand(req: OriginateRequest, channelId: string, domain: string): string {
  assertOriginateRequest(req);
  assertWireToken('channelId', channelId);
  const vars = [
    originateVar('origination_uuid', channelId),
    originateVar('originate_timeout', String(Math.max(1, Math.round(req.timeoutS)))),
    'ignore_early_media=true',
  ];
  if (req.callerId) {
    vars.push(originateVar('origination_caller_id_number', req.callerId.number));
    vars.push(originateVar('origination_caller_id_name', req.callerId.name || req.callerId.number));
  }
  for (const [k, v] of Object.entries(req.variables ?? {})) vars.push(originateVar(k, v));
  return `originate {${vars.join(',')}}${dialString(req.endpoint, domain)} &park()`;
}

/** `1001` → `user/1001@<domain>`; `1001@example.com` → `user/1001@example.com`; `sofia/…` kept. @throws PbxInvalidArgumentError */
export function dialString(endpoint: string, domain: string): string {
  assertWireToken('endpoint', endpoint);
  assertWireToken('domain', domain);
  if (endpoint.includes('/')) return endpoint;
  return endpoint.includes('@') ? `user/${endpoint}` : `user/${endpoint}@${domain}`;
}

/** The endpoint resource of a dial string (`user/1001@d` → `1001`, `PJSIP/1001` → `1001`). */
export function endpointResource(endpoint: string): string {
  const last = endpoint.slice(endpoint.lastIndexOf('/') + 1);
  return last.split('@')[0];
}

export interface ErrorContext {
  nodeId: string;
  command: string;
  channelId?: string;
}

/**
 * Translates an ESL failure into the port's errors: gone uuid → ChannelNotFoundError; timeout
 * or closed link → PbxUnavailableError; any other `-ERR` → PbxCommandError. PbxErrors pass.
 */
export function toPbxError(err: unknown, ctx: ErrorContext): Error {
  if (err instanceof PbxError) return err;
  if (err instanceof EslCommandError) {
    if (ctx.channelId && NO_SUCH_CHANNEL.test(err.text)) return new ChannelNotFoundError(ctx.channelId);
    return new PbxCommandError(ctx.command, `-ERR ${err.text}`);
  }
  if (err instanceof EslTimeoutError) return new PbxUnavailableError(ctx.nodeId, err.message);
  if (err instanceof EslConnectionError || err instanceof EslError) return new PbxUnavailableError(ctx.nodeId, err.message);
  return new PbxUnavailableError(ctx.nodeId, err instanceof Error ? err.message : String(err));
}

/**
 * Originate failure before any channel exists (`-ERR USER_NOT_REGISTERED` → cause 20,
 * `-ERR SUBSCRIBER_ABSENT` → 20, `-ERR USER_BUSY` → 17, …) → OriginateFailedError.
 */
export function originateError(err: unknown, endpoint: string, ctx: ErrorContext): Error {
  if (err instanceof EslCommandError) {
    const causeName = err.text.split(/\s+/)[0] ?? '';
    const cause = causeName === 'USER_NOT_REGISTERED' ? Q850.SUBSCRIBER_ABSENT : q850FromFreeswitch(causeName);
    return new OriginateFailedError(endpoint, cause, err.text);
  }
  return toPbxError(err, ctx);
}
