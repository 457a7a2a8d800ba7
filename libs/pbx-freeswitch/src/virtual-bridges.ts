import { randomUUID } from 'node:crypto';
import { BridgeNotFoundError, ChannelNotFoundError } from '@callplane/pbx';
import type { BridgeSnapshot, BridgeType } from '@callplane/pbx';
import type { FreeswitchContext } from './freeswitch.types';
import { eslCommand, setvarCommand, unsetvarCommand } from './esl/esl-commands';

/** How a mixing bridge is realised on FreeSWITCH right now. */
type MixMode = 'none' | 'pair' | 'conference';

interface VirtualBridge {
  id: string;
  type: BridgeType;
  members: string[];
  mode: MixMode;
  /** MOH class once startBridgeMoh() ran (holding bridges). */
  moh?: string;
  /** Event-UUID of the MOH playback per member. */
  mohApps: Map<string, string>;
}

/** A snoop created by snoop(): eavesdrop runs on the channel it is bridged with. */
export interface SnoopSpec {
  targetId: string;
  /** `eavesdrop_whisper_aleg`/`_bleg` values for the whisper direction. */
  vars: Record<string, string>;
  /** The real channel running `eavesdrop` for this snoop, once bridged. */
  listener?: string;
}

/** Channel variable that carries callplane's bridge id on each member (read back at resync). */
export const BRIDGE_ID_VAR = 'callplane_bridge_id';

/**
 * ARI-style bridges on FreeSWITCH, which has no bridge objects: callplane keeps them here.
 * - `holding`: members stay parked; after startBridgeMoh() each hears `local_stream://<class>`.
 * - `mixing`: two members → `uuid_bridge`; more → every member runs the `conference <bridgeId>@<profile>`
 *   app (sendmsg execute), so the conference is named after the bridge (found again at resync).
 * - a snoop (see FreeswitchDriver.snoop) in a mixing bridge with a real channel → that channel
 *   runs `eavesdrop <target>` with the whisper variables.
 * Emits `bridge.entered` / `bridge.left` / `bridge.destroyed` as the port documents.
 */
export class VirtualBridges {
  private readonly bridges = new Map<string, VirtualBridge>();
  private readonly memberOf = new Map<string, string>();

  constructor(
    private readonly ctx: FreeswitchContext,
    private readonly snoops: Map<string, SnoopSpec>,
    private readonly conferenceProfile: string,
  ) {}

  create(type: BridgeType, id: string = randomUUID()): string {
    if (!this.bridges.has(id)) this.bridges.set(id, { id, type, members: [], mode: 'none', mohApps: new Map() });
    return id;
  }

  async destroy(id: string): Promise<void> {
    const bridge = this.require(id);
    for (const member of [...bridge.members]) await this.remove(id, member).catch((err) => this.onRaceLost(err));
    this.bridges.delete(id);
    this.ctx.emit({ type: 'bridge.destroyed', bridgeId: id });
  }

  async add(id: string, channelIds: string[]): Promise<void> {
    const bridge = this.require(id);
    for (const channelId of channelIds) {
      if (!this.snoops.has(channelId) && !this.ctx.channels.get(channelId)) throw new ChannelNotFoundError(channelId);
    }
    for (const channelId of channelIds) {
      const previous = this.memberOf.get(channelId);
      if (previous === id) continue;
      if (previous) await this.remove(previous, channelId);
      bridge.members.push(channelId);
      this.memberOf.set(channelId, id);
      try {
        await this.realise(bridge, channelId);
      } catch (err) {
        this.detach(bridge, channelId);
        throw err;
      }
      this.ctx.emit({ type: 'bridge.entered', bridgeId: id, channelId });
    }
  }

  async remove(id: string, channelId: string): Promise<void> {
    const bridge = this.require(id);
    if (!bridge.members.includes(channelId)) throw new ChannelNotFoundError(channelId);
    // Before detach: leaving a pair drops the mode to `none`, but the uuid_bridge still has to be broken.
    const mixed = bridge.mode !== 'none';
    this.detach(bridge, channelId);
    const snoop = this.snoops.get(channelId);
    if (snoop?.listener) {
      await this.ctx.api(eslCommand('uuid_break', { channelId: snoop.listener }, 'all'), snoop.listener).catch((err) => this.onRaceLost(err));
      snoop.listener = undefined;
    } else if (!snoop) {
      const moh = bridge.mohApps.get(channelId);
      bridge.mohApps.delete(channelId);
      if (moh) await this.ctx.api(eslCommand('uuid_break', { channelId }, 'all'), channelId).catch((err) => this.onRaceLost(err));
      else if (bridge.type === 'mixing' && mixed) {
        await this.ctx.api(eslCommand('uuid_park', { channelId }), channelId).catch((err) => this.onRaceLost(err));
      }
      if (bridge.type === 'mixing') await this.ctx.api(unsetvarCommand(channelId, BRIDGE_ID_VAR), channelId).catch((err) => this.onRaceLost(err));
    }
    this.ctx.emit({ type: 'bridge.left', bridgeId: id, channelId });
  }

  async startMoh(id: string, mohClass?: string): Promise<void> {
    const bridge = this.require(id);
    bridge.moh = !mohClass || mohClass === 'default' ? 'moh' : mohClass;
    await Promise.all(bridge.members.map((m) => this.playMoh(bridge, m)));
  }

  async stopMoh(id: string): Promise<void> {
    const bridge = this.require(id);
    bridge.moh = undefined;
    const playing = [...bridge.mohApps.keys()];
    bridge.mohApps.clear();
    await Promise.all(playing.map((m) => this.ctx.api(eslCommand('uuid_break', { channelId: m }, 'all'), m).catch((err) => this.onRaceLost(err))));
  }

  /** The channel is gone (hangup): it leaves its bridge. */
  onChannelGone(channelId: string): void {
    const id = this.memberOf.get(channelId);
    const bridge = id ? this.bridges.get(id) : undefined;
    if (!bridge) return;
    this.detach(bridge, channelId);
    bridge.mohApps.delete(channelId);
    this.ctx.emit({ type: 'bridge.left', bridgeId: bridge.id, channelId });
  }

  bridgeOf(channelId: string): string | undefined {
    return this.memberOf.get(channelId);
  }

  /** Partner of a channel in a two-member mixing bridge. */
  partnerOf(channelId: string): string | undefined {
    const id = this.memberOf.get(channelId);
    const members = id ? this.bridges.get(id)?.members : undefined;
    return members?.length === 2 ? members.find((m) => m !== channelId) : undefined;
  }

  /** Bridges with their live members (resync); members not in `alive` are dropped silently. */
  snapshot(alive: Set<string>): BridgeSnapshot[] {
    for (const bridge of this.bridges.values()) {
      for (const m of [...bridge.members]) if (!alive.has(m) && !this.snoops.has(m)) this.detach(bridge, m);
    }
    return [...this.bridges.values()].map((b) => ({ id: b.id, type: b.type, channelIds: [...b.members] }));
  }

  /**
   * Re-create a bridge found at resync (after a callplane restart). `moh`: members found playing
   * `local_stream://<class>` (so stopMoh() breaks that playback although another process started it).
   */
  adopt(snapshot: BridgeSnapshot, moh?: { channelIds: string[]; mohClass: string }): void {
    if (this.bridges.has(snapshot.id)) return;
    const mode: MixMode = snapshot.channelIds.length > 2 ? 'conference' : snapshot.channelIds.length === 2 ? 'pair' : 'none';
    const mohApps = new Map((moh?.channelIds ?? []).map((c) => [c, 'adopted']));
    this.bridges.set(snapshot.id, { id: snapshot.id, type: snapshot.type, members: [...snapshot.channelIds], mode, mohApps, ...(moh?.channelIds.length ? { moh: moh.mohClass } : {}) });
    for (const m of snapshot.channelIds) this.memberOf.set(m, snapshot.id);
  }

  private async realise(bridge: VirtualBridge, channelId: string): Promise<void> {
    if (bridge.type === 'holding') {
      if (bridge.moh) await this.playMoh(bridge, channelId);
      return;
    }
    const snoopMember = bridge.members.find((m) => this.snoops.has(m));
    if (snoopMember) return this.attachSnoop(bridge, snoopMember);
    const real = bridge.members;
    if (real.length === 1) {
      // A lone member (a caller on hold while its agent consults) carries the id too, so the bridge is
      // found again at resync (FreeSWITCH has no trace of a one-member virtual bridge otherwise).
      await this.ctx.api(setvarCommand(channelId, BRIDGE_ID_VAR, bridge.id), channelId);
    } else if (real.length === 2) {
      const [a, b] = real;
      // park_after_bridge: a member leaving (uuid_park, a transfer) or hanging up leaves the other
      // parked under callplane's control instead of hung up by FreeSWITCH (switch_ivr_bridge.c).
      await Promise.all(real.flatMap((m) => [this.ctx.api(setvarCommand(m, BRIDGE_ID_VAR, bridge.id), m), this.ctx.api(setvarCommand(m, 'park_after_bridge', 'true'), m)]));
      await this.ctx.api(eslCommand('uuid_bridge', { channelId: a }, { channelId: b }), channelId);
      bridge.mode = 'pair';
    } else if (real.length > 2) {
      const move = bridge.mode === 'conference' ? [channelId] : real;
      bridge.mode = 'conference';
      await Promise.all(move.map((m) => this.ctx.execute(m, 'conference', `${bridge.id}@${this.conferenceProfile}`)));
    }
  }

  /** eavesdrop runs on the real member; the snoop itself is virtual. */
  private async attachSnoop(bridge: VirtualBridge, snoopId: string): Promise<void> {
    const snoop = this.snoops.get(snoopId)!;
    const listener = bridge.members.find((m) => m !== snoopId && !this.snoops.has(m));
    if (!listener || snoop.listener) return;
    for (const [k, v] of Object.entries(snoop.vars)) await this.ctx.api(setvarCommand(listener, k, v), listener);
    await this.ctx.execute(listener, 'eavesdrop', snoop.targetId);
    snoop.listener = listener;
  }

  private async playMoh(bridge: VirtualBridge, channelId: string): Promise<void> {
    if (!bridge.moh || bridge.mohApps.has(channelId) || this.snoops.has(channelId)) return;
    const appUuid = randomUUID();
    bridge.mohApps.set(channelId, appUuid);
    await this.ctx.execute(channelId, 'playback', `local_stream://${bridge.moh}`, appUuid);
  }

  private detach(bridge: VirtualBridge, channelId: string): void {
    bridge.members = bridge.members.filter((m) => m !== channelId);
    if (this.memberOf.get(channelId) === bridge.id) this.memberOf.delete(channelId);
    if (bridge.members.length < 2 && bridge.mode === 'pair') bridge.mode = 'none';
  }

  private require(id: string): VirtualBridge {
    const bridge = this.bridges.get(id);
    if (!bridge) throw new BridgeNotFoundError(id);
    return bridge;
  }

  /** Undoing media on a channel that hung up meanwhile is not an error: the hangup event cleans up. */
  private onRaceLost(err: unknown): void {
    if (err instanceof ChannelNotFoundError) return;
    throw err;
  }
}
