import { amiBridgeHeaders, amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { ariTimestamp, bridgeJson, channelJson } from './ari-json.builder';
import type { BridgesEngine } from './bridges.engine';
import type { ChannelsEngine } from './channels.engine';
import type { DialEngine } from './dial.engine';
import type { SimContext } from './sim-context';

/** Thrown when a scripted transfer cannot happen (the transferer is not bridged with anyone). */
export class TransferNotPossibleError extends Error {
  readonly code = 'transfer-not-possible';
}

/**
 * A phone's blind transfer by in-dialog REFER with Asterisk's default (`core`) handling, as
 * recorded in phone-refer-blind: ChannelUnhold on the transferer, BLINDTRANSFER varsets, a
 * `Local/<exten>@<context>-N;1` channel entering Stasis with `replace_channel` = transferer, the
 * swap in the bridge (ChannelLeftBridge / ChannelEnteredBridge), `BridgeBlindTransfer`, then
 * Local;2 runs the dialplan Dial and Local;1 follows the callee's ringing/answer. The transferer
 * is not hung up by Asterisk; it stays in Stasis until its phone hangs up.
 * Not modelled: AMI LocalBridge/NewCallerid, ARI ChannelCallerId/CHANLOCALSTATUS.
 */
export class TransferEngine {
  constructor(
    private readonly ctx: SimContext,
    private readonly channels: ChannelsEngine,
    private readonly bridges: BridgesEngine,
    private readonly dial: DialEngine,
  ) {}

  /** @throws TransferNotPossibleError when the transferer is unknown or not in a bridge with another channel */
  blindTransfer(transfererId: string, exten: string, context = 'from-internal'): void {
    const transferer = this.ctx.channels.get(transfererId);
    const bridge = transferer?.bridgeId !== undefined ? this.ctx.bridges.get(transferer.bridgeId) : undefined;
    const transferee = bridge?.channelIds.map((id) => this.ctx.channels.get(id)).find((c) => c && c.id !== transfererId);
    if (!transferer || !bridge || !transferee || !transferer.stasisApp) {
      throw new TransferNotPossibleError(`channel ${transfererId} is not bridged with another Stasis channel`);
    }
    const app = transferer.stasisApp;
    this.ctx.channelEvent('ChannelUnhold', transferer);
    this.ctx.varset(transferee, 'BLINDTRANSFER', transferer.name);
    this.ctx.varset(transferer, 'BLINDTRANSFER', transferee.name);
    const bridgeBefore = bridgeJson(bridge);

    const base = this.ctx.newChannelName('Local', `${exten}@${context}`);
    const dialplan = { context, exten, priority: 1, app_name: '', app_data: '' };
    const local1 = this.channels.create({
      kind: 'local', name: `${base};1`, state: 'Down', caller: { name: '', number: '' }, dialplan, direction: 'outbound', protocolId: '',
    });
    const local2 = this.channels.create({
      kind: 'local', name: `${base};2`, state: 'Ring', caller: { ...transferee.caller }, dialplan: { ...dialplan }, direction: 'inbound', protocolId: '',
    });
    local1.linkedIds.push(local2.id);
    local2.linkedIds.push(local1.id);
    const replaceJson = channelJson(local1);

    local1.dialplan = { ...dialplan, app_name: 'Stasis', app_data: app };
    local1.stasisApp = app;
    local1.apps.add(app);
    this.ctx.ari.publish(
      { type: 'StasisStart', timestamp: ariTimestamp(), args: [], channel: channelJson(local1), replace_channel: channelJson(transferer) },
      { channels: [local1] },
    );
    this.bridges.leave(transferer);
    this.bridges.add(bridge, [local1]);
    this.ctx.varset(local1, 'BLINDTRANSFER', '');
    this.ctx.ari.publish(
      {
        type: 'BridgeBlindTransfer', timestamp: ariTimestamp(), channel: channelJson(transferer), exten, context, result: 'Success',
        is_external: true, transferee: channelJson(transferee), replace_channel: replaceJson, bridge: bridgeBefore,
      },
      { channels: [transferer, transferee, local1], bridge },
    );
    this.ctx.amiEvent(() =>
      amiEvent('BlindTransfer', 'call', 'Result: Success\r\n' + amiChannelHeaders(transferer, 'Transferer') + amiChannelHeaders(transferee, 'Transferee') +
        amiBridgeHeaders(bridge) + `IsExternal: Yes\r\nContext: ${context}\r\nExtension: ${exten}\r\n`),
    );
    const leg = this.dial.dialFromDialplan(local2, exten, 20);
    if (leg) leg.mirrorId = local1.id;
  }
}
