import { randomUUID } from 'node:crypto';
import type { EslEvent, EslHeaders } from './esl-frame.encoder';
import type { EslSession } from './esl-session';
import { CS_NUMBER, FsChannel, type FsCallerProfile } from './fs-channel.model';
import { FsEventFactory, localStamp, nowUs, type ChannelEventParts } from './fs-event.factory';

/** Q.850 numbers of the FreeSWITCH cause names (`switch_channel.c` CAUSE_CHART). */
export const CAUSE_Q850: Record<string, number> = {
  UNALLOCATED_NUMBER: 1, NO_ROUTE_DESTINATION: 3, NORMAL_CLEARING: 16, USER_BUSY: 17, NO_USER_RESPONSE: 18,
  NO_ANSWER: 19, SUBSCRIBER_ABSENT: 20, CALL_REJECTED: 21, DESTINATION_OUT_OF_ORDER: 27, INVALID_NUMBER_FORMAT: 28,
  NORMAL_UNSPECIFIED: 31, NORMAL_CIRCUIT_CONGESTION: 34, NETWORK_OUT_OF_ORDER: 38, NORMAL_TEMPORARY_FAILURE: 41,
  SWITCH_CONGESTION: 42, REQUESTED_CHAN_UNAVAIL: 44, INCOMPATIBLE_DESTINATION: 88, RECOVERY_ON_TIMER_EXPIRE: 102,
  INTERWORKING: 127, ORIGINATOR_CANCEL: 16, LOSE_RACE: 16, MANAGER_REQUEST: 16, ALLOTTED_TIMEOUT: 16,
};

/** The cause name of a Q.850 number (first match in CAUSE_Q850). */
export function causeName(q850: number): string {
  for (const [k, v] of Object.entries(CAUSE_Q850)) if (v === q850) return k;
  return 'NORMAL_CLEARING';
}

export type HangupOrigin = 'remote' | 'local';

/** Timings of the simulated switch. */
export interface FsTimings {
  /** Multiplies media durations (tones, silence, files, sleep, digit timeouts). */
  mediaTimeScale: number;
  /** Multiplies originate timeouts. */
  originateTimeScale: number;
}

/**
 * The simulated FreeSWITCH core: channels, event delivery to ESL sessions, the channel life
 * cycle and the app runner. Event orders follow test/fixtures/freeswitch (see its README).
 */
export class FsSwitch {
  readonly channels = new Map<string, FsChannel>();
  readonly sessions = new Set<EslSession>();
  events = new FsEventFactory();
  private wanted = new Set<string>();
  private wantAll = false;
  private sessionCounter = 60;
  /** Listeners for tests / the facade (channel parked, destroyed …). */
  readonly hooks = {
    parked: [] as Array<(ch: FsChannel) => void>,
    destroyed: [] as Array<(ch: FsChannel) => void>,
    hungup: [] as Array<(ch: FsChannel) => void>,
  };

  constructor(readonly timings: FsTimings) {}

  /** Sessions created since start (for `status`). */
  nextSessionIdPeek(): number {
    return this.sessionCounter - 60;
  }

  nextSessionId(): string {
    return String(++this.sessionCounter);
  }

  /** Recompute the union of all sessions' subscriptions. */
  recomputeSubscriptions(): void {
    const w = new Set<string>();
    let all = false;
    for (const s of this.sessions) {
      if (!s.authed || s.isClosed) continue;
      if (s.allEvents) all = true;
      for (const e of s.events) w.add(e);
      for (const sc of s.subclasses) w.add('CUSTOM:' + sc);
      if (s.allCustom) w.add('CUSTOM:*');
    }
    this.wanted = w;
    this.wantAll = all;
  }

  /** Whether any session would receive this event (so we can skip building it). */
  wants(name: string, subclass?: string): boolean {
    if (this.wantAll) return true;
    if (subclass) return this.wanted.has('CUSTOM:*') || this.wanted.has('CUSTOM:' + subclass);
    return this.wanted.has(name);
  }

  emit(ev: EslEvent): void {
    for (const s of this.sessions) s.deliver(ev);
  }

  /** Build and deliver a channel event if anyone listens. */
  fire(name: string, ch: FsChannel, parts?: ChannelEventParts): void {
    if (!this.wants(name)) return;
    this.emit(this.events.channel(name, ch, parts));
  }

  /** Build and deliver a non-channel event if anyone listens. */
  fireRaw(name: string, headers: () => EslHeaders, opts: { subclass?: string; body?: string; uuid?: string } = {}): void {
    if (!this.wants(name, opts.subclass)) return;
    this.emit(this.events.plain(name, headers(), opts));
  }

  // ---------------------------------------------------------------- channel life cycle

  createChannel(
    uuid: string,
    name: string,
    direction: 'inbound' | 'outbound',
    profile: Partial<FsCallerProfile>,
    presenceId: string,
  ): FsChannel {
    const us = nowUs();
    const p: FsCallerProfile = {
      username: '', dialplan: '', callerIdName: '', callerIdNumber: '', origCallerIdName: '', origCallerIdNumber: '',
      calleeIdName: '', calleeIdNumber: '', networkAddr: '127.0.0.1', ani: '', destination: '', source: 'mod_sofia',
      transferSource: '', context: 'public', rdnis: '', profileIndex: 1, profileCreated: us, ...profile,
    };
    const ch = new FsChannel(uuid, name, direction, p, presenceId, us);
    this.channels.set(uuid, ch);
    ch.setVar('direction', direction);
    if (direction === 'outbound') ch.setVar('is_outbound', 'true');
    ch.setVar('uuid', uuid);
    ch.setVar('call_uuid', uuid);
    ch.setVar('session_id', this.nextSessionId());
    return ch;
  }

  /**
   * Move a live channel to `state`. Channel-State-Number is the *running* state, which after a
   * hangup stays at CS_HANGUP (10) whatever Channel-State says (recorded).
   */
  setState(ch: FsChannel, state: string, number?: number): void {
    ch.state = state;
    if (!ch.alive) return;
    ch.stateNumber = number ?? CS_NUMBER[state] ?? ch.stateNumber;
  }

  /** 180 Ringing from the far end of an originated leg. */
  markRinging(ch: FsChannel): void {
    if (!ch.alive || ch.progressUs) return;
    ch.farEndResponded = true;
    ch.progressUs = nowUs();
    this.fire('CHANNEL_PROGRESS', ch);
    ch.callState = 'RINGING';
  }

  /** Early media (183 / pre_answer). */
  markPreAnswered(ch: FsChannel): void {
    if (!ch.alive || ch.answerState !== 'ringing') return;
    ch.progressMediaUs = nowUs();
    ch.answerState = 'early';
    ch.mediaUp = true;
    this.addMediaVars(ch);
    this.fire('CHANNEL_PROGRESS_MEDIA', ch);
    ch.callState = 'EARLY';
  }

  /** Answer (200 OK sent for inbound, received for outbound). Returns false if already answered/gone. */
  markAnswered(ch: FsChannel): boolean {
    if (!ch.alive || ch.up) return false;
    if (ch.direction === 'inbound' && ch.answerState === 'ringing') this.markPreAnswered(ch);
    ch.answeredUs = nowUs();
    ch.farEndResponded = true;
    ch.answerState = 'answered';
    ch.mediaUp = true;
    if (!ch.vars.has('rtp_use_codec_name')) this.addMediaVars(ch);
    ch.setVar('endpoint_disposition', 'ANSWER');
    this.fire('CHANNEL_ANSWER', ch);
    ch.callState = ch.held ? 'HELD' : 'ACTIVE';
    return true;
  }

  private addMediaVars(ch: FsChannel): void {
    const v: Array<[string, string]> = [
      ['rtp_use_codec_name', 'PCMU'], ['rtp_use_codec_rate', '8000'], ['rtp_use_codec_ptime', '20'],
      ['rtp_use_codec_channels', '1'], ['read_codec', 'PCMU'], ['read_rate', '8000'], ['write_codec', 'PCMU'],
      ['write_rate', '8000'], ['dtmf_type', 'rfc2833'], ['local_media_ip', '127.0.0.1'], ['remote_media_ip', '127.0.0.1'],
    ];
    for (const [k, val] of v) ch.setVar(k, val);
  }

  /**
   * Hang up one leg (and its bridge partner, as FreeSWITCH does after a bridge). Order as recorded:
   * HANGUP → (partner HANGUP → UNBRIDGE → RECORD_STOP) → PLAYBACK_STOP / EXECUTE_COMPLETE of
   * running apps → HANGUP_COMPLETE → DESTROY.
   */
  hangup(ch: FsChannel, cause: string, origin: HangupOrigin, disposition?: string): void {
    if (!ch.alive) return;
    this.markHangup(ch, cause, origin, disposition ?? (origin === 'remote' ? 'recv_bye' : ch.up ? 'send_bye' : 'send_cancel'));
    const partner = ch.peer && ch.otherType && ch.peer.peer === ch ? ch.peer : undefined;
    if (partner && partner.alive) {
      const aLeg = ch.otherType === 'originatee' ? ch : partner;
      const parkAfter = partner.getVar('park_after_bridge') === 'true' || partner.getVar('hangup_after_bridge') === 'false';
      if (!parkAfter) this.markHangup(partner, 'NORMAL_CLEARING', 'local', partner.up ? 'send_bye' : 'send_cancel');
      this.unbridge(aLeg, ch === aLeg ? partner : ch);
      this.stopRecording(ch);
      if (!parkAfter) {
        this.stopRecording(partner);
        this.finishHangup(partner);
      } else {
        this.setState(partner, 'CS_EXECUTE');
        this.park(partner);
      }
    } else {
      this.stopRecording(ch);
    }
    this.finishHangup(ch);
  }

  /**
   * Hang up one bridged leg but keep its partner (blind transfer by REFER): HANGUP → UNBRIDGE on
   * the A leg → `partnerNext(partner)` (the partner's new dialplan) → HANGUP_COMPLETE → DESTROY
   * (phone-refer-blind.jsonl).
   */
  hangupLeavingPartner(ch: FsChannel, cause: string, partnerNext: (partner: FsChannel) => void): void {
    const partner = ch.peer;
    if (!ch.alive || !partner) return;
    this.markHangup(ch, cause, 'local', 'send_bye');
    // The survivor no longer carries Other-Leg-* (from its UNBRIDGE on, as recorded).
    partner.otherLeg = undefined;
    partner.otherLegType = undefined;
    const aLeg = ch.otherType === 'originatee' ? ch : partner;
    this.unbridge(aLeg, aLeg === ch ? partner : ch);
    this.setState(partner, 'CS_EXECUTE');
    partnerNext(partner);
    this.stopRecording(ch);
    this.finishHangup(ch);
  }

  private markHangup(ch: FsChannel, cause: string, origin: HangupOrigin, disposition: string): void {
    ch.hangupCause = cause;
    ch.hangupOrigin = origin;
    ch.answerState = 'hangup';
    ch.hangupUs = nowUs();
    ch.stateNumber = 10;
    ch.playing = undefined;
    ch.hangupDisposition = disposition;
    // A refused INVITE (486) is known before the hangup starts (originate-busy.jsonl).
    if (disposition === 'recv_refuse') ch.setVar('sip_hangup_disposition', disposition);
    this.fire('CHANNEL_HANGUP', ch);
    // mod_sofia sets the disposition when the BYE/CANCEL arrives (remote) or once it sends one (local, later).
    if (origin === 'remote') ch.setVar('sip_hangup_disposition', disposition);
    for (const h of this.hooks.hungup) h(ch);
  }

  unbridge(aLeg: FsChannel, bLeg: FsChannel): void {
    this.fire('CHANNEL_UNBRIDGE', aLeg, {
      pre: [['Bridge-A-Unique-ID', aLeg.uuid], ['Bridge-B-Unique-ID', bLeg.uuid]],
    });
    aLeg.peer = undefined;
    aLeg.otherType = undefined;
    bLeg.peer = undefined;
    bLeg.otherType = undefined;
  }

  stopRecording(ch: FsChannel): void {
    if (!ch.recording) return;
    const path = ch.recording;
    ch.recording = undefined;
    const prev = ch.state;
    if (!ch.alive) ch.state = 'CS_HANGUP';
    this.fire('RECORD_STOP', ch, { tail: [['Record-File-Path', path], ['Record-Completion-Cause', 'success-silence']] });
    ch.state = prev;
  }

  private finishHangup(ch: FsChannel): void {
    ch.app?.stop?.('hangup');
    ch.appQueue.length = 0;
    ch.parkApp?.stop?.('hangup');
    ch.outerApp?.stop?.('hangup');
    if (ch.onHangup) ch.onHangup();
    ch.state = 'CS_REPORTING';
    ch.callState = 'HANGUP';
    ch.stateNumber = 11;
    // Set in the reporting state, so only HANGUP_COMPLETE / DESTROY carry them (recorded).
    ch.setVar('hangup_cause', ch.hangupCause ?? 'NORMAL_CLEARING');
    ch.setVar('hangup_cause_q850', String(CAUSE_Q850[ch.hangupCause ?? ''] ?? 16));
    ch.setVar('sip_hangup_disposition', ch.hangupDisposition ?? 'send_bye');
    this.addEndVars(ch);
    this.fire('CHANNEL_HANGUP_COMPLETE', ch, { pre: [['Hangup-Cause', ch.hangupCause ?? 'NORMAL_CLEARING']] });
    if (ch.lingering) return; // outbound socket with linger: DESTROY once the client leaves
    // A failed originate reports BACKGROUND_JOB between HANGUP_COMPLETE and DESTROY (originate-busy.jsonl).
    if (ch.deferDestroy) setImmediate(() => this.destroy(ch));
    else this.destroy(ch);
  }

  /** CHANNEL_DESTROY and removal. */
  destroy(ch: FsChannel): void {
    if (ch.gone) return;
    if (ch.beforeDestroy) ch.beforeDestroy();
    ch.gone = true;
    ch.stateNumber = 12;
    ch.clearTimers();
    this.fire('CHANNEL_DESTROY', ch);
    this.channels.delete(ch.uuid);
    for (const h of this.hooks.destroyed) h(ch);
  }

  private addEndVars(ch: FsChannel): void {
    const end = ch.hangupUs || nowUs();
    const sec = (us: number): string => String(Math.floor(us / 1e6));
    ch.setVar('start_stamp', localStamp(ch.createdUs));
    if (ch.answeredUs) ch.setVar('answer_stamp', localStamp(ch.answeredUs));
    ch.setVar('end_stamp', localStamp(end));
    ch.setVar('start_epoch', sec(ch.createdUs));
    ch.setVar('start_uepoch', String(ch.createdUs));
    ch.setVar('answer_epoch', ch.answeredUs ? sec(ch.answeredUs) : '0');
    ch.setVar('answer_uepoch', String(ch.answeredUs));
    ch.setVar('bridge_epoch', ch.bridgedUs ? sec(ch.bridgedUs) : '0');
    ch.setVar('bridge_uepoch', String(ch.bridgedUs));
    ch.setVar('end_epoch', sec(end));
    ch.setVar('end_uepoch', String(end));
    const dur = end - ch.createdUs;
    const bill = ch.answeredUs ? end - ch.answeredUs : 0;
    ch.setVar('duration', String(Math.round(dur / 1e6)));
    ch.setVar('billsec', String(Math.round(bill / 1e6)));
    ch.setVar('mduration', String(Math.round(dur / 1000)));
    ch.setVar('billmsec', String(Math.round(bill / 1000)));
    ch.setVar('uduration', String(dur));
    ch.setVar('billusec', String(bill));
    if (ch.mediaUp) {
      const pkts = String(Math.max(0, Math.round(bill / 20000)));
      ch.setVar('rtp_audio_in_packet_count', pkts);
      ch.setVar('rtp_audio_in_media_packet_count', pkts);
      ch.setVar('rtp_audio_in_jitter_min_variance', '0.20');
      ch.setVar('rtp_audio_in_jitter_max_variance', '1.50');
      ch.setVar('rtp_audio_in_jitter_loss_rate', '0.00');
      ch.setVar('rtp_audio_in_mean_interval', '20.00');
      ch.setVar('rtp_audio_in_quality_percentage', '100.00');
      ch.setVar('rtp_audio_in_mos', '4.50');
      ch.setVar('rtp_audio_out_packet_count', pkts);
      ch.setVar('rtp_audio_out_media_packet_count', pkts);
      ch.setVar('rtp_audio_rtcp_packet_count', '0');
      ch.setVar('rtp_audio_rtcp_octet_count', '0');
    }
  }

  // ---------------------------------------------------------------- apps

  /**
   * Run a dialplan app on the channel: EXECUTE → impl → EXECUTE_COMPLETE (Application-UUID =
   * the sendmsg Event-UUID). Apps queue while another app runs (park is the outer app).
   */
  execute(ch: FsChannel, name: string, data: string, appUuid: string | undefined, impl: AppImpl): void {
    this.enqueue(ch, () => this.runApp(ch, name, data, appUuid ?? randomUUID(), impl));
  }

  /** Queue a raw step (park, transfer …) behind the running app. */
  enqueue(ch: FsChannel, step: () => void): void {
    ch.appQueue.push(step);
    if (!ch.app) this.pump(ch);
  }

  private pump(ch: FsChannel): void {
    while (!ch.app && ch.alive && ch.appQueue.length > 0) {
      const next = ch.appQueue.shift();
      if (next) next();
    }
  }

  private runApp(ch: FsChannel, name: string, data: string, appUuid: string, impl: AppImpl): void {
    const tail = (): EslHeaders => (data ? [['Application', name], ['Application-Data', data]] : [['Application', name]]);
    const app = { name, data, uuid: appUuid } as FsChannel['app'] & object;
    ch.app = app;
    ch.setVar('current_application_data', data);
    ch.setVar('current_application', name);
    this.fire('CHANNEL_EXECUTE', ch, { tail: [...tail(), ['Application-UUID', appUuid]] });
    let done = false;
    const complete = (response: string): void => {
      if (done) return;
      done = true;
      ch.lastAppResponse = response;
      ch.setVar('current_application_response', response);
      ch.setVar('last_app', name);
      if (data) ch.setVar('last_arg', data);
      this.fire('CHANNEL_EXECUTE_COMPLETE', ch, {
        tail: [...tail(), ['Application-Response', response], ['Application-UUID', appUuid]],
      });
      if (ch.app === app) ch.app = undefined;
      if (ch.alive) setImmediate(() => this.pump(ch));
    };
    impl(ch, data, complete, app);
  }

  /** `park`: EXECUTE park → CHANNEL_PARK; the park "app" completes when something takes the channel away. */
  park(ch: FsChannel, appUuid: string = randomUUID()): void {
    if (!ch.alive) return;
    ch.setVar('current_application', 'park');
    this.fire('CHANNEL_EXECUTE', ch, { tail: [['Application', 'park'], ['Application-UUID', appUuid]] });
    ch.parked = true;
    this.fire('CHANNEL_PARK', ch);
    ch.parkApp = {
      name: 'park',
      data: '',
      uuid: appUuid,
      stop: () => {
        if (!ch.parked) return;
        ch.parked = false;
        ch.parkApp = undefined;
        this.fire('CHANNEL_EXECUTE_COMPLETE', ch, {
          tail: [['Application', 'park'], ['Application-Response', ch.lastAppResponse], ['Application-UUID', appUuid]],
        });
      },
    };
    for (const h of this.hooks.parked) h(ch);
  }

  /** End park (uuid_bridge, uuid_transfer): EXECUTE_COMPLETE park. */
  unpark(ch: FsChannel): void {
    ch.parkApp?.stop?.('done');
  }

  /** uuid_bridge semantics: COMPLETE park ×2 → EXECUTE uuid_bridge ×2 → one CHANNEL_BRIDGE on A. */
  bridge(a: FsChannel, b: FsChannel, viaApp = false): void {
    a.otherLeg = b;
    a.otherLegType = 'originatee';
    // uuid_bridge: B shows A's profile as it was when the bridge started (no Callee-ID from the
    // bridge; bridged-rtp-stats-and-eavesdrop.jsonl); the bridge app shows A's live profile.
    b.otherLeg = viaApp ? a : a.snapshot();
    b.otherLegType = 'originator';
    if (viaApp) {
      a.profile.calleeIdName = b.profile.calleeIdName;
      a.profile.calleeIdNumber = b.profile.calleeIdNumber;
    } else a.profile.calleeIdNumber = b.profile.origCallerIdNumber;
    if (!viaApp) {
      const now = Math.floor(Date.now() / 1000);
      a.profile.transferSource = `${now}:${randomUUID()}:uuid_br:${b.uuid}`;
      b.profile.transferSource = `${now}:${randomUUID()}:uuid_br:${a.uuid}`;
    }
    if (!viaApp) a.app?.stop?.('break'); // with the bridge app, that app is A's running app
    b.app?.stop?.('break');
    a.appQueue.length = 0;
    b.appQueue.length = 0;
    this.unpark(a);
    this.unpark(b);
    if (!viaApp) {
      this.setState(a, 'CS_SOFT_EXECUTE');
      this.setState(b, 'CS_SOFT_EXECUTE');
      // uuid_bridge's soft-execute EXECUTE carries no Application-UUID (recorded)
      this.fire('CHANNEL_EXECUTE', a, { tail: [['Application', 'uuid_bridge'], ['Application-Data', b.uuid]] });
      this.fire('CHANNEL_EXECUTE', b, { tail: [['Application', 'uuid_bridge'], ['Application-Data', a.uuid]] });
    }
    const us = nowUs();
    a.peer = b;
    a.otherType = 'originatee';
    b.peer = a;
    b.otherType = 'originator';
    a.bridgedUs = us;
    b.bridgedUs = us;
    a.setVar('bridge_uuid', b.uuid);
    b.setVar('bridge_uuid', a.uuid);
    a.setVar('signal_bond', b.uuid);
    b.setVar('signal_bond', a.uuid);
    a.setVar('last_bridge_to', b.uuid);
    b.setVar('last_bridge_to', a.uuid);
    this.fire('CHANNEL_BRIDGE', a, { pre: [['Bridge-A-Unique-ID', a.uuid], ['Bridge-B-Unique-ID', b.uuid]] });
    this.setState(b, 'CS_EXCHANGE_MEDIA');
  }

  /** Kill every channel silently (restart). */
  wipe(): void {
    for (const ch of this.channels.values()) {
      ch.clearTimers();
      ch.gone = true;
      ch.hangupCause = ch.hangupCause ?? 'CRASH';
    }
    this.channels.clear();
    this.events = new FsEventFactory();
  }
}

/** An app implementation; call `complete(response)` exactly once (later calls are ignored). */
export type AppImpl = (
  ch: FsChannel,
  data: string,
  complete: (response: string) => void,
  app: NonNullable<FsChannel['app']>,
) => void;
