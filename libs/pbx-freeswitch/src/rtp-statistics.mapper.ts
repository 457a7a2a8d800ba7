import type { RtpStatistics } from '@callplane/pbx';
import type { RtcpSample } from './freeswitch-event.router';

/**
 * RTP statistics of a leg from `uuid_dump <uuid> json` (flat CHANNEL_DATA, bridged-rtp-stats-and-eavesdrop.jsonl)
 * and the last RECV_RTCP_MESSAGE. FreeSWITCH fills `variable_rtp_audio_in_*`/`_out_*` (packet
 * counts, `_in_skip_packet_count` = lost, `_in_jitter_max_variance`, `_in_quality_percentage`)
 * mostly at hangup, so during a call the RTCP report supplies jitter (ms), RTT (ms) and losses.
 */
export function rtpStatisticsFrom(dump: Record<string, string>, rtcp?: RtcpSample): RtpStatistics {
  const num = (name: string): number => {
    const v = Number(dump[`variable_${name}`] ?? dump[name]);
    return Number.isFinite(v) ? v : 0;
  };
  const localSsrc = num('rtp_use_ssrc');
  const quality = dump.variable_rtp_audio_in_quality_percentage;
  const stats: RtpStatistics = {
    txCount: num('rtp_audio_out_packet_count'),
    rxCount: num('rtp_audio_in_packet_count'),
    txPacketsLost: rtcp?.cumulativeLost ?? 0,
    rxPacketsLost: num('rtp_audio_in_skip_packet_count'),
    rxJitterMs: rtcp?.jitterMs ?? num('rtp_audio_in_jitter_max_variance'),
    txJitterMs: 0,
    rttMs: rtcp?.rttMs ?? 0,
  };
  if (localSsrc) stats.localSsrc = localSsrc;
  if (rtcp?.ssrc !== undefined) stats.remoteSsrc = rtcp.ssrc;
  if (quality !== undefined && Number.isFinite(Number(quality))) stats.rxMes = Number(quality);
  return stats;
}
