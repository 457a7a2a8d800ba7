import { randomUUID } from 'node:crypto';
import { createLogger, errorMessage, retryForever } from '@callplane/core';
import type { Logger } from '@callplane/core';
import {
  BridgeNotFoundError,
  ChannelNotFoundError,
  freeswitchCauseName,
  InvalidPromptError,
  PbxDriver,
  PbxUnavailableError,
  PlaybackNotFoundError,
  RecordingNotFoundError,
} from '@callplane/pbx';
import type {
  BridgeType,
  ChannelSnapshot,
  EndpointSnapshot,
  FreeswitchConnectionConfig,
  OriginateRequest,
  PbxDriverOptions,
  PbxEvent,
  PbxEventBody,
  PbxHealth,
  PbxNodeConfig,
  PbxSnapshot,
  PlayOptions,
  RecordOptions,
  RtpStatistics,
  SnoopOptions,
} from '@callplane/pbx';
import { EslConnection } from './esl/esl.connection';
import { EslAuthError } from './esl/esl.errors';
import type { EslEvent } from './esl/esl-event';
import { header } from './esl/esl-event';
import { channelFromEvent, channelFromShowRow, channelStateFromCallState, parseShowRows } from './esl/esl-channel.mapper';
import type { ShowChannelRow } from './esl/esl-channel.mapper';
import { endpointResource, originateCommand, originateError, subscribeCommand, toPbxError } from './esl/esl-commands';
import { promptToApp } from './esl/esl-prompt.mapper';
import { FreeswitchEventRouter } from './freeswitch-event.router';
import { beforeControl, deriveBridges, parked } from './freeswitch-resync';
import { DEFAULT_FREESWITCH_SETTINGS } from './freeswitch.types';
import type { FreeswitchContext, FreeswitchDriverSettings, TrackedChannel } from './freeswitch.types';
import { EslOutboundServer } from './outbound/esl-outbound.server';
import type { OutboundSession } from './outbound/esl-outbound.server';
import { PlaybackTracker } from './playback.tracker';
import { rtpStatisticsFrom } from './rtp-statistics.mapper';
import { BRIDGE_ID_VAR, VirtualBridges } from './virtual-bridges';
import type { SnoopSpec } from './virtual-bridges';

type LinkState = PbxHealth['links'][string];

/**
 * {@link PbxDriver} for one FreeSWITCH node over the event socket (mod_event_socket).
 *
 * Links: one inbound ESL connection (events + every `api`/`bgapi`/`sendmsg`), reconnected with
 * capped exponential backoff and jitter (one attempt at a time); optionally an outbound-ESL
 * listener whose sessions carry the commands and events of the channel they control.
 * Inbound calls reach callplane when the dialplan parks them (first CHANNEL_PARK → `channel.offered`)
 * or connects them with `socket <host>:<port> async full`.
 */
export class FreeswitchDriver extends PbxDriver implements FreeswitchContext {
  readonly type = 'freeswitch' as const;
  readonly nodeId: string;
  readonly log: Logger;
  readonly channels = new Map<string, TrackedChannel>();

  private readonly cfg: FreeswitchConnectionConfig;
  private readonly settings: Required<Omit<FreeswitchDriverSettings, 'outboundAllowFrom'>> & Pick<FreeswitchDriverSettings, 'outboundAllowFrom'>;
  private readonly playbacks: PlaybackTracker;
  private readonly snoops = new Map<string, SnoopSpec>();
  private readonly bridges: VirtualBridges;
  private readonly router: FreeswitchEventRouter;
  private readonly outbound?: EslOutboundServer;
  private conn?: EslConnection;
  private running = false;
  private connecting = false;
  private everConnected = false;
  private link: LinkState = 'down';
  private lastError?: string;
  private since = new Date();
  private firstAttemptDone?: () => void;

  constructor(node: PbxNodeConfig, private readonly options: PbxDriverOptions, settings: FreeswitchDriverSettings = {}) {
    super();
    if (node.connection.type !== 'freeswitch') throw new Error(`FreeswitchDriver needs a freeswitch node, got ${node.connection.type}`);
    this.nodeId = node.id;
    this.cfg = node.connection;
    this.settings = { ...DEFAULT_FREESWITCH_SETTINGS, ...settings };
    this.log = createLogger('pbx-freeswitch', { node: node.name, nodeId: node.id });
    this.playbacks = new PlaybackTracker((b) => this.emit(b));
    this.bridges = new VirtualBridges(this, this.snoops, this.settings.conferenceProfile);
    this.router = new FreeswitchEventRouter(this, this.playbacks, this.bridges, this.snoops);
    if (this.cfg.outboundPort !== undefined && this.cfg.outboundPort > 0) {
      this.outbound = new EslOutboundServer(
        {
          host: this.settings.outboundHost,
          port: this.cfg.outboundPort,
          allowFrom: this.settings.outboundAllowFrom ?? [this.cfg.eslHost],
          requestTimeoutMs: options.requestTimeoutMs,
          log: this.log,
        },
        (s) => this.onOutboundSession(s),
      );
    }
  }

  override emit(body: PbxEventBody): void {
    super.emit(body);
  }

  protected onListenerError(err: unknown, event: PbxEvent): void {
    this.log.error({ err, event: event.type }, 'PBX event listener threw');
  }

  // ------------------------------------------------------------------ lifecycle

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    if (this.outbound) await this.outbound.listen();
    await new Promise<void>((resolve) => {
      this.firstAttemptDone = resolve;
      this.connectLoop();
    });
  }

  async stop(): Promise<void> {
    this.running = false;
    this.firstAttemptDone?.();
    const conn = this.conn;
    this.conn = undefined;
    conn?.close();
    for (const ch of this.channels.values()) ch.session?.close();
    await this.outbound?.close();
    this.setLink('down');
  }

  health(): PbxHealth {
    const links: PbxHealth['links'] = { esl: this.link };
    if (this.outbound) links.eslOutbound = this.outbound.listening ? 'up' : 'down';
    const allUp = this.link === 'up' && (!this.outbound || this.outbound.listening);
    const status = allUp ? 'up' : this.link === 'connecting' ? 'connecting' : 'down';
    return { nodeId: this.nodeId, type: this.type, status, links, lastError: this.lastError, since: this.since };
  }

  /** Port of the outbound-ESL listener (0 when off). */
  get outboundPort(): number {
    return this.outbound?.port ?? 0;
  }

  /** One reconnect loop at a time; a drop restarts it. */
  private connectLoop(): void {
    if (this.connecting || !this.running) return;
    this.connecting = true;
    this.setLink('connecting');
    retryForever(() => this.connectOnce(), {
      policy: { initialMs: this.options.reconnectMinMs, maxMs: this.options.reconnectMaxMs, factor: 2 },
      shouldContinue: () => this.running,
      onFailure: (err, attempt) => this.onConnectFailure(err, attempt),
    })
      .catch((err) => this.log.debug({ err: errorMessage(err) }, 'ESL reconnect loop ended (driver stopped)'))
      .finally(() => {
        this.connecting = false;
        this.firstAttemptDone?.();
        this.firstAttemptDone = undefined;
      });
  }

  private onConnectFailure(err: unknown, attempt: number): void {
    this.lastError = errorMessage(err);
    if (err instanceof EslAuthError) {
      this.setLink('auth-failed');
      this.log.error({ attempt, err: this.lastError }, `ESL authentication failed on node ${this.nodeId}; retrying with backoff`);
    } else {
      this.setLink('connecting');
      this.log.warn({ attempt, err: this.lastError }, `ESL connect to node ${this.nodeId} failed; retrying with backoff`);
    }
    this.firstAttemptDone?.();
    this.firstAttemptDone = undefined;
  }

  private async connectOnce(): Promise<void> {
    if (!this.running) throw new Error('driver stopped');
    const conn = await EslConnection.connect(this.cfg.eslHost, this.cfg.eslPort, this.cfg.eslPassword, {
      log: this.log,
      requestTimeoutMs: this.options.requestTimeoutMs,
    });
    if (!this.running) {
      conn.close();
      throw new Error('driver stopped');
    }
    // Events that arrive while we resync are held and replayed after driver.connected.
    const held: EslEvent[] = [];
    const stopHolding = conn.onEvent((e) => held.push(e));
    try {
      await conn.command(subscribeCommand());
      const reconnect = this.everConnected;
      const { snapshot, toOffer } = await this.resync(conn, reconnect, held);
      stopHolding();
      conn.onEvent((e) => this.router.handle(e, conn));
      conn.onClose((reason) => this.onInboundClosed(conn, reason));
      if (conn.closed) throw new Error('ESL connection closed during resync');
      this.conn = conn;
      this.everConnected = true;
      this.lastError = undefined;
      this.setLink('up');
      this.log.info({ reconnect, channels: snapshot.channels.length }, `ESL connected to node ${this.nodeId}`);
      this.emit({ type: 'driver.connected', snapshot, reconnect });
      for (const ch of toOffer) this.router.offer(ch);
      for (const e of held) this.router.handle(e, conn);
    } catch (err) {
      conn.close();
      throw err;
    }
  }

  private onInboundClosed(conn: EslConnection, reason: string): void {
    if (conn !== this.conn) return;
    this.conn = undefined;
    this.log.warn({ reason }, `ESL connection to node ${this.nodeId} lost; reconnecting`);
    this.emit({ type: 'driver.disconnected', reason });
    if (this.running) this.connectLoop();
    else this.setLink('down');
  }

  private setLink(state: LinkState): void {
    if (this.link === state) return;
    this.link = state;
    this.since = new Date();
  }

  // ------------------------------------------------------------------ resync

  private async readLive(conn: EslConnection): Promise<{ rows: ShowChannelRow[]; calls: ShowChannelRow[] }> {
    const [channelsBody, callsBody] = await Promise.all([conn.api('show channels as json'), conn.api('show calls as json')]);
    return { rows: parseShowRows(channelsBody), calls: parseShowRows(callsBody) };
  }

  /**
   * Adopts what is live, forgets what ended while we were away, and finds inbound legs parked
   * during the gap (offered after driver.connected). A leg whose CHANNEL_PARK is among `held`
   * events is left to that event.
   */
  private async resync(conn: EslConnection, reconnect: boolean, held: EslEvent[]): Promise<{ snapshot: PbxSnapshot; toOffer: TrackedChannel[] }> {
    const { rows, calls } = await this.readLive(conn);
    const parkedNow = new Set(held.filter((e) => e.name === 'CHANNEL_PARK').map((e) => header(e, 'Unique-ID')));
    const alive = new Set(rows.map((r) => r.uuid));
    for (const [id, ch] of this.channels) {
      if (alive.has(id) || (ch.session && !ch.session.closed) || this.snoops.has(id)) continue;
      this.channels.delete(id);
      this.playbacks.onChannelGone(id);
    }
    const toOffer: TrackedChannel[] = [];
    for (const row of rows) {
      const known = this.channels.get(row.uuid);
      if (known) {
        known.snapshot.state = channelStateFromCallState(row.callstate);
        continue;
      }
      if (beforeControl(row) || parkedNow.has(row.uuid)) continue;
      const tracked: TrackedChannel = { snapshot: channelFromShowRow(row), offered: true, originated: row.direction === 'outbound', hungUp: false };
      if (reconnect && parked(row)) toOffer.push(tracked);
      else this.channels.set(row.uuid, tracked);
    }
    const snapshot = await this.composeSnapshot(conn, rows, calls);
    return { snapshot, toOffer };
  }

  private async composeSnapshot(conn: EslConnection, rows: ShowChannelRow[], calls: ShowChannelRow[]): Promise<PbxSnapshot> {
    const alive = new Set(rows.map((r) => r.uuid));
    const virtual = this.bridges.snapshot(alive);
    const covered = new Set(virtual.flatMap((b) => b.channelIds));
    const pairIds = new Map<string, string>();
    await Promise.all(
      calls
        .filter((c) => c.b_uuid && !covered.has(c.uuid))
        .map(async (c) => {
          const id = await conn.api(`uuid_getvar ${c.uuid} ${BRIDGE_ID_VAR}`).catch(() => '_undef_');
          if (id && id !== '_undef_') pairIds.set(c.uuid, id.trim());
        }),
    );
    const derived = deriveBridges(rows, calls, pairIds, covered);
    for (const b of derived) this.bridges.adopt(b);
    const bridgeOf = new Map<string, string>();
    for (const b of [...virtual, ...derived]) for (const id of b.channelIds) bridgeOf.set(id, b.id);
    const channels = rows
      .filter((r) => this.channels.has(r.uuid))
      .map((r) => ({ ...this.channels.get(r.uuid)!.snapshot, ...(bridgeOf.has(r.uuid) ? { bridgeId: bridgeOf.get(r.uuid) } : {}) }));
    return { channels, bridges: [...virtual, ...derived] };
  }

  async snapshot(): Promise<PbxSnapshot> {
    const conn = this.requireConn();
    try {
      const { rows, calls } = await this.readLive(conn);
      return await this.composeSnapshot(conn, rows, calls);
    } catch (err) {
      throw toPbxError(err, { nodeId: this.nodeId, command: 'show channels' });
    }
  }

  // ------------------------------------------------------------------ outbound socket sessions

  private onOutboundSession(s: OutboundSession): void {
    const snapshot = channelFromEvent(s.channelData);
    if (!snapshot.id || this.channels.has(snapshot.id)) {
      this.log.warn({ uuid: snapshot.id }, 'outbound ESL session for an unknown or already controlled channel closed');
      s.connection.close();
      return;
    }
    s.connection.onEvent((e) => this.router.handle(e, s.connection));
    s.connection.onClose(() => this.log.debug({ uuid: snapshot.id }, 'outbound ESL session closed'));
    this.router.offer({ snapshot, offered: true, originated: false, hungUp: false, session: s.connection });
  }

  // ------------------------------------------------------------------ command plumbing

  private requireConn(): EslConnection {
    if (!this.conn || this.conn.closed) throw new PbxUnavailableError(this.nodeId, 'ESL not connected');
    return this.conn;
  }

  /** Outbound-socket channels are commanded over their own session; everything else over the inbound link. */
  private connFor(channelId?: string): EslConnection {
    const session = channelId ? this.channels.get(channelId)?.session : undefined;
    if (session && !session.closed) return session;
    return this.requireConn();
  }

  async api(cmd: string, channelId?: string): Promise<string> {
    try {
      return await this.connFor(channelId).api(cmd);
    } catch (err) {
      throw toPbxError(err, { nodeId: this.nodeId, command: cmd.split(' ')[0], channelId });
    }
  }

  async execute(channelId: string, app: string, arg: string, eventUuid: string = randomUUID()): Promise<void> {
    const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': app };
    if (arg) headers['execute-app-arg'] = arg;
    headers['Event-UUID'] = eventUuid;
    try {
      await this.connFor(channelId).sendmsg(channelId, headers);
    } catch (err) {
      throw toPbxError(err, { nodeId: this.nodeId, command: `sendmsg execute ${app}`, channelId });
    }
  }

  /** uuid_hold answers `+OK` even for a gone uuid (originate-unregistered.jsonl): check first. */
  private async requireChannel(channelId: string): Promise<void> {
    const ch = this.channels.get(channelId);
    if (ch && !ch.hungUp) return;
    if ((await this.api(`uuid_exists ${channelId}`, channelId)).trim() !== 'true') throw new ChannelNotFoundError(channelId);
  }

  // ------------------------------------------------------------------ channel commands

  async answer(channelId: string): Promise<void> {
    await this.api(`uuid_answer ${channelId}`, channelId);
    this.router.answered(channelId);
  }

  async hangup(channelId: string, cause = 16): Promise<void> {
    if (this.snoops.has(channelId)) return this.hangupSnoop(channelId, cause);
    await this.api(`uuid_kill ${channelId} ${freeswitchCauseName(cause)}`, channelId);
  }

  async ring(channelId: string): Promise<void> {
    await this.execute(channelId, 'ring_ready', '');
  }

  async play(channelId: string, prompts: string[], options: PlayOptions = {}): Promise<string> {
    if (prompts.length === 0) throw new InvalidPromptError('(no prompts)');
    const apps = prompts.map((p) => promptToApp(p, this.settings, options.language));
    const playbackId = options.playbackId ?? randomUUID();
    const parts = apps.map((_, i) => (i === 0 ? playbackId : randomUUID()));
    this.playbacks.begin(playbackId, channelId, parts);
    try {
      await Promise.all(apps.map((a, i) => this.execute(channelId, a.app, a.arg, parts[i])));
    } catch (err) {
      this.playbacks.abort(playbackId);
      throw err;
    }
    return playbackId;
  }

  async stopPlayback(playbackId: string): Promise<void> {
    const run = this.playbacks.get(playbackId);
    if (!run) {
      if (this.playbacks.wasFinished(playbackId)) return;
      throw new PlaybackNotFoundError(playbackId);
    }
    this.playbacks.markStopped(playbackId);
    try {
      await this.api(`uuid_break ${run.channelId} all`, run.channelId);
    } catch (err) {
      // The channel hung up meanwhile: the playback is over, which is what the caller wanted.
      if (!(err instanceof ChannelNotFoundError)) throw err;
    }
  }

  async sendDtmf(channelId: string, digits: string): Promise<void> {
    await this.api(`uuid_send_dtmf ${channelId} ${digits}`, channelId);
  }

  async originate(request: OriginateRequest): Promise<ChannelSnapshot> {
    const conn = this.requireConn();
    const id = request.channelId ?? randomUUID();
    const endpoint = endpointResource(request.endpoint);
    const tracked: TrackedChannel = {
      snapshot: {
        id,
        name: '',
        state: 'down',
        direction: 'outbound',
        caller: request.callerId ?? { number: '', name: '' },
        connected: { number: endpoint, name: '' },
        dialed: endpoint,
        endpoint,
        createdAt: new Date(),
      },
      offered: false,
      originated: true,
      hungUp: false,
    };
    this.channels.set(id, tracked);
    const domain = this.cfg.sipDomain ?? this.cfg.eslHost;
    const ctx = { nodeId: this.nodeId, command: 'originate' };
    return new Promise<ChannelSnapshot>((resolve, reject) => {
      let created = false;
      tracked.onCreated = () => {
        created = true;
        resolve({ ...tracked.snapshot });
      };
      conn.bgapi(originateCommand(request, id, domain), request.timeoutS * 1000 + this.options.requestTimeoutMs).then(
        () => {
          if (!created) resolve({ ...tracked.snapshot });
        },
        (err) => {
          if (created) return; // the leg existed: its end comes as channel.hangup with the cause
          if (this.channels.get(id) === tracked) this.channels.delete(id);
          reject(originateError(err, request.endpoint, ctx));
        },
      );
    });
  }

  // ------------------------------------------------------------------ bridges

  async createBridge(type: BridgeType, bridgeId?: string): Promise<string> {
    return this.bridges.create(type, bridgeId);
  }

  destroyBridge(bridgeId: string): Promise<void> {
    return this.bridges.destroy(bridgeId);
  }

  addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    return this.bridges.add(bridgeId, channelIds);
  }

  removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    return this.bridges.remove(bridgeId, channelId);
  }

  startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    return this.bridges.startMoh(bridgeId, mohClass);
  }

  stopBridgeMoh(bridgeId: string): Promise<void> {
    return this.bridges.stopMoh(bridgeId);
  }

  // ------------------------------------------------------------------ hold, mute, record

  async hold(channelId: string): Promise<void> {
    await this.requireChannel(channelId);
    await this.api(`uuid_hold ${channelId}`, channelId);
  }

  async unhold(channelId: string): Promise<void> {
    await this.requireChannel(channelId);
    await this.api(`uuid_hold off ${channelId}`, channelId);
  }

  /** `uuid_audio <uuid> start read|write mute -4` (hold-mute.jsonl); `in` = what the channel sends us. */
  async mute(channelId: string, direction: 'in' | 'out' | 'both' = 'both'): Promise<void> {
    if (direction !== 'out') await this.api(`uuid_audio ${channelId} start read mute -4`, channelId);
    if (direction !== 'in') await this.api(`uuid_audio ${channelId} start write mute -4`, channelId);
  }

  async unmute(channelId: string, _direction: 'in' | 'out' | 'both' = 'both'): Promise<void> {
    // uuid_audio has one media bug per channel: stop clears both directions.
    await this.api(`uuid_audio ${channelId} stop`, channelId);
  }

  async record(target: { channelId: string } | { bridgeId: string }, options: RecordOptions): Promise<void> {
    const path = `${this.settings.recordingsPath.replace(/\/+$/, '')}/${options.name}.${options.format ?? 'wav'}`;
    const limit = options.maxDurationS && options.maxDurationS > 0 ? ` ${options.maxDurationS}` : '';
    if ('bridgeId' in target) {
      const members = (await this.snapshotBridge(target.bridgeId)).filter((m) => !this.snoops.has(m));
      if (members.length > 2) {
        this.router.recordings.set(path, { name: options.name, target: `bridge:${target.bridgeId}`, conference: target.bridgeId, path });
        await this.api(`conference ${target.bridgeId} record ${path}`);
        this.emit({ type: 'recording.started', name: options.name, target: `bridge:${target.bridgeId}` });
        return;
      }
      if (members.length === 0) throw new ChannelNotFoundError(`(bridge ${target.bridgeId} is empty)`);
      return this.recordChannel(members[0], `bridge:${target.bridgeId}`, path, limit, options);
    }
    return this.recordChannel(target.channelId, `channel:${target.channelId}`, path, limit, options);
  }

  private async recordChannel(channelId: string, target: string, path: string, limit: string, options: RecordOptions): Promise<void> {
    if (options.beep) await this.execute(channelId, 'playback', 'tone_stream://%(500,0,1000)');
    this.router.recordings.set(path, { name: options.name, target, channelId, path });
    try {
      await this.api(`uuid_record ${channelId} start ${path}${limit}`, channelId);
    } catch (err) {
      this.router.recordings.delete(path);
      throw err;
    }
  }

  async stopRecording(name: string): Promise<void> {
    const rec = [...this.router.recordings.values()].find((r) => r.name === name);
    if (!rec) throw new RecordingNotFoundError(name);
    if (rec.conference) {
      this.router.recordings.delete(rec.path);
      await this.api(`conference ${rec.conference} norecord ${rec.path}`);
      this.emit({ type: 'recording.finished', name, target: rec.target, status: 'done' });
      return;
    }
    await this.api(`uuid_record ${rec.channelId} stop ${rec.path}`, rec.channelId);
  }

  private async snapshotBridge(bridgeId: string): Promise<string[]> {
    const bridge = this.bridges.snapshot(new Set([...this.channels.keys()])).find((b) => b.id === bridgeId);
    if (!bridge) throw new BridgeNotFoundError(bridgeId);
    return bridge.channelIds;
  }

  // ------------------------------------------------------------------ snoop, stats, redirect, vars

  /**
   * FreeSWITCH has no snoop channels: the returned channel is virtual. Put it in a mixing bridge
   * with the supervisor's channel and that channel runs `eavesdrop <target>`
   * (whisper: `eavesdrop_whisper_aleg` = the target hears, `_bleg` = its partner hears).
   * Eavesdrop always hears both directions, so `spy: in|out` is heard as `both`.
   */
  async snoop(channelId: string, options: SnoopOptions): Promise<ChannelSnapshot> {
    await this.requireChannel(channelId);
    const target = this.channels.get(channelId)?.snapshot;
    const vars: Record<string, string> = {
      eavesdrop_whisper_aleg: String(options.whisper === 'in' || options.whisper === 'both'),
      eavesdrop_whisper_bleg: String(options.whisper === 'out' || options.whisper === 'both'),
    };
    const id = randomUUID();
    this.snoops.set(id, { targetId: channelId, vars });
    return {
      id,
      name: `eavesdrop/${target?.name ?? channelId}`,
      state: 'up',
      direction: 'outbound',
      caller: target?.caller ?? { number: '', name: '' },
      connected: target?.connected ?? { number: '', name: '' },
      dialed: '',
      createdAt: new Date(),
      args: options.args,
    };
  }

  private async hangupSnoop(snoopId: string, cause: number): Promise<void> {
    const listener = this.snoops.get(snoopId)?.listener;
    if (listener) {
      await this.api(`uuid_break ${listener} all`, listener).catch((err) => {
        // The supervisor hung up meanwhile; the snoop ends either way.
        if (!(err instanceof ChannelNotFoundError)) throw err;
      });
    }
    this.router.endSnoop(snoopId, cause);
  }

  async rtpStatistics(channelId: string): Promise<RtpStatistics> {
    const dump = await this.api(`uuid_dump ${channelId} json`, channelId);
    return rtpStatisticsFrom(JSON.parse(dump) as Record<string, string>, this.router.rtcp.get(channelId));
  }

  async redirect(channelId: string, target: { extension: string; context?: string }): Promise<void> {
    const bridgeId = this.bridges.bridgeOf(channelId);
    await this.api(`uuid_transfer ${channelId} ${target.extension} XML ${target.context ?? this.settings.defaultContext}`, channelId);
    if (bridgeId) this.bridges.onChannelGone(channelId);
  }

  async setVariable(channelId: string, name: string, value: string): Promise<void> {
    await this.api(`uuid_setvar ${channelId} ${name} ${value}`, channelId);
  }

  async getVariable(channelId: string, name: string): Promise<string | undefined> {
    const value = await this.api(`uuid_getvar ${channelId} ${name}`, channelId);
    return value === '_undef_' ? undefined : value;
  }

  /** From sofia::register/unregister/expire seen since connect, else `sofia_contact` (`error/user_not_registered` = offline). */
  async endpoint(resource: string): Promise<EndpointSnapshot> {
    const seen = this.router.endpoints.get(resource);
    if (seen) return { ...seen };
    const domain = this.cfg.sipDomain ?? this.cfg.eslHost;
    try {
      const contact = (await this.api(`sofia_contact ${resource}@${domain}`)).trim();
      if (!contact || contact.startsWith('error/')) return { resource, state: 'offline' };
      return { resource, state: 'online', contact };
    } catch (err) {
      if (err instanceof PbxUnavailableError) throw err;
      return { resource, state: 'unknown' };
    }
  }
}
