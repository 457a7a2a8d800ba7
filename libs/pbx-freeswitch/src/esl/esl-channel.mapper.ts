import { q850FromFreeswitch, q850Text } from '@callplane/pbx';
import type { ChannelSnapshot, ChannelState, EndpointState, PartyId } from '@callplane/pbx';
import { header } from './esl-event';
import type { EslEvent } from './esl-event';

/**
 * Maps FreeSWITCH channel data (event headers, `show channels as json` rows) to the port's
 * shapes. Header names and value words: FreeSWITCH 1.10 recordings in
 * fixtures/freeswitch/README.md ("Channel state words", "Headers per event").
 */

/**
 * Normalized state. `Answer-State` decides answered vs not (CHANNEL_ANSWER still carries
 * `Channel-Call-State: EARLY`/`RINGING`), `Channel-Call-State: HELD` → held.
 */
export function channelState(answerState: string | undefined, callState: string | undefined): ChannelState {
  if (callState === 'HELD') return 'held';
  if (answerState === 'hangup' || callState === 'HANGUP') return 'hangup';
  if (answerState === 'answered' || callState === 'ACTIVE') return 'up';
  if (answerState === 'early' || answerState === 'ringing' || callState === 'RINGING' || callState === 'EARLY') {
    return callState === 'DOWN' && answerState === 'ringing' ? 'down' : 'ringing';
  }
  return 'down';
}

/** `show channels` `callstate` → state (DOWN|RINGING|EARLY|ACTIVE|HELD|HANGUP). */
export function channelStateFromCallState(callState: string | undefined): ChannelState {
  switch (callState) {
    case 'ACTIVE':
      return 'up';
    case 'HELD':
      return 'held';
    case 'RINGING':
    case 'EARLY':
      return 'ringing';
    case 'HANGUP':
      return 'hangup';
    default:
      return 'down';
  }
}

/** Channel snapshot from any channel event (CHANNEL_CREATE, CHANNEL_PARK, CHANNEL_DATA, …). */
export function channelFromEvent(e: EslEvent): ChannelSnapshot {
  const direction = header(e, 'Call-Direction') === 'outbound' ? 'outbound' : 'inbound';
  const dialed = header(e, 'Caller-Destination-Number') ?? '';
  const snapshot: ChannelSnapshot = {
    id: header(e, 'Unique-ID') ?? '',
    name: header(e, 'Channel-Name') ?? '',
    state: channelState(header(e, 'Answer-State'), header(e, 'Channel-Call-State')),
    direction,
    caller: party(header(e, 'Caller-Caller-ID-Number'), header(e, 'Caller-Caller-ID-Name')),
    connected: party(header(e, 'Caller-Callee-ID-Number'), header(e, 'Caller-Callee-ID-Name')),
    dialed,
    createdAt: epochMicros(header(e, 'Caller-Channel-Created-Time') ?? header(e, 'Event-Date-Timestamp')),
  };
  if (e.get('variable_callplane_args') !== undefined) snapshot.args = e.getList('variable_callplane_args');
  return snapshot;
}

/** One row of `show channels as json` (fields: uuid, direction, created_epoch, name, cid_*, dest, callstate, callee_*). */
export interface ShowChannelRow {
  uuid: string;
  direction?: string;
  created_epoch?: string;
  name?: string;
  cid_name?: string;
  cid_num?: string;
  dest?: string;
  callstate?: string;
  callee_name?: string;
  callee_num?: string;
  application?: string;
  application_data?: string;
  /** `show calls` only: the bridged partner. */
  b_uuid?: string;
}

/** Channel snapshot from a `show channels as json` row (resync). */
export function channelFromShowRow(row: ShowChannelRow): ChannelSnapshot {
  const direction = row.direction === 'outbound' ? 'outbound' : 'inbound';
  const snapshot: ChannelSnapshot = {
    id: row.uuid,
    name: row.name ?? '',
    state: channelStateFromCallState(row.callstate),
    direction,
    caller: party(row.cid_num, row.cid_name),
    connected: party(row.callee_num, row.callee_name),
    dialed: row.dest ?? '',
    createdAt: row.created_epoch ? new Date(Number(row.created_epoch) * 1000) : new Date(),
  };
  if (direction === 'outbound' && row.dest) snapshot.endpoint = row.dest;
  return snapshot;
}

/**
 * Parses an `api show channels|calls as json` body: `{"row_count": 0}\n` when empty, else
 * `{"row_count":N,"rows":[…]}` (fixtures/freeswitch/README.md, "api bodies").
 */
export function parseShowRows(body: string): ShowChannelRow[] {
  const parsed = JSON.parse(body) as { row_count?: number; rows?: ShowChannelRow[] };
  return Array.isArray(parsed.rows) ? parsed.rows : [];
}

/** Q.850 cause and text of CHANNEL_HANGUP_COMPLETE (`Hangup-Cause` name → Q.850 via q850FromFreeswitch). */
export function hangupCause(e: EslEvent): { cause: number; causeText: string } {
  const cause = q850FromFreeswitch(header(e, 'Hangup-Cause') ?? 'NORMAL_CLEARING');
  return { cause, causeText: q850Text(cause) };
}

/**
 * DTMF duration in ms. `DTMF-Duration` is in samples at 8 kHz (switch_types.h
 * `SWITCH_DEFAULT_DTMF_DURATION` 2000 = 250 ms; the recording shows 2240 = 280 ms).
 */
export function dtmfDurationMs(e: EslEvent): number {
  const samples = Number(header(e, 'DTMF-Duration') ?? '0');
  return Number.isFinite(samples) ? Math.round(samples / 8) : 0;
}

/** sofia::register|unregister|expire → endpoint resource, state and contact URI. */
export function endpointFromSofia(e: EslEvent): { endpoint: string; state: EndpointState; contact?: string } | undefined {
  const subclass = header(e, 'Event-Subclass');
  const endpoint = header(e, 'from-user') ?? header(e, 'username') ?? header(e, 'user');
  if (!endpoint) return undefined;
  const contact = contactUri(header(e, 'contact'));
  if (subclass === 'sofia::register') return { endpoint, state: 'online', contact };
  if (subclass === 'sofia::unregister' || subclass === 'sofia::expire') return { endpoint, state: 'offline', contact };
  return undefined;
}

/** `"" <sip:1000@127.0.0.1:5181>` → `sip:1000@127.0.0.1:5181`. */
export function contactUri(contact: string | undefined): string | undefined {
  if (!contact) return undefined;
  const m = /<([^>]+)>/.exec(contact);
  return m ? m[1] : contact.trim();
}

function party(number: string | undefined, name: string | undefined): PartyId {
  return { number: number ?? '', name: name ?? '' };
}

function epochMicros(value: string | undefined): Date {
  const us = Number(value);
  return Number.isFinite(us) && us > 0 ? new Date(Math.floor(us / 1000)) : new Date();
}
