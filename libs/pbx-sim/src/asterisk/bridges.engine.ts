import { amiBridgeHeaders, amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { ariTimestamp, bridgeJson, channelJson } from './ari-json.builder';
import { AriError } from './ari-error';
import type { SimContext } from './sim-context';
import type { SimBridge, SimBridgeType, SimChannel } from './sim-model.types';

/**
 * Stasis bridges (Asterisk ARI bridges.json): holding (`holding_bridge`) and mixing
 * (`simple_bridge` with ≤ 2 channels, `softmix` beyond or while recording). Events as recorded in
 * ring-all-first-answer-wins: ChannelEnteredBridge/ChannelLeftBridge to the channel's and the
 * bridge's apps, BridgeDestroyed to the creator, AMI BridgeCreate/Enter/Leave/Destroy.
 */
export class BridgesEngine {
  constructor(private readonly ctx: SimContext) {}

  create(type: SimBridgeType, id?: string, name = ''): SimBridge {
    if (id !== undefined && this.ctx.bridges.has(id)) {
      throw AriError.conflict('Bridge with id already exists');
    }
    const br: SimBridge = {
      id: id ?? this.ctx.newUuid(),
      type,
      technology: type === 'holding' ? 'holding_bridge' : 'simple_bridge',
      name,
      creationtime: ariTimestamp(),
      channelIds: [],
      apps: new Set(),
      playbacks: [],
      recordings: new Set(),
    };
    this.ctx.bridges.set(br.id, br);
    this.ctx.amiEvent(() => amiEvent('BridgeCreate', 'call', amiBridgeHeaders(br)));
    return br;
  }

  /** A channel in another bridge moves (leaves it first), as Asterisk's Stasis bridge control does. @throws AriError 422 when a channel is not in Stasis (bridges.json addChannel) */
  add(br: SimBridge, channels: SimChannel[]): void {
    for (const ch of channels) {
      if (!ch.stasisApp) throw AriError.unprocessable('Channel not in Stasis application');
    }
    for (const ch of channels) {
      if (ch.bridgeId === br.id) continue;
      if (ch.bridgeId !== undefined) this.leave(ch);
      ch.bridgeId = br.id;
      // The app subscribes to a bridge when one of its channels enters it (Asterisk res_stasis).
      if (ch.stasisApp) br.apps.add(ch.stasisApp);
      br.channelIds.push(ch.id);
      this.updateTechnology(br);
      this.ctx.amiEvent(() => amiEvent('BridgeEnter', 'call', amiBridgeHeaders(br) + amiChannelHeaders(ch)));
      this.ctx.ari.publish(
        { type: 'ChannelEnteredBridge', timestamp: ariTimestamp(), bridge: bridgeJson(br), channel: channelJson(ch) },
        { channels: [ch], bridge: br },
      );
      if (br.moh !== undefined && br.type === 'holding') {
        this.ctx.amiEvent(() => amiEvent('MusicOnHoldStart', 'call', amiChannelHeaders(ch) + `Class: ${br.moh}\r\n`));
      }
    }
    this.connectPeers(br);
  }

  /** @throws AriError 422 `Channel not in this bridge` */
  remove(br: SimBridge, ch: SimChannel): void {
    if (ch.bridgeId !== br.id) throw AriError.unprocessable('Channel not in this bridge');
    this.leave(ch);
    // Recorded (ring-all): after removeChannel emptied the app's channels out of a bridge, its
    // later BridgeDestroyed is not delivered: the app unsubscribed with its last channel.
    const app = ch.stasisApp;
    if (app && !br.channelIds.some((id) => this.ctx.channels.get(id)?.stasisApp === app)) br.apps.delete(app);
  }

  /** The channel leaves its bridge (removeChannel, hangup). No-op when not bridged. */
  leave(ch: SimChannel): void {
    const br = ch.bridgeId !== undefined ? this.ctx.bridges.get(ch.bridgeId) : undefined;
    ch.bridgeId = undefined;
    if (!br) return;
    br.channelIds = br.channelIds.filter((id) => id !== ch.id);
    if (br.type === 'mixing' && br.channelIds.length > 0) this.ctx.varset(ch, 'BRIDGEPEER', '');
    this.ctx.amiEvent(() => amiEvent('BridgeLeave', 'call', amiBridgeHeaders(br) + amiChannelHeaders(ch)));
    this.ctx.ari.publish(
      { type: 'ChannelLeftBridge', timestamp: ariTimestamp(), bridge: bridgeJson(br), channel: channelJson(ch) },
      { channels: [ch], bridge: br },
    );
    this.updateTechnology(br);
  }

  destroy(br: SimBridge): void {
    for (const id of [...br.channelIds]) {
      const ch = this.ctx.channels.get(id);
      if (ch) this.leave(ch);
    }
    this.ctx.bridges.delete(br.id);
    this.ctx.amiEvent(() => amiEvent('BridgeDestroy', 'call', amiBridgeHeaders(br)));
    this.ctx.ari.publish({ type: 'BridgeDestroyed', timestamp: ariTimestamp(), bridge: bridgeJson(br) }, { bridge: br });
  }

  startMoh(br: SimBridge, mohClass: string): void {
    br.moh = mohClass;
    for (const id of br.channelIds) {
      const ch = this.ctx.channels.get(id);
      if (ch) this.ctx.amiEvent(() => amiEvent('MusicOnHoldStart', 'call', amiChannelHeaders(ch) + `Class: ${mohClass}\r\n`));
    }
  }

  /** @throws AriError 409 when no MOH is playing */
  stopMoh(br: SimBridge): void {
    if (br.moh === undefined) throw AriError.conflict('Bridge not playing music on hold');
    br.moh = undefined;
    for (const id of br.channelIds) {
      const ch = this.ctx.channels.get(id);
      if (ch) this.ctx.amiEvent(() => amiEvent('MusicOnHoldStop', 'call', amiChannelHeaders(ch)));
    }
  }

  /** Recorded: 2 parties → simple_bridge, more or recording → softmix (never switches back to native in the sim). */
  private updateTechnology(br: SimBridge): void {
    if (br.type !== 'mixing') return;
    if (br.channelIds.length > 2 || br.recordings.size > 0) br.technology = 'softmix';
    else if (br.channelIds.length <= 2 && br.technology === 'softmix' && br.recordings.size === 0) br.technology = 'simple_bridge';
  }

  /** Two parties in a mixing bridge see each other as connected line and BRIDGEPEER (recorded). */
  private connectPeers(br: SimBridge): void {
    if (br.type !== 'mixing' || br.channelIds.length !== 2) return;
    const [a, b] = br.channelIds.map((id) => this.ctx.channels.get(id));
    if (!a || !b) return;
    this.ctx.varset(b, 'BRIDGEPEER', a.name);
    this.ctx.varset(a, 'BRIDGEPEER', b.name);
    a.connected = { ...b.caller };
    this.ctx.channelEvent('ChannelConnectedLine', a);
    this.ctx.channelEvent('ChannelConnectedLine', b);
  }
}
