import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { AriError } from './ari-error';
import type { ChannelsEngine } from './channels.engine';
import type { EndpointsEngine } from './endpoints.engine';
import type { SimContext } from './sim-context';
import type { PartyJson, SimChannel } from './sim-model.types';

/**
 * Caller id of a new leg: ARI `callerId` (`"Name" <number>` or `number`, originate only) or the
 * `CALLERID(name)` / `CALLERID(num)` / `CALLERID(all)` channel variables; else the endpoint's own.
 * Its connected line comes from the `CONNECTEDLINE(…)` variables only (see {@link inviteDisplay}).
 */
function applyCallerId(caller: PartyJson, callerId: string | undefined, vars: Record<string, string> | undefined): void {
  if (callerId) parseParty(caller, callerId);
  applyPartyVars(caller, 'CALLERID', vars);
}

/** `"Name" <number>` or `number` into `party`. */
function parseParty(party: PartyJson, all: string): void {
  const m = /^\s*(?:"?([^"<]*?)"?\s*)?<([^>]*)>\s*$/.exec(all);
  if (m) {
    party.name = m[1] ?? '';
    party.number = m[2];
  } else {
    party.name = '';
    party.number = all.trim();
  }
}

/** `<fn>(all)`, `<fn>(name)`, `<fn>(num)` channel variables (dialplan functions CALLERID / CONNECTEDLINE). */
function applyPartyVars(party: PartyJson, fn: 'CALLERID' | 'CONNECTEDLINE', vars: Record<string, string> | undefined): void {
  if (vars?.[`${fn}(all)`] !== undefined) parseParty(party, vars[`${fn}(all)`]);
  if (vars?.[`${fn}(name)`] !== undefined) party.name = vars[`${fn}(name)`];
  if (vars?.[`${fn}(num)`] !== undefined) party.number = vars[`${fn}(num)`];
}

/**
 * What the phone shows for an INVITE from this leg: chan_pjsip builds the From of the outgoing
 * INVITE from the channel's connected line, not its caller ID (res_pjsip_session.c
 * set_from_header; seen on Asterisk 22.10.1 with baresip: agent legs created with only
 * `CALLERID(all)` showed "Anonymous"). No connected line → `"Anonymous" <anonymous>`.
 */
function inviteDisplay(leg: SimChannel): PartyJson {
  const { name, number } = leg.connected;
  return name === '' && number === '' ? { name: 'Anonymous', number: 'anonymous' } : { name, number };
}

export interface OutboundParams {
  endpoint: string;
  app?: string;
  appArgs?: string;
  channelId?: string;
  callerId?: string;
  timeoutS?: number;
  variables?: Record<string, string>;
  /** Originate = `POST /channels` (dials at once); otherwise `POST /channels/create` (dial later). */
  originate: boolean;
}

/**
 * Outbound legs to PJSIP endpoints (ARI `POST /channels`, `POST /channels/create` +
 * `POST /channels/{id}/dial`) and what the far end does, per its SimEndpointBehaviour.
 * Recorded facts honoured: unregistered → 500 `{"error":"Allocation failed"}` and no events;
 * Dial `""` → `RINGING` → `ANSWER` without `caller`; busy = ChannelHangupRequest {17, 486};
 * originate shows `Dial BUSY` and never StasisStart; created legs StasisStart in `Down`.
 * Dial timeout: Dial `NOANSWER`, then the leg is hung up with cause 19 (Asterisk dial.c timeout).
 */
export class DialEngine {
  constructor(
    private readonly ctx: SimContext,
    private readonly channels: ChannelsEngine,
    private readonly endpoints: EndpointsEngine,
  ) {}

  /** @throws AriError 400 bad endpoint, 500 Allocation failed (unregistered) */
  createOutbound(p: OutboundParams): SimChannel {
    const slash = p.endpoint.indexOf('/');
    if (slash <= 0) throw AriError.badRequest('Invalid endpoint specified');
    const tech = p.endpoint.slice(0, slash);
    const resource = p.endpoint.slice(slash + 1);
    const ep = this.ctx.endpoints.get(resource);
    if (tech.toUpperCase() !== 'PJSIP' || !ep || ep.state !== 'online') throw new AriError(500, { error: 'Allocation failed' });
    const ch = this.channels.create({
      kind: p.originate ? 'originated' : 'created',
      id: p.channelId,
      name: this.ctx.newChannelName('PJSIP', resource),
      state: 'Down',
      caller: { name: ep.callerName, number: resource },
      dialplan: {
        context: 'from-internal',
        exten: 's',
        priority: 1,
        app_name: p.originate ? 'AppDial2' : '',
        app_data: p.originate ? '(Outgoing Line)' : '',
      },
      direction: 'outbound',
      endpoint: resource,
      farRtcp: true,
    });
    for (const [k, v] of Object.entries(p.variables ?? {})) ch.vars.set(k, v);
    applyCallerId(ch.caller, p.callerId, p.variables);
    applyPartyVars(ch.connected, 'CONNECTEDLINE', p.variables);
    if (p.app) ch.apps.add(p.app);
    if (p.originate) {
      ch.args = p.appArgs ? p.appArgs.split(',') : [];
      ch.originateApp = p.app;
      setImmediate(() => this.startDial(ch, p.timeoutS ?? 30));
    } else if (p.app) {
      const app = p.app;
      const args = p.appArgs ? p.appArgs.split(',') : [];
      setImmediate(() => !ch.gone && this.channels.enterStasis(ch, app, args));
    }
    return ch;
  }

  /** `POST /channels/{id}/dial`. @throws AriError 409 not in Stasis / not Down / already dialing */
  dial(ch: SimChannel, timeoutS: number, callerId?: string): void {
    if (!ch.stasisApp) throw AriError.conflict('Channel not in Stasis application');
    if (ch.dial || ch.state !== 'Down' || !ch.endpoint) throw AriError.conflict('Channel is not in the Down state');
    if (callerId !== undefined && !this.ctx.channels.has(callerId)) throw AriError.notFound('Caller not found');
    this.startDial(ch, timeoutS, callerId);
  }

  /**
   * Dialplan `Dial(PJSIP/<resource>,<timeout>)` for a channel that left Stasis (recorded in
   * redirect-blind: the caller's dialplan shows app Dial, its connected line is the callee at once,
   * AMI DialBegin/DialState/DialEnd carry both channels). Unreachable/busy/no answer: the caller is
   * hung up with the leg's cause (the `Hangup()` after `Dial`).
   */
  dialFromDialplan(caller: SimChannel, resource: string, timeoutS: number): SimChannel | undefined {
    const ep = this.ctx.endpoints.get(resource);
    caller.dialplan = { ...caller.dialplan, app_name: 'Dial', app_data: `PJSIP/${resource},${timeoutS}` };
    if (!ep || ep.state !== 'online') {
      this.channels.hangupByFarEnd(caller, 20);
      return undefined;
    }
    const leg = this.channels.create({
      kind: 'originated',
      name: this.ctx.newChannelName('PJSIP', resource),
      state: 'Down',
      caller: { name: ep.callerName, number: resource },
      dialplan: { context: caller.dialplan.context, exten: resource, priority: 1, app_name: 'AppDial', app_data: '(Outgoing Line)' },
      direction: 'outbound',
      endpoint: resource,
      farRtcp: true,
    });
    caller.connected = { name: ep.callerName, number: resource };
    leg.connected = { ...caller.caller };
    leg.linkedIds.push(caller.id);
    caller.linkedIds.push(leg.id);
    this.startDial(leg, timeoutS, caller.id);
    return leg;
  }

  /** The far end answers now (scripting: a phone that never auto-answers picks up). */
  answerNow(ch: SimChannel): void {
    if (ch.gone || !ch.dial || ch.state === 'Up') return;
    this.onAnswer(ch);
  }

  private startDial(ch: SimChannel, timeoutS: number, callerId?: string): void {
    if (ch.gone) return;
    const ep = this.endpoints.ensure(ch.endpoint ?? '');
    ch.dial = { status: '', timers: [], callerId };
    // An unreachable phone never gets the INVITE, so it shows nothing new.
    if (!ep.behaviour.unreachable) ep.display = inviteDisplay(ch);
    this.channels.dialEvent(ch, '', ep.resource);
    const caller = callerId !== undefined ? this.ctx.channels.get(callerId) : undefined;
    const callerHeaders = (): string => (caller ? amiChannelHeaders(caller) : '');
    this.ctx.amiEvent(() => amiEvent('DialBegin', 'call', callerHeaders() + amiChannelHeaders(ch, 'Dest') + `DialString: ${ep.resource}\r\n`));
    const b = ep.behaviour;
    const at = (ms: number, fn: () => void): void => {
      ch.dial?.timers.push(this.ctx.channelTimer(ch, ms, fn));
    };
    if (b.busy) {
      at(b.ringAfterMs, () => this.channels.hangupByFarEnd(ch, 17, 486));
      return;
    }
    if (b.unreachable) {
      at(b.ringAfterMs, () => this.channels.hangupByFarEnd(ch, 18, 408));
      return;
    }
    at(b.ringAfterMs, () => this.onRinging(ch));
    if (b.answerAfterMs !== null) at(Math.max(b.answerAfterMs, b.ringAfterMs), () => this.onAnswer(ch));
    if (timeoutS > 0) at(timeoutS * 1000, () => this.onTimeout(ch));
  }

  /** AMI Dial* headers: the caller's channel (dialplan Dial only), then the `Dest` channel. */
  private dialHeaders(ch: SimChannel): string {
    const caller = ch.dial?.callerId !== undefined ? this.ctx.channels.get(ch.dial.callerId) : undefined;
    return (caller ? amiChannelHeaders(caller) : '') + amiChannelHeaders(ch, 'Dest');
  }

  private onRinging(ch: SimChannel): void {
    if (ch.gone || !ch.dial || ch.state !== 'Down') return;
    ch.dial.status = 'RINGING';
    this.channels.dialEvent(ch, 'RINGING', '');
    this.ctx.amiEvent(() => amiEvent('DialState', 'call', this.dialHeaders(ch) + 'DialStatus: RINGING\r\n'));
    this.channels.setState(ch, 'Ringing');
    this.mirror(ch, 'RINGING');
  }

  /** Local;1 follows the PJSIP leg its Local;2 dials: state and ARI Dial events (recorded in phone-refer-blind). */
  private mirror(ch: SimChannel, status: 'RINGING' | 'ANSWER'): void {
    const m = ch.mirrorId !== undefined ? this.ctx.channels.get(ch.mirrorId) : undefined;
    if (!m || m.gone) return;
    this.channels.setState(m, status === 'RINGING' ? 'Ringing' : 'Up');
    this.channels.dialEvent(m, status, '');
  }

  private onAnswer(ch: SimChannel): void {
    if (ch.gone || !ch.dial) return;
    for (const t of ch.dial.timers) clearTimeout(t);
    ch.dial.status = 'ANSWER';
    this.channels.setState(ch, 'Up');
    this.channels.dialEvent(ch, 'ANSWER', '');
    this.ctx.amiEvent(() => amiEvent('DialEnd', 'call', this.dialHeaders(ch) + 'DialStatus: ANSWER\r\n'));
    this.mirror(ch, 'ANSWER');
    if (ch.kind === 'originated' && ch.originateApp) this.channels.enterStasis(ch, ch.originateApp, ch.args);
  }

  private onTimeout(ch: SimChannel): void {
    if (ch.gone || !ch.dial || ch.state === 'Up') return;
    this.channels.dialEvent(ch, 'NOANSWER', '');
    this.ctx.amiEvent(() => amiEvent('DialEnd', 'call', this.dialHeaders(ch) + 'DialStatus: NOANSWER\r\n'));
    this.channels.hangupByFarEnd(ch, 19);
  }
}
