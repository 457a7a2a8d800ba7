import type { FsSwitch } from './fs-switch';

/** RTP quality to report for a leg (RTCP receiver report, end-of-call `rtp_audio_in_*`). */
export interface RtpQuality {
  /** Fraction of packets lost, %. */
  lossPct?: number;
  /** Interarrival jitter, ms. */
  jitterMs?: number;
  /** Round trip time, ms. */
  rttMs?: number;
}

/**
 * HEARTBEAT (switch_core.c `send_heartbeat`, every 20 s by default) and RECV_RTCP_MESSAGE per
 * answered leg (switch_core_media.c; only `Unique-ID` plus RTCP fields, no channel headers):
 * inbound legs always (the caller offered a=rtcp-mux), originated legs only when the originate
 * set `rtcp_audio_interval_msec`, as in the recording.
 */
export class FsTelemetry {
  private hb?: NodeJS.Timeout;
  private rtcp?: NodeJS.Timeout;
  private readonly started = Date.now();
  private readonly quality = new Map<string, RtpQuality>();

  constructor(
    private readonly sw: FsSwitch,
    private readonly heartbeatMs: number,
    private readonly rtcpMs: number,
  ) {}

  start(): void {
    if (this.heartbeatMs > 0) {
      this.hb = setInterval(() => this.heartbeat(), this.heartbeatMs);
      this.hb.unref();
    }
    if (this.rtcpMs > 0) {
      this.rtcp = setInterval(() => this.rtcpRound(), this.rtcpMs);
      this.rtcp.unref();
    }
  }

  stop(): void {
    if (this.hb) clearInterval(this.hb);
    if (this.rtcp) clearInterval(this.rtcp);
  }

  setQuality(uuid: string, q: RtpQuality): void {
    this.quality.set(uuid, q);
  }

  private heartbeat(): void {
    const ms = Date.now() - this.started;
    this.sw.fireRaw('HEARTBEAT', () => [
      ['Event-Info', 'System Ready'],
      ['Up-Time', `0 years, 0 days, 0 hours, ${Math.floor(ms / 60000)} minutes, ${Math.floor(ms / 1000) % 60} seconds, ${ms % 1000} milliseconds, 0 microseconds`],
      ['FreeSWITCH-Version', '1.10.12-release~64bit'],
      ['Uptime-msec', String(ms)],
      ['Session-Count', String(this.sw.channels.size)],
      ['Max-Sessions', '1000'],
      ['Session-Per-Sec', '30'],
      ['Session-Per-Sec-Last', '0'],
      ['Session-Per-Sec-Max', '0'],
      ['Session-Per-Sec-FiveMin', '0'],
      ['Session-Since-Startup', String(this.sw.nextSessionIdPeek())],
      ['Session-Peak-Max', String(this.sw.channels.size)],
      ['Session-Peak-FiveMin', String(this.sw.channels.size)],
      ['Idle-CPU', '97.000000'],
    ]);
  }

  private rtcpRound(): void {
    if (!this.sw.wants('RECV_RTCP_MESSAGE')) return;
    for (const ch of this.sw.channels.values()) {
      if (!ch.alive || !ch.up) continue;
      // Originated legs offer RTCP only with rtcp_audio_interval_msec (bridged-rtp-stats-and-eavesdrop.jsonl).
      if (ch.direction === 'outbound' && !ch.vars.has('rtcp_audio_interval_msec')) continue;
      const q = this.quality.get(ch.uuid) ?? {};
      const secs = (Date.now() * 1000 - ch.answeredUs) / 1e6;
      const pkts = Math.max(0, Math.round(secs * 50));
      const ssrc = ch.uuid.replace(/-/g, '').slice(0, 8);
      const lostPct = q.lossPct ?? 0;
      this.sw.fireRaw('RECV_RTCP_MESSAGE', () => [
        ['Unique-ID', ch.uuid],
        ['SSRC', ssrc],
        ['NTP-Most-Significant-Word', String(Math.floor(Date.now() / 1000) + 2208988800)],
        ['NTP-Least-Significant-Word', '0'],
        ['RTP-Timestamp', String(pkts * 160)],
        ['Sender-Packet-Count', String(pkts)],
        ['Octect-Packet-Count', String(pkts * 160)],
        ['Last-RTP-Timestamp', String(pkts * 160)],
        ['RTP-Rate', '8000'],
        ['Capture-Time', String(Date.now() * 1000)],
        ['Source0-SSRC', ch.uuid.replace(/-/g, '').slice(8, 16)],
        ['Source0-Fraction', String(Math.round((lostPct / 100) * 256))],
        ['Source0-Lost', String(Math.round((pkts * lostPct) / 100))],
        ['Source0-Loss-Avg', String(lostPct)],
        ['Source0-Highest-Sequence-Number-Received', String(pkts)],
        ['Source0-Jitter', String(Math.round((q.jitterMs ?? 0) * 8))],
        ['Source0-LSR', '0'],
        ['Source0-DLSR', '0'],
        ['Rtt0-Avg', ((q.rttMs ?? 0) / 1000).toFixed(6)],
      ], { uuid: ch.uuid });
    }
  }
}
