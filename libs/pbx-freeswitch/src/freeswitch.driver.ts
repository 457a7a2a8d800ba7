import { randomUUID } from 'node:crypto';
import { createLogger, errorMessage } from '@callplane/core';
import type { Logger } from '@callplane/core';
import {
  assertWireSafe,
  assertWireToken,
  BridgeNotFoundError,
  ChannelNotFoundError,
  freeswitchCauseName,
  InvalidPromptError,
  parsePrompt,
  PbxCommandError,
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
import type { EslConnection } from './esl/esl.connection';
import type { EslEvent } from './esl/esl-event';
import { channelFromEvent } from './esl/esl-channel.mapper';
import { endpointResource, eslCommand, originateCommand, originateError, setvarCommand, subscribeCommand, toPbxError } from './esl/esl-commands';
import { promptToApp } from './esl/esl-prompt.mapper';
import { FreeswitchEventRouter } from './freeswitch-event.router';
import { FreeswitchResync } from './freeswitch-resync';
import { DEFAULT_FREESWITCH_SETTINGS } from './freeswitch.types';
import type { FreeswitchContext, FreeswitchDriverSettings, TrackedChannel } from './freeswitch.types';
import { EslOutboundServer } from './outbound/esl-outbound.server';
import type { OutboundSession } from './outbound/esl-outbound.server';
import { InboundEslLink } from './inbound-esl.link';
import { PlaybackTracker } from './playback.tracker';
import { rtpStatisticsFrom } from './rtp-statistics.mapper';
import { VirtualBridges } from './virtual-bridges';
import type { SnoopSpec } from './virtual-bridges';


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
  private readonly link: InboundEslLink;
  private readonly resyncer: FreeswitchResync;

  constructor(node: PbxNodeConfig, private readonly options: PbxDriverOptions, settings: FreeswitchDriverSettings = {}) {
    super();
    if (node.connection.type !== 'freeswitch') throw new PbxUnavailableError(node.id, `FreeswitchDriver needs a freeswitch node, got ${node.connection.type}`);
    this.nodeId = node.id;
    this.cfg = node.connection;
    this.settings = { ...DEFAULT_FREESWITCH_SETTINGS, ...settings };
    this.log = createLogger('pbx-freeswitch', { node: node.name, nodeId: node.id });
    this.playbacks = new PlaybackTracker((b) => this.emit(b));
    this.bridges = new VirtualBridges(this, this.snoops, this.settings.conferenceProfile);
    this.router = new FreeswitchEventRouter(this, this.playbacks, this.bridges, this.snoops);
    this.resyncer = new FreeswitchResync(this.channels, this.playbacks, this.bridges, this.snoops);
    this.link = new InboundEslLink(`${node.name} (${node.id})`, this.cfg, options, this.log, {
      prepare: (conn, reconnect) => this.prepareLink(conn, reconnect),
      lost: (reason) => this.emit({ type: 'driver.disconnected', reason }),
    });
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
    if (this.outbound && !this.outbound.listening) await this.outbound.listen();
    await this.link.start();
  }

  async stop(): Promise<void> {
    this.link.stop();
    for (const ch of this.channels.values()) ch.session?.close();
    await this.outbound?.close();
  }

  health(): PbxHealth {
    const link = this.link.status;
    const links: PbxHealth['links'] = { esl: link.state };
    if (this.outbound) links.eslOutbound = this.outbound.listening ? 'up' : 'down';
    const allUp = link.state === 'up' && (!this.outbound || this.outbound.listening);
    const status = allUp ? 'up' : link.state === 'connecting' ? 'connecting' : 'down';
    return { nodeId: this.nodeId, type: this.type, status, links, lastError: link.lastError, since: link.since };
  }

  /** Port of the outbound-ESL listener (0 when off). */
  get outboundPort(): number {
    return this.outbound?.port ?? 0;
  }

  /**
   * A fresh inbound connection: subscribe (explicit list, CUSTOM last), resync, and go live by
   * emitting driver.connected, offering calls parked during the gap, then replaying the events
   * that arrived meanwhile.
   */
  private async prepareLink(conn: EslConnection, reconnect: boolean): Promise<() => void> {
    const held: EslEvent[] = [];
    const stopHolding = conn.onEvent((e) => held.push(e));
    await conn.command(subscribeCommand());
    const { snapshot, toOffer } = await this.resyncer.resync(conn, reconnect, held);
    return () => {
      stopHolding();
      conn.setEventFilter((name, body) => this.router.wants(name, body));
      conn.onEvent((e) => this.router.handle(e, conn));
      this.emit({ type: 'driver.connected', snapshot, reconnect });
      for (const ch of toOffer) this.router.offer(ch);
      for (const e of held) this.router.handle(e, conn);
    };
  }

  // ------------------------------------------------------------------ resync

  async snapshot(): Promise<PbxSnapshot> {
    const conn = this.requireConn();
    try {
      const { rows, calls } = await this.resyncer.readLive(conn);
      return await this.resyncer.composeSnapshot(conn, rows, calls);
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
    s.connection.setEventFilter((name, body) => this.router.wants(name, body));
    s.connection.onEvent((e) => this.router.handle(e, s.connection));
    s.connection.onClose(() => this.log.debug({ uuid: snapshot.id }, 'outbound ESL session closed'));
    this.router.offer({ snapshot, offered: true, originated: false, hungUp: false, session: s.connection });
  }

  // ------------------------------------------------------------------ command plumbing

  private requireConn(): EslConnection {
    const conn = this.link.connection;
    if (!conn) throw new PbxUnavailableError(this.nodeId, 'ESL not connected');
    return conn;
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

  /** `sendmsg <uuid>` execute; `arg` may hold spaces but no control character. @throws PbxInvalidArgumentError */
  async execute(channelId: string, app: string, arg: string, eventUuid: string = randomUUID()): Promise<void> {
    assertWireToken('channelId', channelId);
    const headers: Record<string, string> = { 'call-command': 'execute', 'execute-app-name': assertWireToken('app', app) };
    if (arg) headers['execute-app-arg'] = assertWireSafe('arg', arg);
    headers['Event-UUID'] = assertWireToken('eventUuid', eventUuid);
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
    if ((await this.api(eslCommand('uuid_exists', { channelId }), channelId)).trim() !== 'true') throw new ChannelNotFoundError(channelId);
  }

  // ------------------------------------------------------------------ channel commands

  async answer(channelId: string): Promise<void> {
    await this.api(eslCommand('uuid_answer', { channelId }), channelId);
    this.router.answered(channelId);
  }

  async hangup(channelId: string, cause = 16): Promise<void> {
    assertWireToken('channelId', channelId);
    if (this.snoops.has(channelId)) return this.hangupSnoop(channelId, cause);
    await this.api(eslCommand('uuid_kill', { channelId }, freeswitchCauseName(cause)), channelId);
  }

  async ring(channelId: string): Promise<void> {
    await this.execute(channelId, 'ring_ready', '');
  }

  async play(channelId: string, prompts: string[], options: PlayOptions = {}): Promise<string> {
    assertWireToken('channelId', channelId);
    if (prompts.length === 0) throw new InvalidPromptError('(no prompts)');
    for (const p of prompts) assertWireSafe('prompts', p);
    if (options.playbackId !== undefined) assertWireToken('playbackId', options.playbackId);
    if (options.language !== undefined) assertWireToken('language', options.language);
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

  /**
   * `sound:` / `recording:` prompts: `api file_exists <path>` (mod_commands, answers `true`/`false`)
   * on the file {@link promptToApp} would play. A relative path is what FreeSWITCH resolves
   * against `sound_prefix` on playback, so it is checked there (`global_getvar sound_prefix`).
   */
  async promptsExist(prompts: string[], options: { language?: string } = {}): Promise<Map<string, boolean>> {
    const result = new Map<string, boolean>();
    let prefix: string | undefined;
    for (const p of prompts) {
      const kind = parsePrompt(p)?.kind;
      if (kind !== 'sound' && kind !== 'recording') continue;
      let path = promptToApp(p, this.settings, options.language).arg;
      if (!path.startsWith('/')) {
        prefix ??= (await this.api('global_getvar sound_prefix')).trim();
        if (prefix) path = `${prefix.replace(/\/+$/, '')}/${path}`;
      }
      result.set(p, (await this.api(`file_exists ${assertWireSafe('path', path)}`)).trim() === 'true');
    }
    return result;
  }

  async stopPlayback(playbackId: string): Promise<void> {
    assertWireToken('playbackId', playbackId);
    const run = this.playbacks.get(playbackId);
    if (!run) {
      if (this.playbacks.wasFinished(playbackId)) return;
      throw new PlaybackNotFoundError(playbackId);
    }
    this.playbacks.markStopped(playbackId);
    try {
      await this.api(eslCommand('uuid_break', { channelId: run.channelId }, 'all'), run.channelId);
    } catch (err) {
      // The channel hung up meanwhile: the playback is over, which is what the caller wanted.
      if (!(err instanceof ChannelNotFoundError)) throw err;
    }
  }

  async sendDtmf(channelId: string, digits: string): Promise<void> {
    await this.api(eslCommand('uuid_send_dtmf', { channelId }, { digits }), channelId);
  }

  async originate(request: OriginateRequest): Promise<ChannelSnapshot> {
    const id = request.channelId ?? randomUUID();
    const domain = this.cfg.sipDomain ?? this.cfg.eslHost;
    const command = originateCommand(request, id, domain); // checks every value first: nothing is tracked or sent for a bad one
    const conn = this.requireConn();
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
    const ctx = { nodeId: this.nodeId, command: 'originate' };
    return new Promise<ChannelSnapshot>((resolve, reject) => {
      let created = false;
      tracked.onCreated = () => {
        created = true;
        resolve({ ...tracked.snapshot });
      };
      conn.bgapi(command, request.timeoutS * 1000 + this.options.requestTimeoutMs).then(
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

  // Bridge ids become conference names and channel variables, channel ids ESL arguments: tokens.

  async createBridge(type: BridgeType, bridgeId?: string): Promise<string> {
    if (bridgeId !== undefined) assertWireToken('bridgeId', bridgeId);
    return this.bridges.create(type, bridgeId);
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    return this.bridges.destroy(assertWireToken('bridgeId', bridgeId));
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    for (const channelId of channelIds) assertWireToken('channelIds', channelId);
    return this.bridges.add(assertWireToken('bridgeId', bridgeId), channelIds);
  }

  async removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    assertWireToken('channelId', channelId);
    return this.bridges.remove(assertWireToken('bridgeId', bridgeId), channelId);
  }

  async startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    if (mohClass !== undefined) assertWireToken('mohClass', mohClass);
    return this.bridges.startMoh(assertWireToken('bridgeId', bridgeId), mohClass);
  }

  async stopBridgeMoh(bridgeId: string): Promise<void> {
    return this.bridges.stopMoh(assertWireToken('bridgeId', bridgeId));
  }

  // ------------------------------------------------------------------ hold, mute, record

  async hold(channelId: string): Promise<void> {
    await this.requireChannel(channelId);
    await this.api(eslCommand('uuid_hold', { channelId }), channelId);
  }

  async unhold(channelId: string): Promise<void> {
    await this.requireChannel(channelId);
    await this.api(eslCommand('uuid_hold', 'off', { channelId }), channelId);
  }

  /** `uuid_audio <uuid> start read|write mute -4` (hold-mute.jsonl); `in` = what the channel sends us. */
  async mute(channelId: string, direction: 'in' | 'out' | 'both' = 'both'): Promise<void> {
    assertWireToken('channelId', channelId);
    if (direction !== 'out') await this.api(eslCommand('uuid_audio', { channelId }, 'start read mute -4'), channelId);
    if (direction !== 'in') await this.api(eslCommand('uuid_audio', { channelId }, 'start write mute -4'), channelId);
  }

  async unmute(channelId: string, _direction: 'in' | 'out' | 'both' = 'both'): Promise<void> {
    // uuid_audio has one media bug per channel: stop clears both directions.
    await this.api(eslCommand('uuid_audio', { channelId }, 'stop'), channelId);
  }

  async record(target: { channelId: string } | { bridgeId: string }, options: RecordOptions): Promise<void> {
    assertWireToken('name', options.name);
    if ('bridgeId' in target) assertWireToken('bridgeId', target.bridgeId);
    else assertWireToken('channelId', target.channelId);
    const path = assertWireToken('path', `${this.settings.recordingsPath.replace(/\/+$/, '')}/${options.name}.${assertWireToken('format', options.format ?? 'wav')}`);
    const limit = options.maxDurationS && options.maxDurationS > 0 ? ` ${options.maxDurationS}` : '';
    if ('bridgeId' in target) {
      const members = (await this.snapshotBridge(target.bridgeId)).filter((m) => !this.snoops.has(m));
      if (members.length > 2) {
        this.router.recordings.set(path, { name: options.name, target: `bridge:${target.bridgeId}`, conference: target.bridgeId, path });
        await this.api(eslCommand('conference', { bridgeId: target.bridgeId }, 'record', { path }));
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
      await this.api(`${eslCommand('uuid_record', { channelId }, 'start', { path })}${limit}`, channelId);
    } catch (err) {
      this.router.recordings.delete(path);
      throw err;
    }
  }

  async stopRecording(name: string): Promise<void> {
    assertWireToken('name', name);
    const rec = [...this.router.recordings.values()].find((r) => r.name === name);
    if (!rec) throw new RecordingNotFoundError(name);
    if (rec.conference) {
      this.router.recordings.delete(rec.path);
      await this.api(eslCommand('conference', { bridgeId: rec.conference }, 'norecord', { path: rec.path }));
      this.emit({ type: 'recording.finished', name, target: rec.target, status: 'done' });
      return;
    }
    await this.api(eslCommand('uuid_record', { channelId: rec.channelId ?? '' }, 'stop', { path: rec.path }), rec.channelId);
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
   * Directions are ARI's, seen from the snooped channel (Asterisk res/stasis/stasis_app_snoop.c:
   * `out` = audio written to the channel, what its phone plays, `in` = audio read from it): whisper
   * `out` is heard by the target only (coaching), `in` by its partner only, `both` by both (barge).
   * Eavesdrop always hears both directions, so `spy: in|out` is heard as `both`.
   */
  async snoop(channelId: string, options: SnoopOptions): Promise<ChannelSnapshot> {
    // The args never reach FreeSWITCH here, but a snoop fails the same way on every PBX.
    for (const arg of options.args ?? []) assertWireSafe('args', arg);
    await this.requireChannel(assertWireToken('channelId', channelId));
    const target = this.channels.get(channelId)?.snapshot;
    const vars: Record<string, string> = {
      eavesdrop_whisper_aleg: String(options.whisper === 'out' || options.whisper === 'both'),
      eavesdrop_whisper_bleg: String(options.whisper === 'in' || options.whisper === 'both'),
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
      await this.api(eslCommand('uuid_break', { channelId: listener }, 'all'), listener).catch((err) => {
        // The supervisor hung up meanwhile; the snoop ends either way.
        if (!(err instanceof ChannelNotFoundError)) throw err;
      });
    }
    this.router.endSnoop(snoopId, cause);
  }

  async rtpStatistics(channelId: string): Promise<RtpStatistics> {
    const dump = await this.api(eslCommand('uuid_dump', { channelId }, 'json'), channelId);
    let data: Record<string, string>;
    try {
      data = JSON.parse(dump) as Record<string, string>;
    } catch (err) {
      throw new PbxCommandError('uuid_dump', `unreadable JSON: ${errorMessage(err)}`);
    }
    return rtpStatisticsFrom(data, this.router.rtcp.get(channelId));
  }

  async redirect(channelId: string, target: { extension: string; context?: string }): Promise<void> {
    const context = target.context ?? this.settings.defaultContext;
    const command = eslCommand('uuid_transfer', { channelId }, { extension: target.extension }, 'XML', { context });
    const bridgeId = this.bridges.bridgeOf(channelId);
    await this.api(command, channelId);
    if (bridgeId) this.bridges.onChannelGone(channelId);
  }

  async setVariable(channelId: string, name: string, value: string): Promise<void> {
    await this.api(setvarCommand(channelId, name, value), channelId);
  }

  async getVariable(channelId: string, name: string): Promise<string | undefined> {
    const value = await this.api(eslCommand('uuid_getvar', { channelId }, { name }), channelId);
    return value === '_undef_' ? undefined : value;
  }

  /** From sofia::register/unregister/expire seen since connect, else `sofia_contact` (`error/user_not_registered` = offline). */
  async endpoint(resource: string): Promise<EndpointSnapshot> {
    assertWireToken('resource', resource);
    const seen = this.router.endpoints.get(resource);
    if (seen) return { ...seen };
    // `*/`: every SIP profile. A bare user@domain searches only the default profile `internal`, so
    // agents on the bundled `callplane` profile read as unregistered after a callplane restart
    // (FreeSWITCH 1.10.12, live suite) and were never offered a call again.
    const command = eslCommand('sofia_contact', { resource: `*/${resource}@${this.cfg.sipDomain ?? this.cfg.eslHost}` });
    try {
      const contact = (await this.api(command)).trim();
      if (!contact || contact.startsWith('error/')) return { resource, state: 'offline' };
      return { resource, state: 'online', contact };
    } catch (err) {
      if (err instanceof PbxUnavailableError) throw err;
      return { resource, state: 'unknown' };
    }
  }
}
