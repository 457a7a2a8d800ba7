import { createServer, type Server, type Socket } from 'node:net';
import type { FreeswitchConnectionConfig } from '@callplane/pbx';
import type {
  PbxSimulator,
  SimBridgeView,
  SimChannelView,
  SimEndpointBehaviour,
  SimInboundCall,
  SimPhoneDisplay,
  SimRequest,
} from '../pbx-sim.types';
import { EslSession } from './esl-session';
import { FsEslHost } from './fs-esl.host';
import type { FsCore } from './fs-api.commands';
import { buildApps, onDtmf } from './fs-apps';
import type { FsChannel } from './fs-channel.model';
import { FsConferences } from './fs-conference';
import { FsDialplan, type OutboundSocketTarget } from './fs-dialplan';
import type { MediaCatalogue } from './fs-media';
import { FsOriginator } from './fs-originate';
import { FsRegistry } from './fs-registry';
import { FsTelemetry, type RtpQuality } from './fs-telemetry';
import { causeName, FsSwitch } from './fs-switch';

/** Options of {@link FreeswitchSim.start}. Durations in ms unless named otherwise. */
export interface FreeswitchSimOptions {
  /** ESL port on 127.0.0.1; default 0 (random). */
  port?: number;
  /** ESL password; default `ClueCon` (event_socket.conf.xml default). */
  password?: string;
  /** SIP domain of the directory (`user/<ext>@<domain>`); default `127.0.0.1`. */
  domain?: string;
  /** Inbound DIDs: `answer` before `park` (recorded lab dialplan); default true. */
  answerBeforePark?: boolean;
  /** Simulate the `socket` dialplan app connecting out to callplane's outbound ESL listener. */
  outboundSocket?: OutboundSocketTarget;
  /** Known sound files and their lengths; tone_stream / silence_stream / local_stream are computed. */
  media?: MediaCatalogue;
  /** Multiplies every media duration, sleep and digit timeout (0.01 = 100× faster); default 1. */
  mediaTimeScale?: number;
  /** Multiplies `originate_timeout`; default 1. */
  originateTimeScale?: number;
  /** Multiplies registration expiry (Expires + 60 s late margin); default 1. */
  registrationTimeScale?: number;
  /**
   * RECV_RTCP_MESSAGE cadence per answered leg, ms; 0 = off (default). Inbound legs always report;
   * originated legs only when the originate set `rtcp_audio_interval_msec` (as recorded).
   */
  rtcpIntervalMs?: number;
  /** HEARTBEAT interval; default 20000, 0 = off. */
  heartbeatMs?: number;
  /** Every `auth` fails (`-ERR invalid`, then disconnect). */
  authFails?: boolean;
}

/**
 * A FreeSWITCH 1.10 simulator speaking the inbound event socket (mod_event_socket) on a real
 * TCP port, with channels, endpoints and dialplan behaviour matched to the recordings in
 * test/fixtures/freeswitch (see their README). Scripted through {@link PbxSimulator}.
 */
export class FreeswitchSim implements PbxSimulator {
  readonly type = 'freeswitch' as const;
  private server!: Server;
  private port = 0;
  private readonly sw: FsSwitch;
  private readonly core: FsCore;
  private readonly telemetry: FsTelemetry;
  private readonly host: FsEslHost;
  private readonly pw: string;

  private constructor(private readonly opts: FreeswitchSimOptions) {
    this.pw = opts.password ?? 'ClueCon';
    const domain = opts.domain ?? '127.0.0.1';
    this.sw = new FsSwitch({ mediaTimeScale: opts.mediaTimeScale ?? 1, originateTimeScale: opts.originateTimeScale ?? 1 });
    const registry = new FsRegistry(this.sw, domain, opts.registrationTimeScale ?? 1);
    const originator = new FsOriginator(this.sw, registry, domain);
    const media = opts.media ?? {};
    const apps = buildApps({ sw: this.sw, media });
    const conferences = new FsConferences({ sw: this.sw, media }, () => apps, originator);
    Object.assign(apps, conferences.buildApps());
    const dialplan = new FsDialplan(this.sw, apps, registry, {
      answerBeforePark: opts.answerBeforePark ?? true, outboundSocket: opts.outboundSocket, domain,
    }, () => this.host);
    this.core = { sw: this.sw, media, registry, originator, dialplan, apps, conferences, startedAt: Date.now() };
    this.host = new FsEslHost(this.core, this.pw);
    this.host.authFails = opts.authFails ?? false;
    this.telemetry = new FsTelemetry(this.sw, opts.heartbeatMs ?? 20000, opts.rtcpIntervalMs ?? 0);
  }

  /** Start listening on 127.0.0.1 (random port unless `options.port`). */
  static async start(options: FreeswitchSimOptions = {}): Promise<FreeswitchSim> {
    const sim = new FreeswitchSim(options);
    await sim.listen(options.port ?? 0);
    sim.telemetry.start();
    return sim;
  }

  private listen(port: number): Promise<void> {
    this.server = createServer((sock) => this.accept(sock));
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.port = (this.server.address() as { port: number }).port;
        resolve();
      });
    });
  }

  private accept(sock: Socket): void {
    const s = new EslSession(sock, this.host);
    this.sw.sessions.add(s);
  }

  /** ESL connection settings for callplane. */
  get connection(): FreeswitchConnectionConfig {
    return {
      type: 'freeswitch', eslHost: '127.0.0.1', eslPort: this.port, eslPassword: this.pw,
      sipDomain: this.opts.domain ?? '127.0.0.1', outboundPort: this.opts.outboundSocket?.port,
    };
  }

  // ------------------------------------------------------------------ PbxSimulator

  registerEndpoint(resource: string, behaviour?: SimEndpointBehaviour, expiresSec = 3600): void {
    this.core.registry.register(resource, behaviour, expiresSec);
  }

  unregisterEndpoint(resource: string): void {
    this.core.registry.unregister(resource);
  }

  setBehaviour(resource: string, behaviour: SimEndpointBehaviour): void {
    this.core.registry.setBehaviour(resource, behaviour);
  }

  placeCall(call: SimInboundCall): Promise<string> {
    return new Promise((resolve, reject) => {
      let ch: FsChannel | undefined;
      const parked = (c: FsChannel): void => {
        if (c !== ch) return;
        cleanup();
        resolve(c.uuid);
      };
      const gone = (c: FsChannel): void => {
        if (c !== ch) return;
        cleanup();
        reject(new Error(`call to ${call.to} ended before it was parked (${c.hangupCause})`));
      };
      const cleanup = (): void => {
        this.sw.hooks.parked.splice(this.sw.hooks.parked.indexOf(parked), 1);
        this.sw.hooks.hungup.splice(this.sw.hooks.hungup.indexOf(gone), 1);
      };
      this.sw.hooks.parked.push(parked);
      this.sw.hooks.hungup.push(gone);
      ch = this.core.dialplan.inbound(call);
    });
  }

  /**
   * RFC 2833 digits from the far end: one DTMF event per digit (`DTMF-Duration` in samples at
   * 8 kHz; the recorded sipp pcaps gave 2240 = 280 ms), in order.
   */
  sendDtmf(channelId: string, digits: string, durationMs = 280): void {
    const ch = this.sw.channels.get(channelId);
    if (!ch) return;
    for (const digit of digits) {
      if (!ch.alive) return;
      this.sw.fire('DTMF', ch, {
        extra: [['DTMF-Digit', digit], ['DTMF-Duration', String(durationMs * 8)], ['DTMF-Source', 'RTP']],
        variables: false,
      });
      onDtmf(ch, digit);
    }
  }

  /** The far end hangs up: BYE when answered, CANCEL / reject (486 → USER_BUSY) when not. */
  hangup(channelId: string, cause = 16): void {
    const ch = this.sw.channels.get(channelId);
    if (!ch || !ch.alive) return;
    const name = causeName(cause);
    const disposition = ch.up ? 'recv_bye' : ch.direction === 'outbound' ? 'recv_refuse' : 'recv_cancel';
    this.sw.hangup(ch, name, 'remote', disposition);
  }

  answer(channelId: string): void {
    const ch = this.sw.channels.get(channelId);
    if (ch && ch.direction === 'outbound') this.core.originator.answer(ch);
  }

  /**
   * The phone on a bridged leg sends an in-dialog REFER (blind transfer) to `target`: FreeSWITCH
   * answers 202, hangs the phone's leg up (BLIND_TRANSFER) and runs the partner through the
   * default context for `target` (Local_Extension → bridge), as in phone-refer-blind.jsonl.
   * No sofia::transferor/transferee events (vanilla profile has fire-transfer-events off).
   */
  referFromPhone(channelId: string, target: string): void {
    const ch = this.sw.channels.get(channelId);
    const partner = ch?.peer;
    if (!ch || !partner || !ch.alive) return;
    const domain = this.opts.domain ?? '127.0.0.1';
    ch.setVar('transfer_to', `blind:${partner.uuid}`);
    ch.setVar('transfer_destination', `blind:${target}`);
    ch.setVar('transfer_disposition', 'recv_replace');
    ch.setVar('endpoint_disposition', 'BLIND_TRANSFER');
    partner.setVar('sip_refer_to', `<sip:${target}@${domain}>`);
    partner.setVar('sip_h_Referred-By', `<sip:${ch.endpoint ?? ch.profile.destination}@${domain}>`);
    this.sw.hangupLeavingPartner(ch, 'NORMAL_CLEARING', (p) => {
      this.core.dialplan.transferProfile(p, target, 'default', 'bl_xfer');
      this.core.dialplan.route(p, target, true);
    });
  }

  channels(): SimChannelView[] {
    return [...this.sw.channels.values()].filter((c) => c.alive).map((c) => ({
      id: c.uuid,
      name: c.name,
      state: c.up ? 'Up' : c.direction === 'outbound' ? (c.progressUs ? 'Ringing' : 'Down') : 'Ring',
      direction: c.direction,
      endpoint: c.endpoint,
      bridgeId: c.peer ? (c.otherType === 'originatee' ? c.uuid : c.peer.uuid) : undefined,
      playing: c.playing,
    }));
  }

  phoneDisplay(resource: string): SimPhoneDisplay | undefined {
    const d = this.core.registry.endpoints.get(resource)?.display;
    return d && { ...d };
  }

  bridges(): SimBridgeView[] {
    const out: SimBridgeView[] = [];
    for (const c of this.sw.channels.values()) {
      if (c.alive && c.peer && c.otherType === 'originatee') out.push({ id: c.uuid, type: 'mixing', channelIds: [c.uuid, c.peer.uuid] });
    }
    for (const [name, room] of this.core.conferences.rooms) out.push({ id: name, type: 'mixing', channelIds: room.map((m) => m.ch.uuid) });
    return out;
  }

  requests(): SimRequest[] {
    return [...this.host.log];
  }

  clearRequests(): void {
    this.host.log.length = 0;
  }

  onRequest(listener: (req: SimRequest) => void): () => void {
    this.host.listeners.add(listener);
    return () => this.host.listeners.delete(listener);
  }

  delayRequests(match: (req: SimRequest) => boolean, ms: number): () => void {
    return this.host.delays.add(match, ms);
  }

  /** Like the recording: `text/disconnect-notice`, then close; calls go on. */
  dropConnections(): void {
    for (const s of [...this.sw.sessions]) if (!s.outbound) s.disconnect();
  }

  /** Raw bytes to every authenticated inbound client (malformed-frame tests). */
  injectRaw(text: string): void {
    for (const s of this.sw.sessions) if (!s.outbound && s.authed) s.writeRaw(text);
  }

  /** Make every later `auth` fail (`-ERR invalid`, then disconnect) or succeed again. */
  setAuthFailure(fail: boolean): void {
    this.host.authFails = fail;
  }

  /** Set the RTP quality the RTCP reports and end-of-call stats show for a leg. */
  setRtpQuality(channelId: string, q: RtpQuality): void {
    this.telemetry.setQuality(channelId, q);
  }

  /**
   * Simulate a FreeSWITCH restart: every socket closes without notice, every channel vanishes
   * (no events), a new Core-UUID; the port accepts connections again after `downMs`.
   */
  async restart(downMs = 0): Promise<void> {
    for (const s of [...this.sw.sessions]) s.destroy();
    this.sw.wipe();
    this.core.startedAt = Date.now(); // `status` uptime starts again, as on a real restart
    await new Promise<void>((r) => this.server.close(() => r()));
    if (downMs > 0) await new Promise((r) => setTimeout(r, downMs));
    await this.listen(this.port);
  }

  async close(): Promise<void> {
    this.telemetry.stop();
    this.core.registry.close();
    for (const s of [...this.sw.sessions]) s.destroy();
    for (const ch of this.sw.channels.values()) ch.clearTimers();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
