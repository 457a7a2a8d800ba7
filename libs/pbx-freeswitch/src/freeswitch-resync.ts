import type { BridgeSnapshot } from '@callplane/pbx';
import type { ShowChannelRow } from './esl/esl-channel.mapper';

/**
 * Pure helpers for the resync after a (re)connect: which live channels callplane controls and
 * which bridges exist, from `show channels as json` / `show calls as json`
 * (esl-reconnect.jsonl: rows carry `application`, `application_data`, `callstate`; `show calls`
 * adds the `b_*` partner fields, empty when not bridged).
 */

/**
 * Apps an inbound leg runs in the dialplan *before* it is handed to callplane (vanilla and
 * bundled dialplans: set/export/transfer/answer …). Such a leg is not adopted: its CHANNEL_PARK
 * will offer it. Anything else (park, playback, say, bridge, conference, eavesdrop, record) means
 * callplane already controls it.
 */
const BEFORE_CONTROL_APPS = new Set(['', 'set', 'export', 'transfer', 'answer', 'pre_answer', 'ring_ready', 'hash', 'bind_meta_app', 'log', 'info', 'sleep', 'multiset', 'unset', 'socket']);

/** True when the row is an inbound leg still in the dialplan (not yet parked for callplane). */
export function beforeControl(row: ShowChannelRow): boolean {
  return row.direction === 'inbound' && BEFORE_CONTROL_APPS.has(row.application ?? '');
}

/** True when the row is an inbound leg sitting in `park` (offered or about to be). */
export function parked(row: ShowChannelRow): boolean {
  return row.direction === 'inbound' && row.application === 'park';
}

/**
 * Bridges FreeSWITCH itself shows: bridged pairs from `show calls` (`b_uuid`) and conferences
 * from `show channels` (`application: conference`, data `<name>@<profile>`; callplane names
 * conferences by bridge id). `pairIds` gives the id for a pair (callplane's `callplane_bridge_id`
 * channel variable when it was set; else `fs-<a uuid>`). Channels already in `covered` are skipped.
 */
export function deriveBridges(rows: ShowChannelRow[], calls: ShowChannelRow[], pairIds: Map<string, string>, covered: Set<string>): BridgeSnapshot[] {
  const out: BridgeSnapshot[] = [];
  for (const call of calls) {
    if (!call.b_uuid || covered.has(call.uuid) || covered.has(call.b_uuid)) continue;
    out.push({ id: pairIds.get(call.uuid) ?? pairIds.get(call.b_uuid) ?? `fs-${call.uuid}`, type: 'mixing', channelIds: [call.uuid, call.b_uuid] });
    covered.add(call.uuid).add(call.b_uuid);
  }
  const conferences = new Map<string, string[]>();
  for (const row of rows) {
    if (row.application !== 'conference' || covered.has(row.uuid)) continue;
    const name = (row.application_data ?? '').split('@')[0].split('+')[0];
    if (!name) continue;
    conferences.set(name, [...(conferences.get(name) ?? []), row.uuid]);
  }
  for (const [name, channelIds] of conferences) out.push({ id: name, type: 'mixing', channelIds });
  return out;
}
