import type { ChannelDirection, ChannelSnapshot, ChannelState, PartyId, RtpStatistics } from '@callplane/pbx';
import type { AriChannel, AriRtpStat } from './ari.types';

/**
 * ARI `Channel.state` → port state (Asterisk `ast_state2str`: Down, Rsrvd, OffHook, Dialing,
 * Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown). `Ring` is an inbound channel
 * ringing at the PBX, `Ringing` an outbound one ringing at the far end: both are `ringing`.
 */
export function channelState(ariState: string): ChannelState {
  switch (ariState) {
    case 'Up':
      return 'up';
    case 'Ring':
    case 'Ringing':
    case 'Pre-ring':
      return 'ringing';
    default:
      return 'down';
  }
}

const NO_PARTY: PartyId = { number: '', name: '' };

function party(p: { number?: string; name?: string } | undefined): PartyId {
  if (!p) return NO_PARTY;
  return { number: p.number ?? '', name: p.name ?? '' };
}

/**
 * Parses ARI `creationtime` (`2026-11-21T19:10:06.420+0000`; the offset has no colon, which
 * `Date` parses on V8). Falls back to now for a missing or unparsable value.
 */
export function ariTime(value: string | undefined): Date {
  if (value) {
    const t = Date.parse(value);
    if (!Number.isNaN(t)) return new Date(t);
  }
  return new Date();
}

/** Resource of a dialled endpoint without technology: `PJSIP/1001` → `1001`. */
export function endpointResource(endpoint: string): string {
  const i = endpoint.indexOf('/');
  return i < 0 ? endpoint : endpoint.slice(i + 1);
}

/**
 * ARI `Channel` → {@link ChannelSnapshot}. `dialed` is the dialplan extension for inbound
 * channels (StasisStart `channel.dialplan.exten`); created channels sit at `s` and get ''.
 */
export function toChannelSnapshot(
  ch: AriChannel,
  direction: ChannelDirection,
  extra?: { args?: string[]; endpoint?: string; bridgeId?: string },
): ChannelSnapshot {
  const snapshot: ChannelSnapshot = {
    id: ch.id,
    name: ch.name,
    state: channelState(ch.state),
    direction,
    caller: party(ch.caller),
    connected: party(ch.connected),
    dialed: direction === 'inbound' ? (ch.dialplan?.exten ?? '') : '',
    createdAt: ariTime(ch.creationtime),
  };
  if (extra?.args) snapshot.args = extra.args;
  if (extra?.endpoint) snapshot.endpoint = extra.endpoint;
  if (extra?.bridgeId) snapshot.bridgeId = extra.bridgeId;
  return snapshot;
}

/**
 * Direction of a channel found in Stasis that this process did not create (resync after a
 * restart): snoops and channels parked at `s` priority 1 (where `POST /channels/create` leaves
 * them, recorded: ring-all-first-answer-wins) are ours/outbound; the rest came from the dialplan.
 */
export function guessDirection(ch: AriChannel): ChannelDirection {
  if (ch.name.startsWith('Snoop/')) return 'outbound';
  if (ch.dialplan && ch.dialplan.exten === 's' && ch.dialplan.priority === 1) return 'outbound';
  return 'inbound';
}

/** ARI caller id parameter: `"Name" <number>` (Asterisk `ast_callerid_parse`). */
export function formatCallerId(p: PartyId): string {
  const name = p.name.replace(/"/g, '');
  return name ? `"${name}" <${p.number}>` : `<${p.number}>`;
}

/** ARI `RTPstat` (jitter, RTT in s) → {@link RtpStatistics} (ms). Source: channels.json `RTPstat`. */
export function toRtpStatistics(s: AriRtpStat): RtpStatistics {
  const stats: RtpStatistics = {
    txCount: s.txcount ?? 0,
    rxCount: s.rxcount ?? 0,
    txPacketsLost: s.txploss ?? 0,
    rxPacketsLost: s.rxploss ?? 0,
    rxJitterMs: (s.rxjitter ?? 0) * 1000,
    txJitterMs: (s.txjitter ?? 0) * 1000,
    rttMs: (s.rtt ?? 0) * 1000,
  };
  if (s.local_ssrc !== undefined) stats.localSsrc = s.local_ssrc;
  if (s.remote_ssrc !== undefined) stats.remoteSsrc = s.remote_ssrc;
  if (s.rxmes !== undefined) stats.rxMes = s.rxmes;
  if (s.txmes !== undefined) stats.txMes = s.txmes;
  return stats;
}
