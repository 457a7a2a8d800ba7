import type { AddressInfo } from 'node:net';
import type { AsteriskConnectionConfig } from '@callplane/pbx';
import type {
  PbxSimulator,
  SimBridgeView,
  SimChannelView,
  SimEndpointBehaviour,
  SimInboundCall,
  SimPhoneDisplay,
  SimRequest,
} from '../pbx-sim.types';
import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { amiActionHandlers } from './ami-actions.handler';
import { AmiServer } from './ami.server';
import { bridgeRoutes } from './ari-bridge.routes';
import { channelRoutes } from './ari-channel.routes';
import { AriHttpServer } from './ari-http.server';
import { RequestDelays } from '../request-delays';
import { miscRoutes } from './ari-misc.routes';
import type { AriDeps, AriRoute } from './ari-route.types';
import { AriWsServer } from './ari-ws.server';
import { SimEngines } from './sim-engines';

/** Options of {@link AsteriskSim.start}; every field is optional. */
export interface AsteriskSimOptions {
  /** Bind address; default `127.0.0.1`. */
  host?: string;
  /** ARI HTTP + WebSocket port; default 0 (random). */
  ariPort?: number;
  /** AMI TCP port; default 0 (random). */
  amiPort?: number;
  /** ARI user (ari.conf); default `callplane` / `callplane`. */
  ariUsername?: string;
  ariPassword?: string;
  /** AMI user (manager.conf); default `callplane` / `callplane`. */
  amiUsername?: string;
  amiSecret?: string;
  /** Stasis app inbound calls enter (`Stasis(<app>)` in extensions.conf); default `callplane`. */
  app?: string;
  /** Dialplan context of inbound calls; default `from-external`. */
  inboundContext?: string;
  /** Duration per sound, ms, keyed `hello-world` or `sound:hello-world`; others last {@link defaultSoundDurationMs}. */
  soundDurationsMs?: Record<string, number>;
  /** Default media duration, ms; default 1000. */
  defaultSoundDurationMs?: number;
  /** Sounds that do not exist: their playback goes PlaybackStarted → PlaybackFinished `failed`. */
  missingSounds?: string[];
  /**
   * Sound ids `GET /sounds` lists (format gsm, language en), e.g. `hello-world`, `digits/1`;
   * default: a core-sounds subset (CORE_SOUNDS) plus the `soundDurationsMs` keys. `missingSounds`
   * are never listed. Playback still plays any sound that is not in `missingSounds`.
   */
  installedSounds?: string[];
  /** AMI RTCPSent/RTCPReceived cadence for Up channels, ms; 0 = off; default 1000 (rtp.conf rtcpinterval). */
  rtcpIntervalMs?: number;
  /** A registration expires after this many ms unless renewed by registerEndpoint; 0 = never (default: phones keep refreshing). */
  registrationExpiryMs?: number;
  /** Endpoints configured in pjsip.conf but not registered (listed offline by GET /endpoints). */
  endpoints?: string[];
  /** ARI `asterisk_id`; default `02:fc:00:00:00:01`. */
  asteriskId?: string;
}

/**
 * A simulated Asterisk 22 speaking real ARI (HTTP + WebSocket, `/ari`) and real AMI (TCP) on
 * 127.0.0.1, scriptable as a {@link PbxSimulator}. Its behaviour follows the recordings of a real
 * Asterisk 22.10.1 in test/fixtures/asterisk (conformance tests in test/conformance/asterisk).
 */
export class AsteriskSim implements PbxSimulator {
  readonly type = 'asterisk' as const;
  private readonly log: SimRequest[] = [];
  private readonly listeners = new Set<(r: SimRequest) => void>();
  private readonly delays = new RequestDelays();
  private engines: SimEngines;
  private ariHttp!: AriHttpServer;
  private ariWs!: AriWsServer;
  private ami!: AmiServer;
  private ariPort = 0;
  private amiPort = 0;
  private readonly t0 = Date.now();

  private constructor(private readonly options: AsteriskSimOptions) {
    this.engines = new SimEngines(options);
  }

  /** Binds ARI and AMI. @throws when a port is in use */
  static async start(options: AsteriskSimOptions = {}): Promise<AsteriskSim> {
    const sim = new AsteriskSim(options);
    await sim.listen();
    return sim;
  }

  get connection(): AsteriskConnectionConfig {
    const host = this.options.host ?? '127.0.0.1';
    return {
      type: 'asterisk',
      ariUrl: `http://${host}:${this.ariPort}`,
      ariUsername: this.options.ariUsername ?? 'callplane',
      ariPassword: this.options.ariPassword ?? 'callplane',
      app: this.engines.ctx.options.app,
      amiHost: host,
      amiPort: this.amiPort,
      amiUsername: this.options.amiUsername ?? 'callplane',
      amiSecret: this.options.amiSecret ?? 'callplane',
      endpointTechnology: 'PJSIP',
    };
  }

  /** The route table the ARI server serves and documents at /ari/api-docs. */
  routes(): AriRoute[] {
    const e = this.engines;
    const deps: AriDeps = { ctx: e.ctx, channels: e.channels, dial: e.dial, inbound: e.inbound, bridges: e.bridges, playbacks: e.playbacks, recordings: e.recordings, endpoints: e.endpoints };
    return [...channelRoutes(deps), ...bridgeRoutes(deps), ...miscRoutes(deps)];
  }

  /** Registers (AMI PeerStatus/ContactStatus/DeviceStateChange, ARI endpoint events); `expiresMs` overrides `registrationExpiryMs` for this registration. */
  registerEndpoint(resource: string, behaviour?: SimEndpointBehaviour, expiresMs?: number): void {
    this.engines.endpoints.register(resource, behaviour, expiresMs);
  }

  unregisterEndpoint(resource: string): void {
    this.engines.endpoints.unregister(resource);
  }

  setBehaviour(resource: string, behaviour: SimEndpointBehaviour): void {
    this.engines.endpoints.setBehaviour(resource, behaviour);
  }

  /** @throws StasisAppNotRegisteredError when no ARI WebSocket is connected for the app */
  placeCall(call: SimInboundCall): Promise<string> {
    return this.engines.inbound.placeCall(call);
  }

  /** RFC 2833 digit(s) from the far end: AMI DTMFBegin now, DTMFEnd + ARI ChannelDtmfReceived after `durationMs` (default 280, as recorded). */
  sendDtmf(channelId: string, digit: string, durationMs = 280): void {
    const { ctx } = this.engines;
    const ch = ctx.channels.get(channelId);
    if (!ch || ch.gone) return;
    [...digit].forEach((d, i) => {
      ctx.channelTimer(ch, i * (durationMs + 100), () => {
        ctx.amiEvent(() => amiEvent('DTMFBegin', 'dtmf', amiChannelHeaders(ch) + `Digit: ${d}\r\nDirection: Received\r\n`));
        ctx.channelTimer(ch, durationMs, () => {
          ctx.amiEvent(() => amiEvent('DTMFEnd', 'dtmf', amiChannelHeaders(ch) + `Digit: ${d}\r\nDurationMs: ${durationMs}\r\nDirection: Received\r\n`));
          ctx.channelEvent('ChannelDtmfReceived', ch, { digit: d, duration_ms: durationMs });
        });
      });
    });
  }

  hangup(channelId: string, cause = 16): void {
    const ch = this.engines.ctx.channels.get(channelId);
    if (ch && !ch.gone) this.engines.channels.hangupByFarEnd(ch, cause);
  }

  answer(channelId: string): void {
    const ch = this.engines.ctx.channels.get(channelId);
    if (ch) this.engines.dial.answerNow(ch);
  }

  /**
   * The phone itself holds / resumes (re-INVITE `a=sendonly` / `a=sendrecv`): ARI ChannelHold
   * {musicclass} / ChannelUnhold and AMI Hold / Unhold, unlike ARI `POST /hold` (recorded in hold-mute-moh).
   */
  phoneHold(channelId: string, held: boolean): void {
    const { ctx } = this.engines;
    const ch = ctx.channels.get(channelId);
    if (!ch || ch.gone) return;
    if (held) {
      ctx.amiEvent(() => amiEvent('Hold', 'call', amiChannelHeaders(ch) + 'MusicClass: default\r\n'));
      ctx.channelEvent('ChannelHold', ch, { musicclass: 'default' });
    } else {
      ctx.amiEvent(() => amiEvent('Unhold', 'call', amiChannelHeaders(ch)));
      ctx.channelEvent('ChannelUnhold', ch);
    }
  }

  /**
   * The phone of `channelId` blind-transfers its bridged peer with an in-dialog REFER to `exten`
   * (Asterisk `core` transfer handling, recorded in phone-refer-blind: BridgeBlindTransfer, a
   * Local channel replaces the transferer in the bridge and dials `exten` from the dialplan).
   * @throws TransferNotPossibleError when the channel is not bridged with another channel
   */
  phoneBlindTransfer(channelId: string, exten: string, context = 'from-internal'): void {
    this.engines.transfer.blindTransfer(channelId, exten, context);
  }

  channels(): SimChannelView[] {
    const { ctx } = this.engines;
    return [...ctx.channels.values()].map((ch) => {
      const pb = ch.playbacks[0] !== undefined ? ctx.playbacks.get(ch.playbacks[0]) : undefined;
      const br = ch.bridgeId !== undefined ? ctx.bridges.get(ch.bridgeId) : undefined;
      const playing = pb?.state === 'playing' ? pb.media[pb.index] : ch.held || ch.moh ? 'moh' : br?.moh !== undefined ? 'moh' : undefined;
      return { id: ch.id, name: ch.name, state: ch.state, direction: ch.direction, endpoint: ch.endpoint, bridgeId: ch.bridgeId, playing };
    });
  }

  /** From the connected line of the leg that rang it (chan_pjsip), "Anonymous" without one; see DialEngine. */
  phoneDisplay(resource: string): SimPhoneDisplay | undefined {
    const d = this.engines.ctx.endpoints.get(resource)?.display;
    return d && { ...d };
  }

  bridges(): SimBridgeView[] {
    return [...this.engines.ctx.bridges.values()].map((b) => ({ id: b.id, type: b.type, channelIds: [...b.channelIds] }));
  }

  requests(): SimRequest[] {
    return [...this.log];
  }

  clearRequests(): void {
    this.log.length = 0;
  }

  onRequest(listener: (req: SimRequest) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  delayRequests(match: (req: SimRequest) => boolean, ms: number): () => void {
    return this.delays.add(match, ms);
  }

  /** Raw text frame to every connected ARI WebSocket (malformed JSON, unknown event types). */
  injectRawAriEvent(text: string): void {
    this.ariWs.injectRaw(text);
  }

  /** Raw bytes to every AMI client. */
  injectRawAmi(text: string): void {
    this.ami.injectRaw(text);
  }

  dropAriWebSockets(): void {
    this.ariWs.dropAll();
  }

  dropAmiConnections(): void {
    this.ami.dropAll();
  }

  dropConnections(): void {
    this.dropAriWebSockets();
    this.dropAmiConnections();
  }

  /** Asterisk restart: sockets dropped, every call and bridge gone (no events), registrations kept (astdb), uptime reset. */
  restart(): void {
    this.dropConnections();
    this.engines.reset();
  }

  async close(): Promise<void> {
    this.engines.reset();
    this.engines.endpoints.close();
    this.ariWs.close();
    this.ami.close();
    this.ariHttp.server.closeAllConnections();
    await Promise.all([
      new Promise<void>((r) => this.ariHttp.server.close(() => r())),
      new Promise<void>((r) => this.ami.server.close(() => r())),
    ]);
  }

  /** Logs a request; returns how long to hold it before handling, ms (ARI HTTP only honours it). */
  private record(r: Omit<SimRequest, 't'>): number {
    const req: SimRequest = { t: Date.now() - this.t0, ...r };
    this.log.push(req);
    for (const l of this.listeners) l(req);
    return this.delays.of(req);
  }

  private async listen(): Promise<void> {
    const host = this.options.host ?? '127.0.0.1';
    const onRequest = (r: Omit<SimRequest, 't'>): number => this.record(r);
    const ariCreds = { username: this.options.ariUsername ?? 'callplane', password: this.options.ariPassword ?? 'callplane' };
    this.ariHttp = new AriHttpServer(this.routes(), ariCreds, onRequest);
    this.ariWs = new AriWsServer(this.ariHttp.server, this.engines.ctx.ari, ariCreds, onRequest);
    this.ami = new AmiServer(
      { username: this.options.amiUsername ?? 'callplane', secret: this.options.amiSecret ?? 'callplane' },
      amiActionHandlers(this.engines.ctx),
      onRequest,
      () => Math.floor((Date.now() - this.engines.ctx.startedAt) / 1000),
    );
    this.engines.ctx.ami = this.ami;
    const bind = (server: { listen: (p: number, h: string, cb: () => void) => unknown; once: (e: string, f: (err: Error) => void) => unknown; address: () => AddressInfo | string | null }, port: number) =>
      new Promise<number>((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => resolve((server.address() as AddressInfo).port));
      });
    this.ariPort = await bind(this.ariHttp.server, this.options.ariPort ?? 0);
    this.amiPort = await bind(this.ami.server, this.options.amiPort ?? 0);
  }
}
