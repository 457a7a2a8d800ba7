import type { EndpointState, RtcpReportEvent } from '@callplane/pbx';
import { header, type AmiFrame } from './ami.types';

type Body<E> = Omit<E, 'nodeId' | 'at'>;

/** A frame that has an `Event` header but lacks a field the mapper needs. */
export class MalformedAmiEventError extends Error {
  constructor(event: string, field: string) {
    super(`AMI ${event} without ${field}`);
    this.name = 'MalformedAmiEventError';
  }
}

function required(frame: AmiFrame, name: string, event: string): string {
  const v = header(frame, name);
  if (!v) throw new MalformedAmiEventError(event, name);
  return v;
}

/**
 * AMI `Hangup` → the channel (Uniqueid = ARI channel id) and its Q.850 `Cause`. Cause 0
 * ("Unknown") is reported by Asterisk when a dialplan channel hangs up after `StasisEnd`
 * without a cause (recorded: inbound-caller-hangup-during-playback) and is returned as undefined.
 */
export function amiHangup(frame: AmiFrame): { channelId: string; cause: number | undefined } {
  const channelId = required(frame, 'uniqueid', 'Hangup');
  const cause = Number(header(frame, 'cause'));
  return { channelId, cause: Number.isInteger(cause) && cause > 0 ? cause : undefined };
}

/**
 * One contact's change from a `ContactStatus` (res_pjsip; recorded: registrations): `Created`,
 * `Reachable`, `NonQualified` (registered, qualify off), `Updated` → online; `Removed`, `Unreachable`
 * → offline; others unknown. The URI is there for every status, `Removed` too.
 */
export function contactStatusChange(frame: AmiFrame): { endpoint: string; uri?: string; state: EndpointState } {
  const endpoint = header(frame, 'endpointname') || required(frame, 'aor', 'ContactStatus');
  const status = required(frame, 'contactstatus', 'ContactStatus');
  let state: EndpointState;
  switch (status) {
    case 'Created':
    case 'Reachable':
    case 'NonQualified':
    case 'Updated':
      state = 'online';
      break;
    case 'Removed':
    case 'Unreachable':
      state = 'offline';
      break;
    default:
      state = 'unknown';
  }
  return { endpoint, uri: header(frame, 'uri') || undefined, state };
}

/**
 * Interarrival jitter of an RTCP report block is in RTP timestamp units (RFC 3550 §6.4.1);
 * Asterisk prints the raw value as `Report<n>IAJitter` (main/rtp_engine.c `rtcp_report_to_ami`,
 * `report_block->ia_jitter`). Every codec callplane's agents use (G.711, G.729, and G.722, whose
 * RTP clock is 8 kHz per RFC 3551 §4.5.2) has an 8000 Hz RTP clock: 8 units = 1 ms.
 */
export const RTP_CLOCK_UNITS_PER_MS = 8;

/**
 * AMI `RTCPSent`/`RTCPReceived` (main/rtp_engine.c `rtcp_report_to_ami`, recorded:
 * bridged-rtp-stats-and-snoop) → `rtcp.report` for the first report block. `Report0FractionLost`
 * is the 8-bit fixed-point fraction (÷256, RFC 3550 §6.4.1); `RTT` is in s (only on
 * RTCPReceived). A report without report blocks (`ReportCount: 0`) carries no quality data:
 * undefined.
 */
export function rtcpReport(frame: AmiFrame, event: 'RTCPSent' | 'RTCPReceived'): Body<RtcpReportEvent> | undefined {
  const channelId = required(frame, 'uniqueid', event);
  if (Number(header(frame, 'reportcount') || '0') < 1 || header(frame, 'report0fractionlost') === '') return undefined;
  const body: Body<RtcpReportEvent> = {
    type: 'rtcp.report',
    channelId,
    direction: event === 'RTCPSent' ? 'sent' : 'received',
    fractionLost: (Number(header(frame, 'report0fractionlost')) || 0) / 256,
    cumulativeLost: Number(header(frame, 'report0cumulativelost')) || 0,
    jitterMs: (Number(header(frame, 'report0iajitter')) || 0) / RTP_CLOCK_UNITS_PER_MS,
  };
  const ssrc = header(frame, 'ssrc');
  if (ssrc) {
    const n = ssrc.startsWith('0x') ? parseInt(ssrc.slice(2), 16) : Number(ssrc);
    if (Number.isFinite(n)) body.ssrc = n;
  }
  const rtt = header(frame, 'rtt');
  if (rtt) {
    const s = parseFloat(rtt);
    if (Number.isFinite(s)) body.rttMs = s * 1000;
  }
  return body;
}
