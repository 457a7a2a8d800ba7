import type { AsteriskSimOptions } from './asterisk-sim';
import { BridgesEngine } from './bridges.engine';
import { ChannelsEngine } from './channels.engine';
import { DialEngine } from './dial.engine';
import { EndpointsEngine } from './endpoints.engine';
import { InboundEngine } from './inbound.engine';
import { PlaybacksEngine } from './playbacks.engine';
import { RecordingsEngine } from './recordings.engine';
import { SimContext } from './sim-context';
import { TransferEngine } from './transfer.engine';

/** Builds the simulator's state and engines from the options (defaults applied here, once). */
export class SimEngines {
  readonly ctx: SimContext;
  readonly bridges: BridgesEngine;
  readonly playbacks: PlaybacksEngine;
  readonly recordings: RecordingsEngine;
  readonly channels: ChannelsEngine;
  readonly endpoints: EndpointsEngine;
  readonly dial: DialEngine;
  readonly inbound: InboundEngine;
  readonly transfer: TransferEngine;

  constructor(o: AsteriskSimOptions) {
    this.ctx = new SimContext(
      {
        app: o.app ?? 'callplane',
        inboundContext: o.inboundContext ?? 'from-external',
        soundDurationsMs: o.soundDurationsMs ?? {},
        defaultSoundDurationMs: o.defaultSoundDurationMs ?? 1000,
        missingSounds: new Set(o.missingSounds ?? []),
        installedSounds: installedSounds(o),
        rtcpIntervalMs: o.rtcpIntervalMs ?? 1000,
        registrationExpiryMs: o.registrationExpiryMs ?? 0,
        asteriskId: o.asteriskId ?? '02:fc:00:00:00:01',
      },
      { active: false, send: () => undefined },
    );
    this.bridges = new BridgesEngine(this.ctx);
    this.playbacks = new PlaybacksEngine(this.ctx);
    this.recordings = new RecordingsEngine(this.ctx);
    this.channels = new ChannelsEngine(this.ctx, this.bridges, this.playbacks, this.recordings);
    this.endpoints = new EndpointsEngine(this.ctx);
    this.dial = new DialEngine(this.ctx, this.channels, this.endpoints);
    this.inbound = new InboundEngine(this.ctx, this.channels);
    this.transfer = new TransferEngine(this.ctx, this.channels, this.bridges, this.dial);
    for (const resource of o.endpoints ?? []) this.endpoints.ensure(resource);
  }

  /** Forget every call, bridge, playback and live recording without events (Asterisk restart / close). */
  reset(): void {
    const { ctx } = this;
    for (const ch of ctx.channels.values()) {
      ch.gone = true;
      for (const t of ch.timers) clearTimeout(t);
    }
    for (const pb of ctx.playbacks.values()) clearTimeout(pb.timer);
    for (const rec of ctx.liveRecordings.values()) clearTimeout(rec.timer);
    ctx.channels.clear();
    ctx.bridges.clear();
    ctx.playbacks.clear();
    ctx.liveRecordings.clear();
    for (const app of ctx.ari.apps.values()) app.endpointSubs.clear();
    ctx.startedAt = Date.now();
  }
}

/**
 * Sounds a stock Asterisk 22 with the core sounds (en) has, of those callplane's docs and tests
 * name: `GET /sounds` lists them (plus the simulator's `soundDurationsMs` keys), never a `missingSounds` one.
 */
export const CORE_SOUNDS = ['hello-world', 'demo-congrats', 'demo-thanks', 'goodbye', 'vm-goodbye', 'vm-intro', 'beep', 'pls-hold-while-try', 'queue-thankyou', 'digits/1', 'digits/2', 'digits/3'];

function installedSounds(o: AsteriskSimOptions): Map<string, string[]> {
  const names = o.installedSounds ?? [...CORE_SOUNDS, ...Object.keys(o.soundDurationsMs ?? {}).map((k) => k.replace(/^sound:/, ''))];
  const missing = new Set((o.missingSounds ?? []).map((m) => m.replace(/^sound:/, '')));
  return new Map(names.filter((n) => !missing.has(n)).map((n) => [n, ['en']]));
}
