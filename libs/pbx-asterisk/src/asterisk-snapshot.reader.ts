import { isPbxRestart, type BridgeSnapshot, type ChannelSnapshot, type PbxSnapshot } from '@callplane/pbx';
import type { AriClient } from './ari/ari.client';
import { channelState, guessDirection, toChannelSnapshot } from './ari/ari-channel.mapper';
import type { AriApplication, AriBridge, AriChannel } from './ari/ari.types';
import type { ChannelTracker } from './channel.tracker';
import type { PendingChannels } from './pending-channels';

export interface AsteriskSnapshotDeps {
  app: string;
  ari: AriClient;
  tracker: ChannelTracker;
  pending: PendingChannels;
  /** Bridges of ours → when we learnt of them, ms epoch. */
  bridges: Map<string, number>;
  /** A bridge of ours is gone (emits `bridge.destroyed` once). */
  bridgeGone: (bridgeId: string) => void;
  /** When the ARI link first dropped since the last resync (undefined: it did not). */
  linkDownSince: () => Date | undefined;
}

/**
 * Reads what is live in callplane's Stasis app. `GET /channels` lists every channel of the
 * PBX (recorded: redirect-blind), so the app's own `channel_ids` (`GET /applications/{app}`)
 * decide which are ours. Bridges: those the app is subscribed to, those this process created,
 * and any holding one of our channels. On resync, bridges of ours no longer listed end with
 * `bridge.destroyed` (they went while a link was down, or with an Asterisk restart).
 */
export class AsteriskSnapshotReader {
  /** The PBX's start time at the last read (a different one means it restarted). */
  private startedAt?: Date;

  constructor(private readonly d: AsteriskSnapshotDeps) {}

  /**
   * @param opts.sweepBefore resync: channels tracked before this time (ms epoch) that are no
   *   longer alive in the app end now (`channel.hangup`), and untracked live ones are adopted.
   * @throws the ARI transport/HTTP error when a request fails
   */
  async read(opts?: { sweepBefore?: number }): Promise<PbxSnapshot> {
    const { ari, app, tracker } = this.d;
    const [application, channels, bridges, info] = await Promise.all([
      ari.request<AriApplication>('GET', `/applications/${encodeURIComponent(app)}`),
      ari.request<AriChannel[]>('GET', '/channels'),
      ari.request<AriBridge[]>('GET', '/bridges'),
      // Asterisk ARI asterisk.json AsteriskInfo.status.startup_time: tells a PBX restart from a link drop.
      ari.request<{ status?: { startup_time?: string } }>('GET', '/asterisk/info', { only: 'status' }).catch(() => undefined),
    ]);
    const inApp = new Set(application?.channel_ids ?? []);
    const appBridges = new Set(application?.bridge_ids ?? []);

    const pbxStartedAt = parseAriTime(info?.status?.startup_time);
    if (opts?.sweepBefore !== undefined) {
      // Asterisk's start time changed since we last looked: it restarted, and the channels we lost went
      // with it when our link dropped (compared with its own earlier start time: no clock skew involved).
      const lostAt = isPbxRestart(this.startedAt, pbxStartedAt) ? (this.d.linkDownSince() ?? new Date()) : undefined;
      this.sweep(opts.sweepBefore, inApp, new Set(channels.map((c) => c.id)), lostAt);
      const listed = new Set(bridges.map((b) => b.id));
      for (const [id, since] of [...this.d.bridges]) if (since < opts.sweepBefore && !listed.has(id)) this.d.bridgeGone(id);
    }

    const bridgeOf = new Map<string, string>();
    const ours: BridgeSnapshot[] = [];
    for (const b of bridges) {
      const mine = b.channels.filter((id) => inApp.has(id));
      if (!appBridges.has(b.id) && !this.d.bridges.has(b.id) && mine.length === 0) continue;
      for (const id of mine) bridgeOf.set(id, b.id);
      if (opts?.sweepBefore !== undefined && !this.d.bridges.has(b.id)) this.d.bridges.set(b.id, Date.now());
      ours.push({ id: b.id, type: b.bridge_type === 'holding' ? 'holding' : 'mixing', channelIds: mine });
    }

    const live: ChannelSnapshot[] = [];
    for (const ch of channels) {
      if (!inApp.has(ch.id)) continue;
      let t = tracker.get(ch.id);
      if (!t && opts?.sweepBefore !== undefined && !this.d.pending.has(ch.id)) {
        // Still up after a restart of callplane or while a link was down: adopt it.
        t = tracker.track(ch.id, 'adopted', guessDirection(ch));
        t.lastState = channelState(ch.state);
      }
      live.push(toChannelSnapshot(ch, t?.direction ?? guessDirection(ch), { endpoint: t?.endpoint, bridgeId: bridgeOf.get(ch.id) }));
    }
    if (pbxStartedAt) this.startedAt = pbxStartedAt;
    return { channels: live, bridges: ours, pbxStartedAt };
  }

  /** Ends tracked channels that disappeared; a channel sent to the dialplan stays while it exists. */
  private sweep(before: number, inApp: Set<string>, alive: Set<string>, lostAt: Date | undefined): void {
    const gone: string[] = [];
    for (const t of this.d.tracker.all()) {
      if (t.since >= before || inApp.has(t.id)) continue;
      if ((t.redirected || !t.inStasis) && alive.has(t.id)) continue;
      gone.push(t.id);
    }
    for (const id of gone) this.d.tracker.vanished(id, lostAt);
  }
}


/** ARI time stamps (`2026-12-04T19:52:14.466+0000`) → Date; undefined when absent or unparsable. */
function parseAriTime(value: string | undefined): Date | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'));
  return Number.isNaN(ms) ? undefined : new Date(ms);
}
