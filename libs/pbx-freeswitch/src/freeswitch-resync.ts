import type { BridgeSnapshot, PbxSnapshot } from '@callplane/pbx';
import { channelFromShowRow, channelStateFromCallState, parseShowRows } from './esl/esl-channel.mapper';
import type { ShowChannelRow } from './esl/esl-channel.mapper';
import { eslCommand } from './esl/esl-commands';
import { header } from './esl/esl-event';
import type { EslEvent } from './esl/esl-event';
import type { EslConnection } from './esl/esl.connection';
import { EslCommandError } from './esl/esl.errors';
import type { TrackedChannel } from './freeswitch.types';
import type { PlaybackTracker } from './playback.tracker';
import { BRIDGE_ID_VAR } from './virtual-bridges';
import type { SnoopSpec, VirtualBridges } from './virtual-bridges';

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

/**
 * True when the row is an inbound leg still in the dialplan (not yet parked for callplane). A
 * bridged leg (`show calls` partner) is under control whatever app it shows (uuid_bridge leaves
 * `application` empty).
 */
export function beforeControl(row: ShowChannelRow, bridged: ReadonlySet<string>): boolean {
  return row.direction === 'inbound' && !bridged.has(row.uuid) && BEFORE_CONTROL_APPS.has(row.application ?? '');
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

/**
 * Mixing bridges with one member left (a caller on hold while its agent consults): FreeSWITCH
 * shows no bridge, only the member's `callplane_bridge_id` variable (`loneIds`: uuid → id).
 * Channels in `covered` (pairs, conferences, callplane's own bridges) are skipped.
 */
export function deriveLoneBridges(loneIds: Map<string, string>, covered: Set<string>): BridgeSnapshot[] {
  const byId = new Map<string, string[]>();
  for (const [uuid, id] of loneIds) if (!covered.has(uuid)) byId.set(id, [...(byId.get(id) ?? []), uuid]);
  return [...byId].map(([id, channelIds]) => ({ id, type: 'mixing', channelIds }));
}

/** The MOH class a row plays (`playback local_stream://<class>`, as VirtualBridges.startMoh runs it), if any. */
export function mohClassOf(row: ShowChannelRow): string | undefined {
  if (row.application !== 'playback') return undefined;
  const m = /^local_stream:\/\/([\w.-]{1,64})$/.exec(row.application_data ?? '');
  return m?.[1];
}

/** Resync after a (re)connect: what is live, what ended meanwhile, what to offer now. */
export class FreeswitchResync {
  constructor(
    private readonly channels: Map<string, TrackedChannel>,
    private readonly playbacks: PlaybackTracker,
    private readonly bridges: VirtualBridges,
    private readonly snoops: Map<string, SnoopSpec>,
  ) {}

  async readLive(conn: EslConnection): Promise<{ rows: ShowChannelRow[]; calls: ShowChannelRow[] }> {
    const [channelsBody, callsBody] = await Promise.all([conn.api('show channels as json'), conn.api('show calls as json')]);
    return { rows: parseShowRows(channelsBody), calls: parseShowRows(callsBody) };
  }

  /**
   * Adopts what is live, forgets what ended while we were away, and finds inbound legs parked
   * during the gap (offered after driver.connected). A leg whose CHANNEL_PARK is among `held`
   * events is left to that event.
   */
  async resync(conn: EslConnection, reconnect: boolean, held: EslEvent[]): Promise<{ snapshot: PbxSnapshot; toOffer: TrackedChannel[] }> {
    const { rows, calls } = await this.readLive(conn);
    const parkedNow = new Set(held.filter((e) => e.name === 'CHANNEL_PARK').map((e) => header(e, 'Unique-ID')));
    const alive = new Set(rows.map((r) => r.uuid));
    for (const [id, ch] of this.channels) {
      if (alive.has(id) || (ch.session && !ch.session.closed) || this.snoops.has(id)) continue;
      this.channels.delete(id);
      this.playbacks.onChannelGone(id);
    }
    const bridged = new Set(calls.flatMap((c) => (c.b_uuid ? [c.uuid, c.b_uuid] : [])));
    const toOffer: TrackedChannel[] = [];
    for (const row of rows) {
      const known = this.channels.get(row.uuid);
      if (known) {
        known.snapshot.state = channelStateFromCallState(row.callstate);
        continue;
      }
      if (beforeControl(row, bridged) || parkedNow.has(row.uuid)) continue;
      const tracked: TrackedChannel = { snapshot: channelFromShowRow(row), offered: true, originated: row.direction === 'outbound', hungUp: false };
      if (reconnect && parked(row)) toOffer.push(tracked);
      else this.channels.set(row.uuid, tracked);
    }
    const snapshot = await this.composeSnapshot(conn, rows, calls);
    return { snapshot, toOffer };
  }

  async composeSnapshot(conn: EslConnection, rows: ShowChannelRow[], calls: ShowChannelRow[]): Promise<PbxSnapshot> {
    const alive = new Set(rows.map((r) => r.uuid));
    const virtual = this.bridges.snapshot(alive);
    const covered = new Set(virtual.flatMap((b) => b.channelIds));
    const bridged = new Set(calls.flatMap((c) => (c.b_uuid ? [c.uuid, c.b_uuid] : [])));
    const bridgeIdOf = async (uuid: string, into: Map<string, string>) => {
      const id = await conn.api(eslCommand('uuid_getvar', { channelId: uuid }, { name: BRIDGE_ID_VAR })).catch((err: unknown) => {
        // The leg hung up between `show calls` and this getvar (-ERR No such channel!): the derived id will do.
        if (err instanceof EslCommandError) return '_undef_';
        throw err;
      });
      if (id && id.trim() !== '_undef_') into.set(uuid, id.trim());
    };
    const pairIds = new Map<string, string>();
    const loneIds = new Map<string, string>();
    await Promise.all([
      ...calls.filter((c) => c.b_uuid && !covered.has(c.uuid)).map((c) => bridgeIdOf(c.uuid, pairIds)),
      ...rows
        .filter((r) => this.channels.has(r.uuid) && !covered.has(r.uuid) && !bridged.has(r.uuid) && r.application !== 'conference')
        .map((r) => bridgeIdOf(r.uuid, loneIds)),
    ]);
    const derived = deriveBridges(rows, calls, pairIds, covered);
    derived.push(...deriveLoneBridges(loneIds, covered));
    const rowOf = new Map(rows.map((r) => [r.uuid, r]));
    for (const b of derived) {
      const playing = b.channelIds.filter((c) => rowOf.has(c) && mohClassOf(rowOf.get(c)!));
      this.bridges.adopt(b, playing.length ? { channelIds: playing, mohClass: mohClassOf(rowOf.get(playing[0])!)! } : undefined);
    }
    const bridgeOf = new Map<string, string>();
    for (const b of [...virtual, ...derived]) for (const id of b.channelIds) bridgeOf.set(id, b.id);
    const channels = rows
      .filter((r) => this.channels.has(r.uuid))
      .map((r) => ({ ...this.channels.get(r.uuid)!.snapshot, ...(bridgeOf.has(r.uuid) ? { bridgeId: bridgeOf.get(r.uuid) } : {}) }));
    return { channels, bridges: [...virtual, ...derived], pbxStartedAt: await this.startedAt(conn) };
  }

  /** FreeSWITCH's start time from `api status` ("UP 0 years, 0 days, 1 hour, … 12 seconds, 34 milliseconds"). */
  private async startedAt(conn: EslConnection): Promise<Date | undefined> {
    const body = await conn.api('status').catch(() => undefined);
    return body ? startedAtFromStatus(body, Date.now()) : undefined;
  }
}

const UPTIME_UNITS_MS: Record<string, number> = { year: 365 * 86_400_000, day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000, millisecond: 1 };

/**
 * Start time from the first line of FreeSWITCH's `status` API (mod_commands status_function:
 * `UP %u year(s), %u day(s), %u hour(s), %u minute(s), %u second(s), %u millisecond(s), %u microsecond(s)`).
 * @returns undefined when the line is not there
 */
export function startedAtFromStatus(body: string, nowMs: number): Date | undefined {
  const line = body.split('\n', 1)[0];
  if (!line.startsWith('UP ')) return undefined;
  let uptime = 0;
  for (const m of line.matchAll(/(\d{1,12}) (year|day|hour|minute|second|millisecond)s?\b/g)) uptime += Number(m[1]) * UPTIME_UNITS_MS[m[2]];
  return new Date(nowMs - uptime);
}
