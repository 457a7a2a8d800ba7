import { randomUUID } from 'node:crypto';
import type { EslEvent, EslHeaders } from './esl-frame.encoder';
import type { FsChannel } from './fs-channel.model';

/**
 * Where FreeSWITCH 1.10.12 raises each event (`Event-Calling-*` headers, as recorded).
 */
const CALLING: Record<string, [string, string, string]> = {
  CHANNEL_CREATE: ['switch_core_state_machine.c', 'switch_core_session_run', '626'],
  CHANNEL_ANSWER: ['switch_channel.c', 'switch_channel_perform_mark_answered', '3846'],
  CHANNEL_PROGRESS: ['switch_channel.c', 'switch_channel_perform_mark_ring_ready_value', '3505'],
  CHANNEL_PROGRESS_MEDIA: ['switch_channel.c', 'switch_channel_perform_mark_pre_answered', '3560'],
  CHANNEL_BRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', '1689'],
  CHANNEL_UNBRIDGE: ['switch_ivr_bridge.c', 'switch_ivr_multi_threaded_bridge', '1879'],
  CHANNEL_DESTROY: ['switch_core_session.c', 'switch_core_session_perform_destroy', '1584'],
  CHANNEL_EXECUTE: ['switch_core_session.c', 'switch_core_session_exec', '2944'],
  CHANNEL_EXECUTE_COMPLETE: ['switch_core_session.c', 'switch_core_session_exec', '2967'],
  CHANNEL_HANGUP: ['switch_channel.c', 'switch_channel_perform_hangup', '3445'],
  CHANNEL_HANGUP_COMPLETE: ['switch_core_state_machine.c', 'switch_core_session_reporting_state', '943'],
  CHANNEL_HOLD: ['switch_ivr.c', 'switch_ivr_hold', '1558'],
  CHANNEL_UNHOLD: ['switch_ivr.c', 'switch_ivr_unhold', '1638'],
  CHANNEL_PARK: ['switch_ivr.c', 'switch_ivr_park', '1002'],
  CHANNEL_UNPARK: ['switch_ivr.c', 'switch_ivr_park', '1213'],
  CHANNEL_STATE: ['switch_channel.c', 'switch_channel_perform_set_running_state', '2408'],
  CHANNEL_DATA: ['mod_event_socket.c', 'parse_command', '2021'],
  DTMF: ['switch_channel.c', 'switch_channel_dequeue_dtmf', '677'],
  PLAYBACK_START: ['switch_ivr_play_say.c', 'switch_ivr_play_file', '1646'],
  PLAYBACK_STOP: ['switch_ivr_play_say.c', 'switch_ivr_play_file', '2020'],
  RECORD_START: ['switch_ivr_async.c', 'record_callback', '1481'],
  RECORD_STOP: ['switch_ivr_async.c', 'send_record_stop_event', '1240'],
  BACKGROUND_JOB: ['mod_event_socket.c', 'api_exec', '1572'],
  HEARTBEAT: ['switch_core.c', 'send_heartbeat', '95'],
  RECV_RTCP_MESSAGE: ['switch_core_media.c', 'switch_core_media_read_frame', '2945'],
  'sofia::register': ['sofia_reg.c', 'sofia_reg_handle_register_token', '2059'],
  'sofia::unregister': ['sofia_reg.c', 'sofia_reg_handle_register_token', '2213'],
  'sofia::expire': ['sofia_reg.c', 'sofia_reg_del_callback', '726'],
  'conference::maintenance': ['mod_conference.c', 'conference_member_add_event_data', '1029'],
};

/** Epoch microseconds, as FreeSWITCH stamps `Event-Date-Timestamp` and `Caller-*-Time`. */
export function nowUs(): number {
  return Math.floor((performance.timeOrigin + performance.now()) * 1000);
}

function pad(n: number): string {
  return n < 10 ? '0' + n : String(n);
}

/** `YYYY-MM-DD hh:mm:ss` (the lab host ran on UTC, so local = GMT). */
export function localStamp(us: number): string {
  const d = new Date(Math.floor(us / 1000));
  return (
    d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
    pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ':' + pad(d.getUTCSeconds())
  );
}

export interface ChannelEventParts {
  /** Headers before the channel block (Hangup-Cause of HANGUP_COMPLETE, Bridge-A/B-Unique-ID). */
  pre?: EslHeaders;
  /** Headers after the profile blocks, before variables (DTMF-*). */
  extra?: EslHeaders;
  /** Headers after the variables (Application-*, Playback-*, Record-*). */
  tail?: EslHeaders;
  /** Include `variable_*` (default true; DTMF has none). */
  variables?: boolean;
}

/** Builds events with the common header set of one simulated FreeSWITCH core. */
export class FsEventFactory {
  readonly coreUuid = randomUUID();
  private sequence = 4000;
  /** Date headers change once a second: format them once a second. */
  private stampSecond = -1;
  private stampLocal = '';
  private stampGmt = '';

  constructor(
    private readonly hostname = 'vm',
    private readonly ipv4 = '192.0.2.2',
  ) {}

  /** Common headers (`switch_event_prep_for_delivery`). */
  base(name: string, subclass?: string): EslHeaders {
    const us = nowUs();
    const second = Math.floor(us / 1e6);
    if (second !== this.stampSecond) {
      this.stampSecond = second;
      this.stampLocal = localStamp(us);
      this.stampGmt = new Date(second * 1000).toUTCString();
    }
    const calling = CALLING[subclass ?? name] ?? ['switch_core.c', 'sim', '1'];
    const h: EslHeaders = [];
    if (subclass) h.push(['Event-Subclass', subclass]);
    h.push(
      ['Event-Name', subclass ? 'CUSTOM' : name],
      ['Core-UUID', this.coreUuid],
      ['FreeSWITCH-Hostname', this.hostname],
      ['FreeSWITCH-Switchname', this.hostname],
      ['FreeSWITCH-IPv4', this.ipv4],
      ['FreeSWITCH-IPv6', 'fd00::2'],
      ['Event-Date-Local', this.stampLocal],
      ['Event-Date-GMT', this.stampGmt],
      ['Event-Date-Timestamp', String(us)],
      ['Event-Calling-File', calling[0]],
      ['Event-Calling-Function', calling[1]],
      ['Event-Calling-Line-Number', calling[2]],
      ['Event-Sequence', String(++this.sequence)],
    );
    return h;
  }

  /** A channel event with the full channel data. */
  channel(name: string, ch: FsChannel, parts: ChannelEventParts = {}): EslEvent {
    const h = this.base(name);
    if (parts.pre) for (const x of parts.pre) h.push(x);
    ch.eventData(h, { hangupInBlock: name !== 'CHANNEL_HANGUP_COMPLETE', variables: false, extra: parts.extra });
    const withVars = parts.variables !== false && ch.vars.size > 0;
    return { name, headers: h, block: withVars ? ch.varBlock : undefined, tail: parts.tail, uuid: ch.uuid };
  }

  /** A CUSTOM event with channel data (mod_conference `conference::maintenance`). */
  customChannel(subclass: string, ch: FsChannel, headers: EslHeaders): EslEvent {
    const h = this.base('CUSTOM', subclass);
    for (const x of headers) h.push(x);
    ch.eventData(h, { hangupInBlock: true, variables: false });
    return { name: 'CUSTOM', subclass, headers: h, block: ch.varBlock, uuid: ch.uuid };
  }

  /** A non-channel event (BACKGROUND_JOB, HEARTBEAT, CUSTOM sofia::*, RECV_RTCP_MESSAGE). */
  plain(name: string, headers: EslHeaders, opts: { subclass?: string; body?: string; uuid?: string } = {}): EslEvent {
    const h = this.base(name, opts.subclass);
    for (const x of headers) h.push(x);
    return { name: opts.subclass ? 'CUSTOM' : name, subclass: opts.subclass, headers: h, body: opts.body, uuid: opts.uuid };
  }
}
