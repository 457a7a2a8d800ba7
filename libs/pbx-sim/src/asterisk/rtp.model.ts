import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import type { SimContext } from './sim-context';
import type { SimChannel } from './sim-model.types';

/**
 * Plausible RTP/RTCP figures for a simulated leg: 20 ms G.711 packets (160 octets) since answer,
 * no loss, sub-ms jitter, MES 88.09 (what Asterisk 22 reported for clean loopback legs). Jitter and
 * RTT are in seconds, as in Asterisk ARI channels.json `RTPstat` and the RTPAUDIOQOS variables.
 * A far end without RTCP (the SIPp caller in the recordings) shows rtt 0 and rxmes 0.
 */
const MES = 88.08788736213981;

function packetsSince(ch: SimChannel, now = Date.now()): number {
  return ch.answeredAt === undefined ? 0 : Math.floor((now - ch.answeredAt) / 20);
}

/** ARI `RTPstat` (GET /channels/{id}/rtp_statistics), field order as recorded. */
export function rtpStatistics(ch: SimChannel): Record<string, unknown> {
  const n = packetsSince(ch);
  const rtt = ch.farRtcp ? 0.0006 : 0;
  const rxmes = ch.farRtcp ? 88 : 0;
  return {
    txcount: n, rxcount: n, txploss: 0, rxploss: 0,
    local_ssrc: ch.ssrc, remote_ssrc: ch.themSsrc,
    txoctetcount: n * 160, rxoctetcount: n * 160,
    channel_uniqueid: ch.id,
    txjitter: 0.001625, rxjitter: ch.farRtcp ? 0.0015 : 0,
    remote_maxjitter: 0, remote_minjitter: 0, remote_normdevjitter: 0, remote_stdevjitter: 0,
    local_maxjitter: 0.002, local_minjitter: 0.00025, local_normdevjitter: 0.001448, local_stdevjitter: 0.000417,
    remote_maxrxploss: 0, remote_minrxploss: 0, remote_normdevrxploss: 0, remote_stdevrxploss: 0,
    local_maxrxploss: 0, local_minrxploss: 0, local_normdevrxploss: 0, local_stdevrxploss: 0,
    rtt, maxrtt: rtt, minrtt: rtt, normdevrtt: rtt, stdevrtt: 0,
    txmes: 88, rxmes,
    remote_maxmes: rxmes, remote_minmes: rxmes, remote_normdevmes: rxmes, remote_stdevmes: 0,
    local_maxmes: MES, local_minmes: MES, local_normdevmes: MES, local_stdevmes: 1e-9,
  };
}

/** `CHANNEL(rtcp,all)` / `RTPAUDIOQOS` summary string (`ssrc=…;themssrc=…;lp=0;rxjitter=…;…`). */
export function rtcpAll(ch: SimChannel): string {
  const n = packetsSince(ch);
  const rtt = ch.farRtcp ? 0.0006 : 0;
  return (
    `ssrc=${ch.ssrc};themssrc=${ch.themSsrc};lp=0;rxjitter=${(ch.farRtcp ? 0.0015 : 0).toFixed(6)};rxcount=${n};` +
    `txjitter=0.001125;txcount=${n};rlp=0;rtt=${rtt.toFixed(6)};rxmes=${(ch.farRtcp ? MES : 0).toFixed(6)};txmes=${MES.toFixed(6)}`
  );
}

/** The five RTPAUDIOQOS* ChannelVarsets Asterisk sets on an answered PJSIP channel at hangup (recorded). */
export function publishQosVarsets(ctx: SimContext, ch: SimChannel): void {
  const m = MES.toFixed(6).padStart(10, '0');
  const vars: Array<[string, string]> = [
    ['RTPAUDIOQOS', rtcpAll(ch)],
    ['RTPAUDIOQOSJITTER', 'minrxjitter=000.000000;maxrxjitter=000.001125;avgrxjitter=000.000020;stdevrxjitter=000.000149;mintxjitter=000.000000;maxtxjitter=000.000000;avgtxjitter=000.000000;stdevtxjitter=000.000000;'],
    ['RTPAUDIOQOSLOSS', '  minrxlost=000.000000;  maxrxlost=000.000000;  avgrxlost=000.000000;  stdevrxlost=000.000000;  mintxlost=000.000000;  maxtxlost=000.000000;  avgtxlost=000.000000;  stdevtxlost=000.000000;'],
    ['RTPAUDIOQOSRTT', '     minrtt=000.000000;     maxrtt=000.000000;     avgrtt=000.000000;     stdevrtt=000.000000;'],
    ['RTPAUDIOQOSMES', `   minrxmes=${m};   maxrxmes=${m};   avgrxmes=${m};   stdevrxmes=000.000000;   mintxmes=000.000000;   maxtxmes=000.000000;   avgtxmes=000.000000;   stdevtxmes=000.000000;`],
  ];
  for (const [name, value] of vars) {
    ch.vars.set(name, value);
    ctx.amiEvent(() => amiEvent('VarSet', 'dialplan', amiChannelHeaders(ch) + `Variable: ${name}\r\nValue: ${value}\r\n`));
    ctx.varset(ch, name, value);
  }
}

/** Starts the per-leg RTCP report timer (AMI RTCPSent, and RTCPReceived when the far end sends RTCP). */
export function startRtcp(ctx: SimContext, ch: SimChannel): void {
  const every = ctx.options.rtcpIntervalMs;
  if (every <= 0) return;
  const t = setInterval(() => {
    if (!ctx.ami.active) return;
    const n = packetsSince(ch);
    const ntp = (Date.now() / 1000).toFixed(6);
    const hex = (v: number): string => `0x${v.toString(16).padStart(8, '0')}`;
    const report = (ssrc: number): string =>
      `PT: 200(SR)\r\nReportCount: 1\r\nSentNTP: ${ntp}\r\nSentRTP: ${n * 160}\r\nSentPackets: ${n}\r\nSentOctets: ${n * 160}\r\n` +
      `Report0SourceSSRC: ${hex(ssrc)}\r\nReport0FractionLost: 0\r\nReport0CumulativeLost: 0\r\n` +
      `Report0HighestSequence: ${n}\r\nReport0SequenceNumberCycles: 0\r\nReport0IAJitter: 13\r\nReport0LSR: 0\r\nReport0DLSR: 0.0000\r\n`;
    ctx.ami.send(
      amiEvent('RTCPSent', 'reporting', amiChannelHeaders(ch) + `To: 127.0.0.1:6001\r\nFrom: 127.0.0.1:10967\r\nMES: 88.1\r\nSSRC: ${hex(ch.ssrc)}\r\n` + report(ch.themSsrc)),
    );
    if (ch.farRtcp) {
      ctx.ami.send(
        amiEvent('RTCPReceived', 'reporting', amiChannelHeaders(ch) + `To: 127.0.0.1:10967\r\nFrom: 127.0.0.1:6001\r\nRTT: 0.0006\r\nMES: 88.1\r\nSSRC: ${hex(ch.themSsrc)}\r\n` + report(ch.ssrc)),
      );
    }
  }, every);
  ch.timers.add(t);
}
