import { createLogger, errorMessage, type Logger } from '@callplane/core';
import {
  PbxDriver,
  PbxUnavailableError,
  q850Text,
  type AsteriskConnectionConfig,
  type BridgeType,
  type ChannelSnapshot,
  type EndpointSnapshot,
  type EndpointStateEvent,
  type OriginateRequest,
  type PbxDriverOptions,
  type PbxEvent,
  type PbxHealth,
  type PbxNodeConfig,
  type PbxSnapshot,
  type PlayOptions,
  type RecordOptions,
  type RtpStatistics,
  type SnoopOptions,
} from '@callplane/pbx';
import { AriClient } from './ari/ari.client';
import { AriAuthError } from './ari/ari-events.socket';
import { channelState, toChannelSnapshot } from './ari/ari-channel.mapper';
import * as ariEvents from './ari/ari-event.mapper';
import type { AriEndpoint, AriEventHandlers, AriEventMap } from './ari/ari.types';
import { AmiAuthError, AmiConnection } from './ami/ami.connection';
import { amiHangup, contactStatusChange, rtcpReport } from './ami/ami-event.mapper';
import { PjsipContacts } from './ami/pjsip-contacts';
import { header, type AmiFrame } from './ami/ami.types';
import { AsteriskCommands } from './asterisk.commands';
import { AsteriskSnapshotReader } from './asterisk-snapshot.reader';
import { ChannelTracker } from './channel.tracker';
import { LinkSupervisor } from './link.supervisor';
import { PendingChannels } from './pending-channels';
import { ResyncCoordinator } from './resync.coordinator';

/** The AMI events {@link AsteriskDriver.onAmiFrame} reads; the rest are skipped unparsed. */
const AMI_EVENTS: ReadonlySet<string> = new Set(['Hangup', 'ContactStatus', 'RTCPSent', 'RTCPReceived', 'FullyBooted']);

/**
 * {@link PbxDriver} for one Asterisk node: ARI (REST + event WebSocket) for call control and
 * AMI for what ARI does not report (Hangup causes of dialplan channels, PJSIP contacts, RTCP,
 * FullyBooted). Both links reconnect forever with capped jittered backoff; every (re)connect
 * emits `driver.connected` with a snapshot of the Stasis app.
 */
export class AsteriskDriver extends PbxDriver {
  readonly type = 'asterisk' as const;
  readonly nodeId: string;
  private readonly log: Logger;
  private readonly conn: AsteriskConnectionConfig;
  private readonly ari: AriClient;
  private ami?: AmiConnection;
  private readonly ariLink: LinkSupervisor;
  private readonly amiLink: LinkSupervisor;
  private readonly tracker: ChannelTracker;
  private readonly pending = new PendingChannels();
  private readonly bridges = new Map<string, number>();
  /** When the ARI link first dropped since the last resync (a PBX restart is told from its start time). */
  private linkDownSince?: Date;
  private readonly contacts = new Map<string, string>();
  private readonly endpointStates = new Map<string, string>();
  private readonly pjsipContacts = new PjsipContacts();
  private readonly commands: AsteriskCommands;
  private readonly snapshots: AsteriskSnapshotReader;
  private readonly resync: ResyncCoordinator;
  private stopped = true;
  private started = false;
  private status: PbxHealth['status'] = 'down';
  private since = new Date();

  constructor(node: PbxNodeConfig, private readonly options: PbxDriverOptions) {
    super();
    if (node.connection.type !== 'asterisk') throw new Error(`AsteriskDriver needs an asterisk connection, got ${node.connection.type}`);
    this.nodeId = node.id;
    this.conn = node.connection;
    this.log = createLogger('pbx-asterisk', { node: node.id, nodeName: node.name });
    const timeoutMs = options.requestTimeoutMs;
    this.ari = new AriClient({ baseUrl: this.conn.ariUrl, username: this.conn.ariUsername, password: this.conn.ariPassword, app: this.conn.app, timeoutMs }, this.subscribe(), this.log);
    this.tracker = new ChannelTracker({
      onHangup: (channelId, cause, lostAt) =>
        this.emit(lostAt ? { type: 'channel.hangup', channelId, cause, causeText: 'PBX restarted', lost: true, at: lostAt } : { type: 'channel.hangup', channelId, cause, causeText: q850Text(cause) }),
      amiUp: () => this.amiLink.state === 'up',
      exists: (id) => this.ari.request('GET', `/channels/${encodeURIComponent(id)}`).then(() => true, (err: { status?: number }) => (err.status === 404 ? false : Promise.reject(err))),
    });
    const policy = { initialMs: options.reconnectMinMs, maxMs: options.reconnectMaxMs, factor: 2 };
    this.ariLink = new LinkSupervisor('ari', policy, {
      connect: (lost) => this.ari.connect(lost),
      isAuthError: (err) => err instanceof AriAuthError,
      onUp: () => this.started && this.resync.request(),
      onDown: (reason) => {
        this.linkDownSince ??= new Date();
        this.emit({ type: 'driver.disconnected', reason: `ari: ${reason}` });
      },
      onStateChange: () => this.updateStatus(),
    }, this.log);
    this.amiLink = new LinkSupervisor('ami', policy, {
      connect: (lost) => this.openAmi(lost),
      isAuthError: (err) => err instanceof AmiAuthError,
      // Asterisk sends FullyBooted right after each login (or when it finishes booting): that resyncs.
      onUp: () => undefined,
      onDown: (reason) => this.emit({ type: 'driver.disconnected', reason: `ami: ${reason}` }),
      onStateChange: () => this.updateStatus(),
    }, this.log);
    const deps = { nodeId: this.nodeId, app: this.conn.app, technology: this.conn.endpointTechnology ?? 'PJSIP', timeoutMs };
    this.commands = new AsteriskCommands({ ...deps, ari: this.ari, tracker: this.tracker, pending: this.pending, bridges: this.bridges, contacts: this.contacts, log: this.log, bridgeGone: (id) => this.bridgeGone(id) });
    this.snapshots = new AsteriskSnapshotReader({ ...deps, ari: this.ari, tracker: this.tracker, pending: this.pending, bridges: this.bridges, bridgeGone: (id) => this.bridgeGone(id), linkDownSince: () => this.linkDownSince });
    this.resync = new ResyncCoordinator({
      read: async () => {
        const snapshot = await this.snapshots.read({ sweepBefore: Date.now() });
        this.linkDownSince = undefined;
        await this.refreshEndpoints();
        return snapshot;
      },
      connected: (snapshot, reconnect) => this.emit({ type: 'driver.connected', snapshot, reconnect }),
      ready: () => this.started && !this.stopped && this.ariLink.state === 'up',
      log: this.log,
    });
  }

  /** Every ARI event the driver consumes, one line each. */
  private subscribe(): AriEventHandlers {
    return {
      StasisStart: (e) => this.onStasisStart(e),
      StasisEnd: (e) => this.tracker.onStasisEnd(e.channel.id),
      ChannelStateChange: (e) => this.onChannelStateChange(e),
      ChannelHangupRequest: (e) => this.tracker.onHangupRequest(e.channel.id, e.cause, e.soft),
      ChannelDestroyed: (e) => this.onChannelDestroyed(e),
      ChannelDtmfReceived: (e) => this.emit(ariEvents.dtmfReceived(e)),
      ChannelHold: (e) => this.emit({ type: 'channel.hold', channelId: e.channel.id, held: true }),
      ChannelUnhold: (e) => this.emit({ type: 'channel.hold', channelId: e.channel.id, held: false }),
      PlaybackStarted: (e) => this.emit(ariEvents.playbackStarted(e)),
      PlaybackFinished: (e) => this.emit(ariEvents.playbackFinished(e)),
      ChannelEnteredBridge: (e) => this.onBridgeMembership(e, true),
      ChannelLeftBridge: (e) => this.onBridgeMembership(e, false),
      BridgeDestroyed: (e) => this.bridgeGone(e.bridge.id),
      RecordingStarted: (e) => this.emit(ariEvents.recordingStarted(e)),
      RecordingFinished: (e) => this.emit(ariEvents.recordingFinished(e)),
      RecordingFailed: (e) => this.emit(ariEvents.recordingFinished(e)),
      BridgeBlindTransfer: (e) => this.emit(ariEvents.blindTransfer(e)),
      EndpointStateChange: (e) => this.onEndpointState(ariEvents.endpointStateChange(e)),
    };
  }

  /** Offered only when it came from the dialplan: not our originates/snoops, nor a transfer's Local channel. */
  private onStasisStart(e: AriEventMap['StasisStart']): void {
    const ch = e.channel;
    const mine = this.pending.entered(ch.id);
    const known = this.tracker.get(ch.id);
    if (mine || known) {
      const t = known ?? this.tracker.track(ch.id, mine!.origin, 'outbound', mine!.endpoint);
      t.inStasis = true;
      t.lastState ??= channelState(ch.state);
      return;
    }
    if (e.replace_channel || ch.name.startsWith('Snoop/')) {
      this.tracker.track(ch.id, e.replace_channel ? 'transfer' : 'snoop', 'outbound').lastState = channelState(ch.state);
      return;
    }
    const snapshot = toChannelSnapshot(ch, 'inbound', { args: e.args ?? [] });
    this.tracker.track(ch.id, 'dialplan', 'inbound').lastState = snapshot.state;
    this.log.debug({ channelId: ch.id }, 'StasisStart: channel offered');
    this.emit({ type: 'channel.offered', channel: snapshot });
  }

  private onChannelStateChange(e: AriEventMap['ChannelStateChange']): void {
    const t = this.tracker.get(e.channel.id);
    if (!t) return;
    const state = channelState(e.channel.state);
    if (t.lastState === state) return;
    t.lastState = state;
    this.emit({ type: 'channel.state', channelId: t.id, state });
  }

  private onChannelDestroyed(e: AriEventMap['ChannelDestroyed']): void {
    this.pending.remove(e.channel.id);
    this.tracker.onDestroyed(e.channel.id, Number(e.cause) || 0);
  }

  private onBridgeMembership(e: AriEventMap['ChannelEnteredBridge'], entered: boolean): void {
    const t = this.tracker.get(e.channel.id);
    if (t) t.bridgeId = entered ? e.bridge.id : t.bridgeId === e.bridge.id ? undefined : t.bridgeId;
    this.emit(entered ? ariEvents.bridgeEntered(e) : ariEvents.bridgeLeft(e));
  }

  /**
   * `bridge.destroyed` once per bridge of ours: on `BridgeDestroyed` or on our successful
   * DELETE, whichever comes first (Asterisk sends no BridgeDestroyed for a bridge that was
   * already empty, recorded: ring-all-first-answer-wins).
   */
  private bridgeGone(bridgeId: string): void {
    if (this.bridges.delete(bridgeId)) this.emit({ type: 'bridge.destroyed', bridgeId });
  }

  /**
   * ARI EndpointStateChange and AMI ContactStatus report the same registration: emit when the
   * state changes only; the contact URI (AMI) is kept for {@link endpoint} and added when known.
   */
  private onEndpointState(body: Omit<EndpointStateEvent, 'nodeId' | 'at'>): void {
    if (body.contact) this.contacts.set(body.endpoint, body.contact);
    else if (body.state === 'offline') this.contacts.delete(body.endpoint);
    if (this.endpointStates.get(body.endpoint) === body.state) return;
    this.endpointStates.set(body.endpoint, body.state);
    const contact = this.contacts.get(body.endpoint);
    this.emit(contact && body.state === 'online' ? { ...body, contact } : body);
  }

  /** Registrations may have changed while a link was down: report the current states (changes only). */
  private async refreshEndpoints(): Promise<void> {
    const tech = this.conn.endpointTechnology ?? 'PJSIP';
    try {
      const list = await this.ari.request<AriEndpoint[]>('GET', `/endpoints/${encodeURIComponent(tech)}`);
      for (const ep of list ?? []) if (ep?.resource) this.onEndpointState({ type: 'endpoint.state', endpoint: ep.resource, state: ariEvents.endpointState(ep.state) });
    } catch (err) {
      this.log.debug({ err: errorMessage(err) }, 'endpoint list not read at resync');
    }
  }

  private onAmiFrame = (frame: AmiFrame): void => {
    const event = header(frame, 'event');
    try {
      switch (event) {
        case 'Hangup': {
          const { channelId, cause } = amiHangup(frame);
          return this.tracker.onAmiHangup(channelId, cause);
        }
        case 'ContactStatus': {
          const change = contactStatusChange(frame);
          const { state, contact } = this.pjsipContacts.apply({ ...change, removed: header(frame, 'contactstatus') === 'Removed' });
          return this.onEndpointState({ type: 'endpoint.state', endpoint: change.endpoint, state, ...(contact ? { contact } : {}) });
        }
        case 'RTCPSent':
        case 'RTCPReceived': {
          const report = rtcpReport(frame, event);
          if (report && this.tracker.get(report.channelId)) this.emit(report);
          return;
        }
        case 'FullyBooted':
          // After an Asterisk restart this arrives on the new AMI session: resync (coalesced).
          return this.resync.request();
      }
    } catch (err) {
      this.log.warn({ event, err: errorMessage(err) }, 'malformed AMI event skipped');
    }
  };

  private async openAmi(lost: (reason: string) => void): Promise<void> {
    this.ami?.close();
    const { amiHost: host, amiPort: port, amiUsername: username, amiSecret: secret } = this.conn;
    const ami = new AmiConnection({ host, port, username, secret, timeoutMs: this.options.requestTimeoutMs, events: AMI_EVENTS }, this.onAmiFrame, this.log);
    this.ami = ami;
    await ami.open(lost);
    if (this.stopped) ami.close(); // stop() ran while this attempt was in flight

  }

  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.log.info({ ari: this.conn.ariUrl, ami: `${this.conn.amiHost}:${this.conn.amiPort}`, app: this.conn.app }, 'Asterisk driver starting');
    await Promise.all([this.ariLink.start(), this.amiLink.start()]);
    this.started = true;
    if (this.ariLink.state === 'up') await this.resync.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.started = false;
    this.ariLink.stop();
    this.amiLink.stop();
    this.ari.close();
    this.ami?.close();
    this.tracker.clear();
    this.pending.clear();
    this.log.info('Asterisk driver stopped');
  }

  health(): PbxHealth {
    const links = { ari: this.ariLink.state, ami: this.amiLink.state };
    const lastError = this.ariLink.state !== 'up' ? this.ariLink.lastError : this.amiLink.state !== 'up' ? this.amiLink.lastError : undefined;
    return { nodeId: this.nodeId, type: 'asterisk', status: this.status, links, lastError, since: this.since };
  }

  private updateStatus(): void {
    const a = this.ariLink.state;
    const m = this.amiLink.state;
    const status = this.stopped || a === 'auth-failed' || m === 'auth-failed' || (a === 'down' && m === 'down') ? 'down' : a === 'up' && m === 'up' ? 'up' : 'connecting';
    if (status === this.status) return;
    this.status = status;
    this.since = new Date();
  }

  async snapshot(): Promise<PbxSnapshot> {
    try {
      return await this.snapshots.read();
    } catch (err) {
      throw new PbxUnavailableError(this.nodeId, errorMessage(err));
    }
  }

  protected onListenerError(err: unknown, event: PbxEvent): void {
    this.log.error({ err: errorMessage(err), event: event.type }, 'PbxEvent listener threw');
  }

  // The port's commands (ARI requests, errors translated): see AsteriskCommands.
  answer(channelId: string): Promise<void> { return this.commands.answer(channelId); }
  hangup(channelId: string, cause?: number): Promise<void> { return this.commands.hangup(channelId, cause); }
  ring(channelId: string): Promise<void> { return this.commands.ring(channelId); }
  play(channelId: string, prompts: string[], options?: PlayOptions): Promise<string> { return this.commands.play(channelId, prompts, options); }
  stopPlayback(playbackId: string): Promise<void> { return this.commands.stopPlayback(playbackId); }
  sendDtmf(channelId: string, digits: string): Promise<void> { return this.commands.sendDtmf(channelId, digits); }
  originate(request: OriginateRequest): Promise<ChannelSnapshot> { return this.commands.originate(request); }
  createBridge(type: BridgeType, bridgeId?: string): Promise<string> { return this.commands.createBridge(type, bridgeId); }
  destroyBridge(bridgeId: string): Promise<void> { return this.commands.destroyBridge(bridgeId); }
  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> { return this.commands.addToBridge(bridgeId, channelIds); }
  removeFromBridge(bridgeId: string, channelId: string): Promise<void> { return this.commands.removeFromBridge(bridgeId, channelId); }
  startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> { return this.commands.startBridgeMoh(bridgeId, mohClass); }
  stopBridgeMoh(bridgeId: string): Promise<void> { return this.commands.stopBridgeMoh(bridgeId); }
  hold(channelId: string): Promise<void> { return this.commands.hold(channelId); }
  unhold(channelId: string): Promise<void> { return this.commands.unhold(channelId); }
  mute(channelId: string, direction?: 'in' | 'out' | 'both'): Promise<void> { return this.commands.mute(channelId, direction); }
  unmute(channelId: string, direction?: 'in' | 'out' | 'both'): Promise<void> { return this.commands.unmute(channelId, direction); }
  record(target: { channelId: string } | { bridgeId: string }, options: RecordOptions): Promise<void> { return this.commands.record(target, options); }
  stopRecording(name: string): Promise<void> { return this.commands.stopRecording(name); }
  promptsExist(prompts: string[], options?: { language?: string }): Promise<Map<string, boolean>> { return this.commands.promptsExist(prompts, options); }
  snoop(channelId: string, options: SnoopOptions): Promise<ChannelSnapshot> { return this.commands.snoop(channelId, options); }
  rtpStatistics(channelId: string): Promise<RtpStatistics> { return this.commands.rtpStatistics(channelId); }
  redirect(channelId: string, target: { extension: string; context?: string }): Promise<void> { return this.commands.redirect(channelId, target); }
  setVariable(channelId: string, name: string, value: string): Promise<void> { return this.commands.setVariable(channelId, name, value); }
  getVariable(channelId: string, name: string): Promise<string | undefined> { return this.commands.getVariable(channelId, name); }
  endpoint(resource: string): Promise<EndpointSnapshot> { return this.commands.endpoint(resource); }
}
