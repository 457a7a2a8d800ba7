import { jsonString, plainValue, type EslHeaderBlock, type EslHeaders, type EslHeaderValue } from './esl-frame.encoder';

/** FreeSWITCH channel states (`switch_types.h` `switch_channel_state_t`) and their numbers. */
export const CS_NUMBER: Record<string, number> = {
  CS_NEW: 0, CS_INIT: 1, CS_ROUTING: 2, CS_SOFT_EXECUTE: 3, CS_EXECUTE: 4, CS_EXCHANGE_MEDIA: 5,
  CS_PARK: 6, CS_CONSUME_MEDIA: 7, CS_HIBERNATE: 8, CS_RESET: 9, CS_HANGUP: 10, CS_REPORTING: 11, CS_DESTROY: 12,
};

export type FsCallState = 'DOWN' | 'RINGING' | 'EARLY' | 'ACTIVE' | 'HELD' | 'HANGUP';
export type FsAnswerState = 'ringing' | 'early' | 'answered' | 'hangup';

/** The caller profile (`switch_caller_profile_t`), serialised as `Caller-*` / `Other-Leg-*`. */
export interface FsCallerProfile {
  username: string;
  dialplan: string;
  callerIdName: string;
  callerIdNumber: string;
  origCallerIdName: string;
  origCallerIdNumber: string;
  calleeIdName: string;
  calleeIdNumber: string;
  networkAddr: string;
  ani: string;
  destination: string;
  source: string;
  transferSource: string;
  context: string;
  rdnis: string;
  profileIndex: number;
  /** Epoch µs. */
  profileCreated: number;
}

/** A running app on the channel (dialplan app via sendmsg, the dialplan or uuid_broadcast). */
export interface FsRunningApp {
  name: string;
  data: string;
  uuid: string;
  /** Ends the app now (hangup, uuid_break, bridge); `reason` chooses the response. */
  stop?: (reason: 'break' | 'hangup' | 'done') => void;
}

/** One leg as the simulator models it. Times are epoch µs (0 = not yet). */
export class FsChannel {
  state = 'CS_INIT';
  stateNumber = 2;
  callState: FsCallState = 'DOWN';
  answerState: FsAnswerState = 'ringing';
  hitDialplan: boolean;
  mediaUp = false;
  hangupCause?: string;
  createdUs: number;
  answeredUs = 0;
  progressUs = 0;
  progressMediaUs = 0;
  hangupUs = 0;
  transferUs = 0;
  bridgedUs = 0;
  lastHoldUs = 0;
  holdAccumUs = 0;
  /** The leg this one is bridged to right now (A leg: otherType originatee). */
  peer?: FsChannel;
  otherType?: 'originatee' | 'originator';
  /** The leg serialised as Other-Leg-*; set when a bridge starts and kept after it ends (recorded). */
  otherLeg?: FsChannel;
  otherLegType?: 'originatee' | 'originator';
  readonly vars = new Map<string, EslHeaderValue>();
  readonly appQueue: Array<() => void> = [];
  /** The app running now (playback, play_and_get_digits, …). */
  app?: FsRunningApp;
  /** park (the outer app while callplane controls the channel). */
  parkApp?: FsRunningApp;
  /** socket / bridge / eavesdrop / conference as the channel's outer app. */
  outerApp?: FsRunningApp;
  parked = false;
  /** The last app's response; park's EXECUTE_COMPLETE repeats it (recorded). */
  lastAppResponse = '_none_';
  hangupOrigin?: 'remote' | 'local';
  /** `sip_hangup_disposition`: recv_bye, send_bye, recv_refuse, send_cancel, recv_cancel. */
  hangupDisposition?: string;
  /** Hooks run during the hangup sequence (before HANGUP_COMPLETE) and just before DESTROY. */
  onHangup?: () => void;
  beforeDestroy?: () => void;
  muted = false;
  /** An originated leg shows Caller-Network-Addr once the far end answered the INVITE at all (180, 486, 200). */
  farEndResponded = false;
  /** DESTROY one tick after HANGUP_COMPLETE (failed originate legs). */
  deferDestroy = false;
  /** Resolves a pending originate when the leg answers or fails. */
  originateResult?: (r: { ch?: FsChannel; cause?: string }) => void;
  /** Media the channel hears now (for views). */
  playing?: string;
  held = false;
  recording?: string;
  endpoint?: string;
  /** Dialplan context the call was parked for callplane. */
  readonly timers = new Set<NodeJS.Timeout>();
  /** Called once the channel is gone (DESTROY sent). */
  gone = false;
  /** Set while the channel is controlled by an outbound socket session. */
  outboundSession?: unknown;
  lingering = false;

  constructor(
    readonly uuid: string,
    readonly name: string,
    readonly direction: 'inbound' | 'outbound',
    readonly profile: FsCallerProfile,
    readonly presenceId: string,
    createdUs: number,
  ) {
    this.createdUs = createdUs;
    this.hitDialplan = direction === 'inbound';
  }

  /** A frozen copy for Other-Leg-* (own caller profile object, same everything else). */
  snapshot(): FsChannel {
    const copy = Object.assign(Object.create(FsChannel.prototype) as FsChannel, this);
    Object.assign(copy, { profile: { ...this.profile } });
    return copy;
  }

  get up(): boolean {
    return this.answerState === 'answered';
  }

  get alive(): boolean {
    return this.hangupCause === undefined;
  }

  private varsJson?: string;
  private varsPlain?: string;

  setVar(name: string, value: EslHeaderValue): void {
    this.vars.delete(name);
    this.vars.set(name, value);
    this.varsJson = undefined;
    this.varsPlain = undefined;
  }

  unsetVar(name: string): void {
    this.vars.delete(name);
    this.varsJson = undefined;
    this.varsPlain = undefined;
  }

  /** The `variable_*` block, serialised once per change (see EslHeaderBlock). */
  readonly varBlock: EslHeaderBlock = {
    get: (name) => (name.startsWith('variable_') ? this.getVar(name.slice(9)) : undefined),
    json: () => {
      if (this.varsJson === undefined) {
        let out = '';
        for (const [k, v] of this.vars) {
          out += ',"variable_' + k + '":' + (Array.isArray(v) ? '[' + v.map(jsonString).join(',') + ']' : jsonString(v));
        }
        this.varsJson = out;
      }
      return this.varsJson;
    },
    plain: () => {
      if (this.varsPlain === undefined) {
        let out = '';
        for (const [k, v] of this.vars) out += 'variable_' + k + ': ' + plainValue(v) + '\n';
        this.varsPlain = out;
      }
      return this.varsPlain;
    },
  };

  getVar(name: string): string | undefined {
    const v = this.vars.get(name);
    return v === undefined ? undefined : Array.isArray(v) ? v.join('|') : v;
  }

  /** Schedule on the channel; cleared when the channel is destroyed. */
  timer(ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
    return t;
  }

  clearTimers(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Channel-* block (`switch_channel_event_set_basic_data`). */
  channelHeaders(out: EslHeaders, withHangupCause: boolean): void {
    out.push(
      ['Channel-State', this.state],
      ['Channel-Call-State', this.callState],
      ['Channel-State-Number', String(this.stateNumber)],
      ['Channel-Name', this.name],
      ['Unique-ID', this.uuid],
      ['Call-Direction', this.direction],
      ['Presence-Call-Direction', this.direction],
      ['Channel-HIT-Dialplan', this.hitDialplan ? 'true' : 'false'],
    );
    if (this.presenceId) out.push(['Channel-Presence-ID', this.presenceId]);
    out.push(['Channel-Call-UUID', this.uuid], ['Answer-State', this.answerState]);
    if (withHangupCause && this.hangupCause) out.push(['Hangup-Cause', this.hangupCause]);
    if (this.mediaUp) {
      out.push(
        ['Channel-Read-Codec-Name', 'PCMU'], ['Channel-Read-Codec-Rate', '8000'], ['Channel-Read-Codec-Bit-Rate', '64000'],
        ['Channel-Write-Codec-Name', 'PCMU'], ['Channel-Write-Codec-Rate', '8000'], ['Channel-Write-Codec-Bit-Rate', '64000'],
      );
    }
  }

  /** `Caller-*` (or `Other-Leg-*`) block (`switch_caller_profile_event_set_data`); empty values are left out. */
  profileHeaders(out: EslHeaders, prefix: string): void {
    const p = this.profile;
    const add = (k: string, v: string): void => {
      if (v !== '') out.push([prefix + k, v]);
    };
    add('Direction', this.direction);
    add('Logical-Direction', this.direction === 'outbound' && prefix === 'Other-Leg-' ? 'inbound' : this.direction);
    add('Username', p.username);
    add('Dialplan', p.dialplan);
    add('Caller-ID-Name', p.callerIdName);
    add('Caller-ID-Number', p.callerIdNumber);
    add('Orig-Caller-ID-Name', p.origCallerIdName);
    add('Orig-Caller-ID-Number', p.origCallerIdNumber);
    add('Callee-ID-Name', p.calleeIdName);
    add('Callee-ID-Number', p.calleeIdNumber);
    add('Network-Addr', this.farEndResponded || this.direction === 'inbound' ? p.networkAddr : '');
    add('ANI', p.ani);
    add('Destination-Number', p.destination);
    add('Unique-ID', this.uuid);
    add('Source', p.source);
    const other = prefix === 'Other-Leg-'; // the Other-Leg block has no Transfer-Source / Profile-Index (recorded)
    if (!other) add('Transfer-Source', p.transferSource);
    add('Context', p.context);
    add('RDNIS', p.rdnis);
    add('Channel-Name', this.name);
    if (!other) add('Profile-Index', String(p.profileIndex));
    add('Profile-Created-Time', String(p.profileCreated));
    add('Channel-Created-Time', String(this.createdUs));
    add('Channel-Answered-Time', String(this.answeredUs));
    add('Channel-Progress-Time', String(this.progressUs));
    add('Channel-Progress-Media-Time', String(this.progressMediaUs));
    add('Channel-Hangup-Time', String(this.hangupUs));
    add('Channel-Transfer-Time', String(this.transferUs));
    add('Channel-Resurrect-Time', '0');
    add('Channel-Bridged-Time', String(this.bridgedUs));
    add('Channel-Last-Hold', String(this.lastHoldUs));
    add('Channel-Hold-Accum', String(this.holdAccumUs));
    add('Screen-Bit', 'true');
    add('Privacy-Hide-Name', 'false');
    add('Privacy-Hide-Number', 'false');
  }

  /** Full channel data: Channel-*, Caller-*, Other-Leg-* (when a peer is set), then `extra`, then variables. */
  eventData(out: EslHeaders, opts: { hangupInBlock: boolean; variables: boolean; extra?: EslHeaders }): void {
    this.channelHeaders(out, opts.hangupInBlock);
    this.profileHeaders(out, 'Caller-');
    if (this.otherLeg && this.otherLegType) {
      out.push(['Other-Type', this.otherLegType]);
      this.otherLeg.profileHeaders(out, 'Other-Leg-');
    }
    if (opts.extra) for (const h of opts.extra) out.push(h);
    if (opts.variables) for (const [k, v] of this.vars) out.push(['variable_' + k, v]);
  }
}
