import { q850Text } from '@callplane/pbx';
import { randomBytes } from 'node:crypto';
import { ariTimestamp, channelJson } from './ari-json.builder';
import { AriError } from './ari-error';
import { AriEventBus, type AriEventScope } from './ari-event.bus';
import type {
  SimApp,
  SimBridge,
  SimChannel,
  SimEndpoint,
  SimPlayback,
  SimRecording,
} from './sim-model.types';

/** Where AMI event frames go (the AMI server); `active` is false when no client wants events. */
export interface AmiSink {
  readonly active: boolean;
  send(frame: string): void;
}

/** Simulator options after defaults (see AsteriskSimOptions). */
export interface ResolvedSimOptions {
  app: string;
  inboundContext: string;
  soundDurationsMs: Record<string, number>;
  defaultSoundDurationMs: number;
  missingSounds: Set<string>;
  /** What `GET /sounds` lists: sound id → languages (see AsteriskSimOptions.installedSounds). */
  installedSounds: Map<string, string[]>;
  rtcpIntervalMs: number;
  /** Registration expiry, ms (Asterisk: Expires 300 → 300 s; scaled down in tests). */
  registrationExpiryMs: number;
  /** Stasis application reaction time before an answered originate enters Stasis etc. */
  asteriskId: string;
}

/** Asterisk `ast_cause2str` texts (main/causes.c), shared with the drivers through the port. */
export const causeText = q850Text;

/**
 * The shared state of one simulated Asterisk: channels, bridges, playbacks, recordings,
 * endpoints and apps, the id generators, and the two event outputs (ARI bus, AMI sink).
 */
export class SimContext {
  readonly channels = new Map<string, SimChannel>();
  readonly bridges = new Map<string, SimBridge>();
  readonly playbacks = new Map<string, SimPlayback>();
  readonly liveRecordings = new Map<string, SimRecording>();
  readonly storedRecordings = new Map<string, { name: string; format: string }>();
  readonly endpoints = new Map<string, SimEndpoint>();
  readonly ari: AriEventBus;
  startedAt = Date.now();
  private uniqueSeq = 0;
  private nameSeq = 0;
  private snoopSeq = 0;

  constructor(
    readonly options: ResolvedSimOptions,
    public ami: AmiSink,
  ) {
    this.ari = new AriEventBus(options.asteriskId);
  }

  /** Asterisk uniqueid: `<epoch s>.<sequence>`. */
  newUniqueId(): string {
    return `${Math.floor(Date.now() / 1000)}.${this.uniqueSeq++}`;
  }

  /** `PJSIP/<endpoint>-0000002d`: 8 hex digits from a global sequence. */
  newChannelName(tech: string, resource: string): string {
    return `${tech}/${resource}-${(this.nameSeq++).toString(16).padStart(8, '0')}`;
  }

  newSnoopSuffix(): string {
    return (this.snoopSeq++).toString(16).padStart(8, '0');
  }

  newUuid(): string {
    const b = randomBytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = b.toString('hex');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  app(name: string): SimApp {
    return this.ari.app(name);
  }

  /** @throws AriError 404 `Channel not found` */
  channel(id: string): SimChannel {
    const ch = this.channels.get(id);
    if (!ch || ch.gone) throw AriError.notFound('Channel not found');
    return ch;
  }

  /** @throws AriError 404 / 409 `Channel not in Stasis application` */
  stasisChannel(id: string): SimChannel {
    const ch = this.channel(id);
    if (!ch.stasisApp) throw AriError.conflict('Channel not in Stasis application');
    return ch;
  }

  /** @throws AriError 404 `Bridge not found` */
  bridge(id: string): SimBridge {
    const br = this.bridges.get(id);
    if (!br) throw AriError.notFound('Bridge not found');
    return br;
  }

  /** Publishes `{type, timestamp, ...extra, channel}` for a channel (the common ARI shape); `extraFirst` puts extra before `type` (ChannelHangupRequest). */
  channelEvent(
    type: string,
    ch: SimChannel,
    extra?: Record<string, unknown>,
    extraScope?: AriEventScope,
    extraFirst = false,
  ): void {
    const body: Record<string, unknown> = extraFirst ? { ...extra, type, timestamp: ariTimestamp() } : { type, timestamp: ariTimestamp() };
    if (extra && !extraFirst) Object.assign(body, extra);
    body.channel = channelJson(ch);
    this.ari.publish(body, { ...extraScope, channels: [ch, ...(extraScope?.channels ?? [])] });
  }

  /** ChannelVarset: `{variable, value, type, timestamp, channel}` (key order as recorded). */
  varset(ch: SimChannel, variable: string, value: string): void {
    this.ari.publish(
      { variable, value, type: 'ChannelVarset', timestamp: ariTimestamp(), channel: channelJson(ch) },
      { channels: [ch] },
    );
  }

  /** Sends an AMI event frame built lazily (no work when no AMI client listens). */
  amiEvent(build: () => string): void {
    if (this.ami.active) this.ami.send(build());
  }

  /** Registers a timer owned by a channel; cleared on hangup. */
  channelTimer(ch: SimChannel, ms: number, fn: () => void): NodeJS.Timeout {
    const t = setTimeout(() => {
      ch.timers.delete(t);
      fn();
    }, ms);
    ch.timers.add(t);
    return t;
  }

  soundDurationMs(media: string): number {
    const o = this.options.soundDurationsMs;
    const bare = media.slice(media.indexOf(':') + 1);
    return o[media] ?? o[bare] ?? this.options.defaultSoundDurationMs;
  }
}
