import { parsePlainEvent, type EslEventData } from '../../../libs/pbx-sim/src/freeswitch/esl-test-client';
import type { ParsedFrame } from './fixture';

/** The fields the conformance suite compares per event (the brief's list), plus key variables. */
const FIELDS = [
  'Event-Subclass', 'Channel-State', 'Channel-Call-State', 'Answer-State', 'Call-Direction', 'Hangup-Cause', 'Application',
  'Application-Data', 'Application-Response', 'Playback-Status', 'Playback-File-Path', 'DTMF-Digit', 'DTMF-Source',
  'Bridge-A-Unique-ID', 'Bridge-B-Unique-ID', 'Other-Type', 'Other-Leg-Unique-ID', 'Record-File-Path', 'Record-Completion-Cause',
  'Job-Command', 'Job-Command-Arg', '_body', 'variable_sip_hangup_disposition', 'variable_hangup_cause_q850',
  'variable_pagd_digits', 'variable_read_terminator_used', 'variable_read_result', 'status', 'expires',
] as const;

/**
 * Recorded non-variable headers the simulator deliberately does not send (documented gaps).
 * Empty: every Channel-*, Caller-*, Other-Leg-* and event-specific header of the recordings is
 * modelled; `variable_*` are a curated subset and not checked name by name.
 */
export const UNMODELLED_HEADERS = new Set<string>([]);

export type Signature = Record<string, string>;

/** Decode an event frame (plain or json). */
export function decodeEvent(f: ParsedFrame): EslEventData | undefined {
  const ct = f.headers['Content-Type'];
  if (ct === 'text/event-json') return JSON.parse(f.body) as EslEventData;
  if (ct === 'text/event-plain') return parsePlainEvent(f.body);
  return undefined;
}

/**
 * The comparable shape of an event. `mapId` turns ids into the recording's ids (so recorded and
 * simulated signatures compare equal); `sentAppUuids` are Event-UUIDs we chose, which must come
 * back as Application-UUID.
 */
export function signature(e: EslEventData, mapId: (s: string) => string, sentAppUuids: Set<string>): Signature {
  const s: Signature = { event: String(e['Event-Name']) };
  for (const k of FIELDS) {
    const v = e[k];
    if (v === undefined) continue;
    let str = Array.isArray(v) ? v.join('|') : v;
    if (k === 'Application-Data' && e['Application'] === 'export') str = str.replace(/^RFC2822_DATE=.*/, 'RFC2822_DATE=<date>');
    if (k === 'Application-Data') str = str.replace(/\d{4}-\d\d-\d\d-\d\d-\d\d-\d\d/, '<date>');
    if (k === 'expires' && e['Event-Subclass'] === 'sofia::expire') str = '<epoch>';
    if (k === 'expires' || k === 'status') {
      if (!String(e['Event-Subclass'] ?? '').startsWith('sofia::')) continue;
    }
    s[k] = mapId(str);
  }
  const appUuid = e['Application-UUID'];
  if (typeof appUuid === 'string' && sentAppUuids.has(appUuid)) s['Application-UUID'] = appUuid;
  return s;
}

/** Which sequence an event belongs to: its channel (BACKGROUND_JOB joins its originated leg). */
export function sequenceKey(e: EslEventData, mapId: (s: string) => string): string | undefined {
  const name = e['Event-Name'];
  if (name === 'HEARTBEAT' || name === 'RECV_RTCP_MESSAGE') return undefined;
  if (name === 'CUSTOM') return 'sofia';
  if (name === 'BACKGROUND_JOB') {
    const body = String(e['_body'] ?? '');
    const ok = /^\+OK ([0-9a-f-]{36})/.exec(body);
    if (ok) return 'channel:' + mapId(ok[1]);
    const arg = String(e['Job-Command-Arg'] ?? '');
    const orig = /origination_uuid=([0-9a-f-]{36})/.exec(arg);
    if (orig) return 'channel:' + mapId(orig[1]);
    return 'jobs';
  }
  const uuid = e['Unique-ID'];
  return typeof uuid === 'string' ? 'channel:' + mapId(uuid) : 'other';
}
