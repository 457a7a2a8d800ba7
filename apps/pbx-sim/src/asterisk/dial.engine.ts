import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { AriError } from './ari-error';
import type { ChannelsEngine } from './channels.engine';
import type { EndpointsEngine } from './endpoints.engine';
import type { SimContext } from './sim-context';
import type { SimChannel } from './sim-model.types';

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

  /** The far end answers now (scripting: a phone that never auto-answers picks up). */
  answerNow(ch: SimChannel): void {
    if (ch.gone || !ch.dial || ch.state === 'Up') return;
    this.onAnswer(ch);
  }

  private startDial(ch: SimChannel, timeoutS: number, callerId?: string): void {
    if (ch.gone) return;
    const ep = this.endpoints.ensure(ch.endpoint ?? '');
    ch.dial = { status: '', timers: [], callerId };
    this.channels.dialEvent(ch, '', ep.resource);
    this.ctx.amiEvent(() => amiEvent('DialBegin', 'call', amiChannelHeaders(ch, 'Dest') + `DialString: ${ep.resource}\r\n`));
    const b = ep.behaviour;
    const at = (ms: number, fn: () => void): void => {
      ch.dial?.timers.push(this.ctx.channelTimer(ch, ms, fn));
    };
    if (b.busy) {
      at(b.ringAfterMs, () => this.channels.hangupByFarEnd(ch, 17, 486));
      return;
    }
    at(b.ringAfterMs, () => this.onRinging(ch));
    if (b.answerAfterMs !== null) at(Math.max(b.answerAfterMs, b.ringAfterMs), () => this.onAnswer(ch));
    if (timeoutS > 0) at(timeoutS * 1000, () => this.onTimeout(ch));
  }

  private onRinging(ch: SimChannel): void {
    if (ch.gone || !ch.dial || ch.state !== 'Down') return;
    ch.dial.status = 'RINGING';
    this.channels.dialEvent(ch, 'RINGING', '');
    this.ctx.amiEvent(() => amiEvent('DialState', 'call', amiChannelHeaders(ch, 'Dest') + 'DialStatus: RINGING\r\n'));
    this.channels.setState(ch, 'Ringing');
  }

  private onAnswer(ch: SimChannel): void {
    if (ch.gone || !ch.dial) return;
    for (const t of ch.dial.timers) clearTimeout(t);
    ch.dial.status = 'ANSWER';
    this.channels.setState(ch, 'Up');
    this.channels.dialEvent(ch, 'ANSWER', '');
    this.ctx.amiEvent(() => amiEvent('DialEnd', 'call', amiChannelHeaders(ch, 'Dest') + 'DialStatus: ANSWER\r\n'));
    if (ch.kind === 'originated' && ch.originateApp) this.channels.enterStasis(ch, ch.originateApp, ch.args);
  }

  private onTimeout(ch: SimChannel): void {
    if (ch.gone || !ch.dial || ch.state === 'Up') return;
    this.channels.dialEvent(ch, 'NOANSWER', '');
    this.ctx.amiEvent(() => amiEvent('DialEnd', 'call', amiChannelHeaders(ch, 'Dest') + 'DialStatus: NOANSWER\r\n'));
    this.channels.hangupByFarEnd(ch, 19);
  }
}
