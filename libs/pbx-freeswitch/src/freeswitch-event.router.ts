import type { EndpointSnapshot, RtcpReportEvent } from '@callplane/pbx';
import { header, peekJsonString } from './esl/esl-event';
import type { EslEvent } from './esl/esl-event';
import type { EslConnection } from './esl/esl.connection';
import { channelFromEvent, dtmfDurationMs, endpointFromSofia, hangupCause } from './esl/esl-channel.mapper';
import type { FreeswitchContext, TrackedChannel } from './freeswitch.types';
import type { PlaybackTracker } from './playback.tracker';
import type { SnoopSpec, VirtualBridges } from './virtual-bridges';

/** A recording started by record(): FreeSWITCH reports it by file path (RECORD_START/STOP `Record-File-Path`). */
export interface RecordingInfo {
  name: string;
  /** `channel:<id>` or `bridge:<id>`. */
  target: string;
  /** Channel running uuid_record (undefined for a conference recording). */
  channelId?: string;
  conference?: string;
  path: string;
  startedAt?: number;
}

/** Last RTCP report per channel (rtpStatistics merges it with uuid_dump). */
export type RtcpSample = Omit<RtcpReportEvent, 'type' | 'nodeId' | 'at'>;

/**
 * Turns ESL events into port events (one handler per FreeSWITCH event name). Only channels
 * callplane knows (offered, originated, adopted) produce channel events; the first CHANNEL_PARK
 * of an unknown inbound leg offers it. Events of a channel controlled by an outbound-socket
 * session are taken from that session only (the inbound link sees them too).
 */
export class FreeswitchEventRouter {
  readonly recordings = new Map<string, RecordingInfo>();
  readonly rtcp = new Map<string, RtcpSample>();
  readonly endpoints = new Map<string, EndpointSnapshot>();

  private readonly handlers: Record<string, (e: EslEvent, uuid: string) => void> = {
    CHANNEL_CREATE: (e, uuid) => this.onCreate(e, uuid),
    CHANNEL_PARK: (e, uuid) => this.onPark(e, uuid),
    CHANNEL_PROGRESS: (_e, uuid) => this.onState(uuid, 'ringing'),
    CHANNEL_PROGRESS_MEDIA: (_e, uuid) => this.onState(uuid, 'ringing'),
    CHANNEL_ANSWER: (_e, uuid) => this.onState(uuid, 'up'),
    CHANNEL_HOLD: (_e, uuid) => this.onHold(uuid, true),
    CHANNEL_UNHOLD: (_e, uuid) => this.onHold(uuid, false),
    CHANNEL_EXECUTE: (e) => this.playbacks.onExecute(header(e, 'Application-UUID')),
    CHANNEL_EXECUTE_COMPLETE: (e) => this.playbacks.onExecuteComplete(header(e, 'Application-UUID'), header(e, 'Application-Response')),
    CHANNEL_HANGUP_COMPLETE: (e, uuid) => this.onHangupComplete(e, uuid),
    DTMF: (e, uuid) => this.onDtmf(e, uuid),
    RECORD_START: (e) => this.onRecord(e, true),
    RECORD_STOP: (e) => this.onRecord(e, false),
    RECV_RTCP_MESSAGE: (e, uuid) => this.onRtcp(e, uuid),
    CUSTOM: (e) => this.onCustom(e),
  };

  constructor(
    private readonly ctx: FreeswitchContext,
    private readonly playbacks: PlaybackTracker,
    private readonly bridges: VirtualBridges,
    private readonly snoops: Map<string, SnoopSpec>,
  ) {}

  /**
   * Pre-filter on the raw JSON (see EslConnection.setEventFilter): only events that can change
   * something are parsed — a park or create of a new leg, events of known channels, app events
   * of our playbacks, recordings, registrations.
   */
  wants(name: string, body: string): boolean {
    switch (name) {
      case 'CHANNEL_PARK':
      case 'CUSTOM':
        return true;
      case 'CHANNEL_EXECUTE':
      case 'CHANNEL_EXECUTE_COMPLETE':
        return this.playbacks.owns(peekJsonString(body, 'Application-UUID'));
      case 'RECORD_START':
      case 'RECORD_STOP':
        return this.recordings.size > 0;
      case 'CHANNEL_CREATE':
        return this.ctx.channels.get(peekJsonString(body, 'Unique-ID') ?? '')?.originated === true;
      default:
        return name in this.handlers && this.ctx.channels.has(peekJsonString(body, 'Unique-ID') ?? '');
    }
  }

  /** Entry point for every event of every ESL connection of this node. */
  handle(e: EslEvent, source: EslConnection): void {
    const handler = this.handlers[e.name];
    if (!handler) return;
    const uuid = header(e, 'Unique-ID') ?? '';
    const session = uuid ? this.ctx.channels.get(uuid)?.session : undefined;
    if (session && !session.closed && session !== source) return;
    handler(e, uuid);
  }

  private known(uuid: string): TrackedChannel | undefined {
    const ch = this.ctx.channels.get(uuid);
    return ch && !ch.hungUp ? ch : undefined;
  }

  private onCreate(e: EslEvent, uuid: string): void {
    const ch = this.known(uuid);
    if (!ch?.originated) return;
    const fresh = channelFromEvent(e);
    ch.snapshot.name = fresh.name;
    ch.snapshot.createdAt = fresh.createdAt;
    ch.onCreated?.();
    ch.onCreated = undefined;
  }

  /**
   * First park of an unknown inbound leg = offered; a re-park or an originated leg is not. The
   * `socket` app in async mode parks its channel too (CHANNEL_UNPARK in outbound-socket.jsonl):
   * that channel is offered by its outbound session, not here.
   */
  private onPark(e: EslEvent, uuid: string): void {
    if (this.ctx.channels.has(uuid) || header(e, 'Call-Direction') !== 'inbound') return;
    if (header(e, 'variable_current_application') === 'socket') return;
    this.offer({ snapshot: channelFromEvent(e), offered: true, originated: false, hungUp: false });
  }

  /** Emits `channel.offered` for a new inbound channel (park or outbound-socket connect). */
  offer(ch: TrackedChannel): void {
    this.ctx.channels.set(ch.snapshot.id, ch);
    ch.offered = true;
    this.ctx.emit({ type: 'channel.offered', channel: { ...ch.snapshot } });
  }

  private onState(uuid: string, state: 'ringing' | 'up'): void {
    const ch = this.known(uuid);
    if (!ch || ch.snapshot.state === state || (state === 'ringing' && ch.snapshot.state === 'up')) return;
    ch.snapshot.state = state;
    if (state === 'up') ch.upEmitted = true;
    this.ctx.emit({ type: 'channel.state', channelId: uuid, state });
  }

  /**
   * After a successful answer(): a channel the dialplan answered before parking it (the
   * recorded lab dialplan does; uuid_answer then raises no event) still gets its one
   * `channel.state` `up`, so consumers see the same sequence as on Asterisk.
   */
  answered(uuid: string): void {
    const ch = this.known(uuid);
    if (!ch || ch.upEmitted || ch.snapshot.state !== 'up') return;
    ch.upEmitted = true;
    this.ctx.emit({ type: 'channel.state', channelId: uuid, state: 'up' });
  }

  private onHold(uuid: string, held: boolean): void {
    const ch = this.known(uuid);
    if (!ch) return;
    ch.snapshot.state = held ? 'held' : 'up';
    this.ctx.emit({ type: 'channel.hold', channelId: uuid, held });
  }

  private onDtmf(e: EslEvent, uuid: string): void {
    if (!this.known(uuid)) return;
    const digit = header(e, 'DTMF-Digit') ?? '';
    if (digit) this.ctx.emit({ type: 'channel.dtmf', channelId: uuid, digit, durationMs: dtmfDurationMs(e) });
  }

  /** `channel.hangup` exactly once, after the channel left its bridge and its playbacks ended. */
  private onHangupComplete(e: EslEvent, uuid: string): void {
    const ch = this.known(uuid);
    if (!ch) return;
    ch.hungUp = true;
    this.emitBlindTransfer(e, uuid);
    this.playbacks.onChannelGone(uuid);
    this.bridges.onChannelGone(uuid);
    for (const [snoopId, snoop] of this.snoops) {
      if (snoop.targetId === uuid || snoop.listener === uuid) this.endSnoop(snoopId);
    }
    const { cause, causeText } = hangupCause(e);
    this.ctx.emit({ type: 'channel.hangup', channelId: uuid, cause, causeText });
    this.ctx.channels.delete(uuid);
    this.rtcp.delete(uuid);
    if (ch.session && !ch.session.closed) {
      // The session lingers until we leave (outbound-socket.jsonl): say goodbye.
      const session = ch.session;
      // If FreeSWITCH closed the socket first, `exit` fails; closing our side is all that is left to do.
      session.command('exit').catch(() => session.close());
    }
  }

  /** A virtual snoop channel ends with its target or its listener. */
  endSnoop(snoopId: string, cause = 16): void {
    if (!this.snoops.delete(snoopId)) return;
    this.bridges.onChannelGone(snoopId);
    this.ctx.emit({ type: 'channel.hangup', channelId: snoopId, cause, causeText: 'Normal Clearing' });
  }

  /** Phone REFER: FreeSWITCH hangs up the transferor with `transfer_destination: blind:<ext>` (phone-refer-blind.jsonl). */
  private emitBlindTransfer(e: EslEvent, uuid: string): void {
    const dest = header(e, 'variable_transfer_destination');
    if (!dest?.startsWith('blind:')) return;
    this.ctx.emit({
      type: 'transfer.blind',
      transfererChannelId: uuid,
      transfereeChannelId: this.bridges.partnerOf(uuid) ?? header(e, 'Other-Leg-Unique-ID'),
      target: dest.slice('blind:'.length),
    });
  }

  private onRecord(e: EslEvent, started: boolean): void {
    const path = header(e, 'Record-File-Path') ?? '';
    const rec = this.recordings.get(path);
    if (!rec) return;
    if (started) {
      rec.startedAt = Date.now();
      this.ctx.emit({ type: 'recording.started', name: rec.name, target: rec.target });
      return;
    }
    this.recordings.delete(path);
    const cause = header(e, 'Record-Completion-Cause') ?? 'success';
    const seconds = Number(header(e, 'variable_record_seconds'));
    const durationS = Number.isFinite(seconds) && header(e, 'variable_record_seconds') !== undefined
      ? seconds
      : rec.startedAt !== undefined ? Math.round((Date.now() - rec.startedAt) / 1000) : undefined;
    this.ctx.emit({ type: 'recording.finished', name: rec.name, target: rec.target, durationS, status: /^success/.test(cause) ? 'done' : 'failed' });
  }

  /**
   * RECV_RTCP_MESSAGE (bridged-rtp-stats-and-eavesdrop.jsonl): `Source0-Fraction` is the RFC 3550
   * 8-bit fixed-point fraction lost, `Source0-Jitter` is in RTP timestamp units (÷ `RTP-Rate`/1000 → ms),
   * `Rtt0-Avg` is FreeSWITCH's running RTT average in ms.
   */
  private onRtcp(e: EslEvent, uuid: string): void {
    if (!this.known(uuid)) return;
    const num = (name: string): number => {
      const v = Number(header(e, name));
      return Number.isFinite(v) ? v : 0;
    };
    const rate = num('RTP-Rate') || 8000;
    const ssrc = parseInt(header(e, 'SSRC') ?? '', 16);
    const sample: RtcpSample = {
      channelId: uuid,
      direction: 'received',
      ssrc: Number.isFinite(ssrc) ? ssrc : undefined,
      fractionLost: num('Source0-Fraction') / 256,
      cumulativeLost: num('Source0-Lost'),
      jitterMs: num('Source0-Jitter') / (rate / 1000),
      rttMs: num('Rtt0-Avg'),
    };
    this.rtcp.set(uuid, sample);
    this.ctx.emit({ type: 'rtcp.report', ...sample });
  }

  private onCustom(e: EslEvent): void {
    const reg = endpointFromSofia(e);
    if (!reg) return;
    this.endpoints.set(reg.endpoint, { resource: reg.endpoint, state: reg.state, contact: reg.contact });
    this.ctx.emit({ type: 'endpoint.state', endpoint: reg.endpoint, state: reg.state, contact: reg.contact });
  }
}
