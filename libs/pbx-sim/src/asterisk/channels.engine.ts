import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { ariTimestamp, channelJson } from './ari-json.builder';
import { AriError } from './ari-error';
import type { BridgesEngine } from './bridges.engine';
import type { PlaybacksEngine } from './playbacks.engine';
import type { RecordingsEngine } from './recordings.engine';
import { publishQosVarsets, startRtcp } from './rtp.model';
import { causeText, type SimContext } from './sim-context';
import type { AriChannelState, DialplanJson, PartyJson, SimBridge, SimChannel, SimChannelKind } from './sim-model.types';

/** Time between a hangup's PlaybackFinished `failed` and its StasisEnd, ms (1 ms apart in the recording). */
const PLAYBACK_ABORT_GAP_MS = 1;

/** Channel state machine (ARI `Channel.state`): allowed moves; anything else is a simulator bug. */
const TRANSITIONS: Record<AriChannelState, AriChannelState[]> = {
  Down: ['Ringing', 'Up'],
  Ring: ['Ringing', 'Up'],
  Ringing: ['Up'],
  Up: [],
};

export interface NewChannel {
  kind: SimChannelKind;
  name: string;
  state: AriChannelState;
  caller: PartyJson;
  dialplan: DialplanJson;
  direction: 'inbound' | 'outbound';
  endpoint?: string;
  id?: string;
  protocolId?: string;
  farRtcp?: boolean;
}

/**
 * Channel lifecycle as Asterisk 22 + chan_pjsip shows it over ARI and AMI (recorded in
 * test/fixtures/asterisk): creation, Stasis entry/exit, answer, and the hangup sequences:
 * - app hangup (DELETE): [RTPAUDIOQOS* if answered] → ChannelHangupRequest {cause:32, soft:true} → StasisEnd
 *   → [ChannelDestroyed {cause} for created/originated legs only];
 * - far-end BYE: RTPAUDIOQOS* → ChannelHangupRequest (with `cause` only when bridged) → PlaybackFinished
 *   `failed` → StasisEnd (a later frame when a playback was aborted, see {@link teardown});
 * - busy: ChannelHangupRequest {cause:17, tech_cause:486} → StasisEnd → ChannelDestroyed 17 "User busy".
 */
export class ChannelsEngine {
  constructor(
    private readonly ctx: SimContext,
    private readonly bridges: BridgesEngine,
    private readonly playbacks: PlaybacksEngine,
    private readonly recordings: RecordingsEngine,
  ) {}

  create(n: NewChannel): SimChannel {
    const now = Date.now();
    const id = n.id ?? this.ctx.newUniqueId();
    if (this.ctx.channels.has(id)) throw AriError.conflict('Channel with given unique ID already exists');
    const ch: SimChannel = {
      id,
      name: n.name,
      kind: n.kind,
      state: n.state,
      protocolId: n.protocolId ?? this.ctx.newUuid(),
      caller: n.caller,
      connected: { name: '', number: '' },
      dialplan: n.dialplan,
      creationtime: ariTimestamp(now),
      createdAt: now,
      language: 'en',
      direction: n.direction,
      endpoint: n.endpoint,
      args: [],
      apps: new Set(),
      playbacks: [],
      recordings: new Set(),
      vars: new Map(),
      held: false,
      muted: 'none',
      timers: new Set(),
      pending: [],
      linkedIds: [],
      ssrc: (Math.random() * 0xffffffff) >>> 0,
      themSsrc: (Math.random() * 0xffffffff) >>> 0,
      farRtcp: n.farRtcp ?? false,
      gone: false,
    };
    this.ctx.channels.set(ch.id, ch);
    this.ctx.amiEvent(() => amiEvent('Newchannel', 'call', amiChannelHeaders(ch)));
    return ch;
  }

  /** Puts the channel into Stasis for `app` (ChannelDialplan for non-dialplan channels, STASISSTATUS, StasisStart). */
  enterStasis(ch: SimChannel, app: string, args: string[], extra?: Record<string, unknown>): void {
    const appData = args.length > 0 ? `${app},${args.join(',')}` : app;
    if (ch.kind !== 'inbound') {
      ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: appData };
      this.ctx.channelEvent('ChannelDialplan', ch, { dialplan_app: 'Stasis', dialplan_app_data: appData });
    }
    this.ctx.varset(ch, 'STASISSTATUS', '');
    ch.stasisApp = app;
    ch.args = args;
    ch.apps.add(app);
    const body: Record<string, unknown> = { type: 'StasisStart', timestamp: ariTimestamp(), args, channel: channelJson(ch) };
    if (extra) Object.assign(body, extra);
    this.ctx.ari.publish(body, { channels: [ch] });
  }

  setState(ch: SimChannel, to: AriChannelState): void {
    if (ch.state === to) return;
    if (!TRANSITIONS[ch.state].includes(to)) throw new Error(`channel ${ch.id}: illegal state change ${ch.state} → ${to}`);
    ch.state = to;
    if (to === 'Up') {
      ch.answeredAt = Date.now();
      if (ch.kind !== 'local') startRtcp(this.ctx, ch);
    }
    this.ctx.channelEvent('ChannelStateChange', ch);
    this.ctx.amiEvent(() => amiEvent('Newstate', 'call', amiChannelHeaders(ch)));
    const device = to === 'Up' ? 'INUSE' : to === 'Ringing' ? 'RINGING' : undefined;
    if (device) this.deviceState(ch, device);
  }

  /** `POST /channels/{id}/answer`. */
  answer(ch: SimChannel): void {
    if (ch.state !== 'Up') this.setState(ch, 'Up');
  }

  /** Runs `fn` once the channel's playbacks are over (ARI control queue: e.g. POST /variable waits, recorded in ws-reconnect). */
  whenIdle<T>(ch: SimChannel, fn: () => T): Promise<T> {
    if (ch.playbacks.length === 0) return Promise.resolve(fn());
    return new Promise<T>((resolve, reject) => {
      ch.pending.push(() => {
        try {
          if (ch.gone) throw AriError.notFound('Channel not found');
          resolve(fn());
        } catch (err) {
          reject(err);
        }
      });
    });
  }

  /** App hangup (`DELETE /channels/{id}`): soft hangup request with cause 32, then the hangup with `cause`. */
  hangupByApp(ch: SimChannel, cause: number): void {
    if (ch.gone) return;
    ch.gone = true;
    if (ch.answeredAt !== undefined && ch.kind !== 'snoop') publishQosVarsets(this.ctx, ch);
    this.ctx.channelEvent('ChannelHangupRequest', ch, { cause: 32, soft: true }, undefined, true);
    this.ctx.amiEvent(() => amiEvent('SoftHangupRequest', 'call', amiChannelHeaders(ch) + 'Cause: 32\r\n'));
    this.teardown(ch, cause);
  }

  /** The far end hung up (BYE / CANCEL / 4xx). */
  hangupByFarEnd(ch: SimChannel, cause: number, techCause?: number): void {
    if (ch.gone) return;
    ch.gone = true;
    if (ch.answeredAt !== undefined && ch.kind !== 'snoop') publishQosVarsets(this.ctx, ch);
    // Recorded: an unbridged inbound caller's BYE gives a ChannelHangupRequest without cause (AMI Hangup Cause 0).
    const withCause = ch.kind !== 'inbound' || ch.bridgeId !== undefined || ch.linkedIds.length > 0 || techCause !== undefined;
    const extra: Record<string, unknown> = {};
    if (withCause) extra.cause = cause;
    if (techCause !== undefined) extra.tech_cause = techCause;
    this.ctx.channelEvent('ChannelHangupRequest', ch, extra, undefined, true);
    const causeLines = withCause ? `Cause: ${cause}\r\n` : '';
    this.ctx.amiEvent(() => amiEvent('HangupRequest', 'call', amiChannelHeaders(ch) + causeLines));
    if (ch.dial && ch.kind === 'originated' && cause === 17) {
      // Recorded (originate-busy B): only an originate reports the final Dial BUSY / AMI DialEnd BUSY.
      this.dialEvent(ch, 'BUSY', ch.endpoint ?? '');
      this.ctx.amiEvent(() => amiEvent('DialEnd', 'call', amiChannelHeaders(ch, 'Dest') + 'DialStatus: BUSY\r\n'));
    }
    this.teardown(ch, withCause ? cause : 0, techCause);
  }

  /** Leaves Stasis without hanging up (`continue`, `move`, `redirect`): StasisEnd, the app unsubscribes. */
  leaveStasis(ch: SimChannel): void {
    if (!ch.stasisApp) return;
    const app = ch.stasisApp;
    ch.stasisApp = undefined;
    this.bridges.leave(ch);
    this.ctx.channelEvent('StasisEnd', ch);
    ch.apps.delete(app);
    this.ctx.varset(ch, 'STASISSTATUS', 'SUCCESS');
    this.playbacks.runPending(ch);
  }

  deviceState(ch: SimChannel, state: string): void {
    const device = ch.name.slice(0, ch.name.lastIndexOf('-'));
    this.ctx.amiEvent(() => amiEvent('DeviceStateChange', 'call', `Device: ${device}\r\nState: ${state}\r\n`));
  }

  /** ARI `Dial` event `{dialstatus, forward, dialstring, peer}` (recorded without `caller` when none given). */
  dialEvent(ch: SimChannel, status: string, dialstring: string): void {
    const caller = ch.dial?.callerId ? this.ctx.channels.get(ch.dial.callerId) : undefined;
    const body: Record<string, unknown> = { type: 'Dial', timestamp: ariTimestamp() };
    if (caller) body.caller = channelJson(caller);
    Object.assign(body, { dialstatus: status, forward: '', dialstring, peer: channelJson(ch) });
    this.ctx.ari.publish(body, { channels: [ch, caller] });
  }

  private teardown(ch: SimChannel, cause: number, techCause?: number): void {
    for (const t of ch.timers) clearTimeout(t);
    ch.timers.clear();
    if (ch.dial) for (const t of ch.dial.timers) clearTimeout(t);
    const bridge = ch.bridgeId !== undefined ? this.ctx.bridges.get(ch.bridgeId) : undefined;
    this.bridges.leave(ch);
    if (!this.playbacks.abortAll(ch)) return this.endChannel(ch, bridge, cause, techCause);
    // Recorded (inbound-caller-hangup-during-playback): PlaybackFinished `failed` and StasisEnd
    // are separate frames, and a client reacting to the PlaybackFinished acts before the StasisEnd
    // reaches it (live suite: the ACD went on to a holding bridge for the gone caller). A timer,
    // then an immediate, so at least one event-loop poll (the client's read) lies between them.
    // A restart/close in between forgot the channel: nothing more is sent for it.
    const end = (): void => {
      if (this.ctx.channels.get(ch.id) === ch) this.endChannel(ch, bridge, cause, techCause);
    };
    setTimeout(() => setImmediate(end), PLAYBACK_ABORT_GAP_MS);
  }

  /** The rest of {@link teardown}: recordings, snoops, StasisEnd, ChannelDestroyed / Hangup, linked channels. */
  private endChannel(ch: SimChannel, bridge: SimBridge | undefined, cause: number, techCause?: number): void {
    this.recordings.finishAll(ch);
    for (const other of this.ctx.channels.values()) {
      if (other.spyeeId === ch.id && !other.gone) this.hangupByApp(other, 16);
    }
    if (ch.stasisApp) {
      const app = ch.stasisApp;
      ch.stasisApp = undefined;
      this.ctx.channelEvent('StasisEnd', ch);
      if (ch.kind === 'inbound' || ch.kind === 'snoop' || ch.kind === 'local') ch.apps.delete(app);
      this.ctx.varset(ch, 'STASISSTATUS', 'SUCCESS');
      // A dialplan channel returns from Stasis() to the dialplan's Hangup() (recorded AMI SoftHangupRequest 16).
      if (ch.kind === 'inbound') this.ctx.amiEvent(() => amiEvent('SoftHangupRequest', 'call', amiChannelHeaders(ch) + 'Cause: 16\r\n'));
    }
    // Recorded: a bridge recording finishes when the last real channel has left, just before its ChannelDestroyed.
    if (bridge && bridge.channelIds.length === 0) this.recordings.finishAll(bridge);
    if (ch.kind === 'snoop') this.chanSpy(ch, 'ChanSpyStop');
    if (ch.kind === 'created') ch.dialplan = { ...ch.dialplan, app_name: '', app_data: '' };
    const extra: Record<string, unknown> = { cause, cause_txt: causeText(cause) };
    if (techCause !== undefined) extra.tech_cause = techCause;
    this.ctx.channelEvent('ChannelDestroyed', ch, extra);
    const tech = techCause !== undefined ? `Cause: ${cause}\r\nCause-txt: ${causeText(cause)}\r\nTechCause: ${techCause}\r\n` : `Cause: ${cause}\r\nCause-txt: ${causeText(cause)}\r\n`;
    this.ctx.amiEvent(() => amiEvent('Hangup', 'call', amiChannelHeaders(ch) + tech));
    this.deviceState(ch, ch.direction === 'outbound' ? 'NOT_INUSE' : 'UNAVAILABLE');
    this.ctx.channels.delete(ch.id);
    ch.apps.clear();
    // A dialplan Dial() / a Local pair ends together: the survivors are hung up by Asterisk.
    // Recorded (redirect-blind): the surviving leg gets no HangupRequest, only its Hangup.
    for (const id of ch.linkedIds) {
      const other = this.ctx.channels.get(id);
      if (!other || other.gone) continue;
      other.linkedIds = other.linkedIds.filter((x) => x !== ch.id);
      other.gone = true;
      if (other.answeredAt !== undefined && other.kind !== 'local') publishQosVarsets(this.ctx, other);
      if (other.stasisApp) this.ctx.channelEvent('ChannelHangupRequest', other, { cause: 16 }, undefined, true);
      this.teardown(other, ch.answeredAt === undefined ? cause : 16);
    }
    for (const fn of ch.pending.splice(0)) fn();
  }

  chanSpy(snoop: SimChannel, event: 'ChanSpyStart' | 'ChanSpyStop'): void {
    const spyee = snoop.spyeeId !== undefined ? this.ctx.channels.get(snoop.spyeeId) : undefined;
    if (!spyee) return;
    this.ctx.amiEvent(() => amiEvent(event, 'call', amiChannelHeaders(snoop, 'Spyer') + amiChannelHeaders(spyee, 'Spyee')));
  }
}
