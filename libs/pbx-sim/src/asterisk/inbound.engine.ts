import type { SimInboundCall } from '../pbx-sim.types';
import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { AriError } from './ari-error';
import type { ChannelsEngine } from './channels.engine';
import type { SimContext } from './sim-context';
import type { SimChannel } from './sim-model.types';

/** Thrown by placeCall when the Stasis app has no WebSocket (Asterisk: "Stasis app not registered"). */
export class StasisAppNotRegisteredError extends Error {
  readonly code = 'stasis-app-not-registered';
}

/**
 * Channels that Asterisk creates on its own: a SIP caller running `Stasis(app)` from the
 * dialplan (recorded: StasisStart in state `Ring`, `args: []`, dialplan priority 2) and snoop
 * channels (`Snoop/<spyee id>-0000000N`, `Up`, StasisStart with `args: [appArgs]`, AMI ChanSpyStart).
 */
export class InboundEngine {
  constructor(
    private readonly ctx: SimContext,
    private readonly channels: ChannelsEngine,
  ) {}

  /** The caller INVITEs the DID; resolves with the channel id once StasisStart was sent. */
  placeCall(call: SimInboundCall): Promise<string> {
    const app = this.ctx.options.app;
    const ch = this.channels.create({
      kind: 'inbound',
      name: this.ctx.newChannelName('PJSIP', call.from),
      state: 'Ring',
      caller: { name: call.fromName ?? '', number: call.from },
      dialplan: { context: this.ctx.options.inboundContext, exten: call.to, priority: 1, app_name: '', app_data: '' },
      direction: 'inbound',
      protocolId: `${this.ctx.newUuid()}@127.0.0.1`,
    });
    const newexten = (prio: number, appName: string, data: string): string =>
      amiEvent('Newexten', 'dialplan', amiChannelHeaders(ch) + `Extension: ${call.to}\r\nApplication: ${appName}\r\nAppData: ${data}\r\n`);
    this.ctx.amiEvent(() => newexten(1, 'NoOp', `Into Stasis ${app}`));
    ch.dialplan = { ...ch.dialplan, priority: 2, app_name: 'Stasis', app_data: app };
    this.ctx.amiEvent(() => newexten(2, 'Stasis', app));
    if (!this.ctx.ari.isRegistered(app)) {
      // Asterisk: Stasis() fails (STASISSTATUS=FAILED), the dialplan continues to Hangup().
      ch.dialplan = { ...ch.dialplan, priority: 3, app_name: 'Hangup', app_data: '' };
      this.channels.hangupByFarEnd(ch, 16);
      return Promise.reject(new StasisAppNotRegisteredError(`Stasis app '${app}' not registered`));
    }
    this.channels.enterStasis(ch, app, []);
    return Promise.resolve(ch.id);
  }

  /** `POST /channels/{id}/snoop[/{snoopId}]`. @throws AriError 400 bad spy/whisper or missing app */
  snoop(spyee: SimChannel, spy: string, whisper: string, app: string, appArgs: string | undefined, snoopId?: string): SimChannel {
    const dirs = ['none', 'both', 'out', 'in'];
    if (!dirs.includes(spy) || !dirs.includes(whisper)) throw AriError.badRequest('Invalid direction specified');
    if (spy === 'none' && whisper === 'none') throw AriError.badRequest('Sound direction of snoop channel not set');
    if (!app) throw AriError.badRequest('Application name is required');
    const ch = this.channels.create({
      kind: 'snoop',
      id: snoopId,
      name: `Snoop/${spyee.id}-${this.ctx.newSnoopSuffix()}`,
      state: 'Up',
      caller: { name: '', number: '' },
      dialplan: { context: 'default', exten: 's', priority: 1, app_name: '', app_data: '' },
      direction: 'outbound',
      protocolId: '',
    });
    ch.answeredAt = Date.now();
    ch.spyeeId = spyee.id;
    setImmediate(() => {
      if (ch.gone) return;
      ch.dialplan = { ...ch.dialplan, app_name: 'Stasis', app_data: appArgs ? `${app},${appArgs}` : app };
      this.ctx.varset(ch, 'STASISSTATUS', '');
      ch.apps.add(app);
      ch.stasisApp = app;
      ch.args = appArgs ? appArgs.split(',') : [];
      this.ctx.channelEvent('StasisStart', ch, { args: ch.args });
      this.channels.chanSpy(ch, 'ChanSpyStart');
    });
    return ch;
  }
}
