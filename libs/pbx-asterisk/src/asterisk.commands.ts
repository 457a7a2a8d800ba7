import { randomUUID } from 'node:crypto';
import {
  assertOriginateRequest,
  assertWireSafe,
  assertWireToken,
  ChannelNotFoundError,
  OriginateFailedError,
  parsePrompt,
  PlaybackNotFoundError,
  Q850,
  type BridgeType,
  type ChannelSnapshot,
  type EndpointSnapshot,
  type OriginateRequest,
  type PlayOptions,
  type RecordOptions,
  type RtpStatistics,
  type SnoopOptions,
} from '@callplane/pbx';
import type { AriClient } from './ari/ari.client';
import { errorMessage, type Logger } from '@callplane/core';
import { AriHttpError, type Query } from './ari/ari-http.client';
import { translateAriError, type AriErrorContext } from './ari/ari-error.translator';
import { endpointResource, formatCallerId, toChannelSnapshot, toRtpStatistics } from './ari/ari-channel.mapper';
import { endpointState } from './ari/ari-event.mapper';
import { toAriMedia } from './ari/ari-media.mapper';
import type { AriBridge, AriChannel, AriEndpoint, AriPlayback, AriRtpStat } from './ari/ari.types';
import type { ChannelTracker } from './channel.tracker';
import type { PendingChannels } from './pending-channels';

export interface AsteriskCommandsDeps {
  nodeId: string;
  app: string;
  /** Channel technology for bare endpoint resources (`PJSIP`). */
  technology: string;
  timeoutMs: number;
  ari: AriClient;
  tracker: ChannelTracker;
  pending: PendingChannels;
  /** Bridges of ours → when we learnt of them, ms epoch (resync lists them even when empty). */
  bridges: Map<string, number>;
  /** Last registered contact per endpoint (from AMI ContactStatus). */
  contacts: Map<string, string>;
  log: Logger;
  /** Our bridge is gone (emits `bridge.destroyed` once; Asterisk does not always send BridgeDestroyed). */
  bridgeGone: (bridgeId: string) => void;
}

const enc = encodeURIComponent;
/** A token argument (libs/pbx wire-value.guard.ts), returned for use inline. */
const token = assertWireToken;

/**
 * The port's commands as ARI requests (Asterisk ARI channels.json, bridges.json,
 * playbacks.json, recordings.json, endpoints.json), every failure translated to a PbxError.
 *
 * ARI itself carries any value safely (URL-encoded path and query, JSON body), but endpoints,
 * contexts, extensions and variables end up in dial strings and the dialplan: every string
 * argument passes the port's guard first, exactly as on FreeSWITCH, so the same call fails the
 * same way on both PBXes (PbxInvalidArgumentError, nothing sent).
 */
export class AsteriskCommands {
  constructor(private readonly d: AsteriskCommandsDeps) {}

  private async call<T>(ctx: Omit<AriErrorContext, 'nodeId'>, method: string, path: string, query?: Query, body?: Record<string, unknown>): Promise<T> {
    try {
      return await this.d.ari.request<T>(method, path, query, body);
    } catch (err) {
      throw translateAriError(err, { ...ctx, nodeId: this.d.nodeId });
    }
  }

  async answer(channelId: string): Promise<void> {
    return this.call({ command: 'answer', channelId }, 'POST', `/channels/${enc(token('channelId', channelId))}/answer`);
  }

  async hangup(channelId: string, cause: number = Q850.NORMAL_CLEARING): Promise<void> {
    token('channelId', channelId);
    this.d.tracker.noteOurHangup(channelId, cause);
    await this.call({ command: 'hangup', channelId }, 'DELETE', `/channels/${enc(channelId)}`, { reason_code: cause });
  }

  async ring(channelId: string): Promise<void> {
    return this.call({ command: 'ring', channelId }, 'POST', `/channels/${enc(token('channelId', channelId))}/ring`);
  }

  async play(channelId: string, prompts: string[], options?: PlayOptions): Promise<string> {
    token('channelId', channelId);
    for (const p of prompts) assertWireSafe('prompts', p);
    if (options?.playbackId !== undefined) token('playbackId', options.playbackId);
    if (options?.language !== undefined) token('language', options.language);
    const media = toAriMedia(prompts);
    const playbackId = options?.playbackId ?? randomUUID();
    const ctx = { command: 'play', channelId, prompt: prompts.join(',') };
    const pb = await this.call<AriPlayback>(ctx, 'POST', `/channels/${enc(channelId)}/play/${enc(playbackId)}`, { media: media.join(','), lang: options?.language });
    return pb?.id ?? playbackId;
  }

  /**
   * `sound:` prompts against ARI `GET /sounds` (sounds.json: `Sound { id, formats: [{ language, format }] }`,
   * filtered by `lang` when given). `recording:` (stored recordings) is not checked.
   */
  async promptsExist(prompts: string[], options?: { language?: string }): Promise<Map<string, boolean>> {
    const sounds = prompts.filter((p) => parsePrompt(p)?.kind === 'sound');
    const result = new Map<string, boolean>();
    if (sounds.length === 0) return result;
    if (options?.language !== undefined) token('language', options.language);
    const list = await this.call<{ id: string }[]>({ command: 'listSounds' }, 'GET', '/sounds', options?.language ? { lang: options.language } : undefined);
    const ids = new Set((list ?? []).map((s) => s.id));
    for (const p of sounds) result.set(p, ids.has(parsePrompt(p)!.value));
    return result;
  }

  async stopPlayback(playbackId: string): Promise<void> {
    try {
      await this.call({ command: 'stopPlayback', playbackId }, 'DELETE', `/playbacks/${enc(token('playbackId', playbackId))}`);
    } catch (err) {
      // The playback may have finished a moment ago; the port says stopping it then is fine.
      if (!(err instanceof PlaybackNotFoundError)) throw err;
    }
  }

  async sendDtmf(channelId: string, digits: string): Promise<void> {
    token('channelId', channelId);
    token('digits', digits);
    return this.call({ command: 'sendDtmf', channelId }, 'POST', `/channels/${enc(channelId)}/dtmf`, { dtmf: digits });
  }

  /** `POST /channels/create` (pre-chosen id, our app), wait for its StasisStart, then `POST /channels/{id}/dial?timeout=`. */
  async originate(req: OriginateRequest): Promise<ChannelSnapshot> {
    assertOriginateRequest(req);
    const channelId = req.channelId ?? randomUUID();
    const dialString = req.endpoint.includes('/') ? req.endpoint : `${this.d.technology}/${req.endpoint}`;
    const resource = endpointResource(req.endpoint);
    const variables: Record<string, string> = { ...req.variables };
    if (req.callerId) {
      // chan_pjsip builds the outgoing INVITE's From from the new channel's *connected line* (the
      // party it is connected to), not from its own caller ID: without CONNECTEDLINE the agent's
      // phone shows "Anonymous" (seen on Asterisk 22.10 with baresip; res_pjsip_session.c set_from_header).
      variables['CALLERID(all)'] = formatCallerId(req.callerId);
      variables['CONNECTEDLINE(all)'] = formatCallerId(req.callerId);
    }
    const body = Object.keys(variables).length > 0 ? { variables } : undefined;
    this.d.pending.add(channelId, 'created', resource);
    try {
      const created = await this.call<AriChannel>({ command: 'originate', endpoint: req.endpoint }, 'POST', '/channels/create', { endpoint: dialString, app: this.d.app, channelId }, body);
      this.d.tracker.track(channelId, 'created', 'outbound', resource);
      try {
        if (!(await this.d.pending.waitEntered(channelId, this.d.timeoutMs))) {
          throw new OriginateFailedError(req.endpoint, Q850.NORMAL_TEMPORARY_FAILURE, 'the new channel never entered Stasis');
        }
        await this.call({ command: 'dial', channelId, endpoint: req.endpoint }, 'POST', `/channels/${enc(channelId)}/dial`, { timeout: req.timeoutS });
      } catch (err) {
        // Do not leave a created channel behind (it would ring nobody's business); it may be gone already.
        this.d.ari.request('DELETE', `/channels/${enc(channelId)}`).catch((e: unknown) => {
          if (!(e instanceof AriHttpError && e.status === 404)) this.d.log.warn({ channelId, err: errorMessage(e) }, 'could not hang up a failed originate leg');
        });
        if (err instanceof ChannelNotFoundError) throw new OriginateFailedError(req.endpoint, Q850.NORMAL_TEMPORARY_FAILURE, 'the new channel ended before it was dialled');
        throw err;
      }
      return toChannelSnapshot(created, 'outbound', { endpoint: resource });
    } finally {
      this.d.pending.remove(channelId);
    }
  }

  async createBridge(type: BridgeType, bridgeId?: string): Promise<string> {
    const id = token('bridgeId', bridgeId ?? randomUUID());
    this.d.bridges.set(id, Date.now());
    const bridge = await this.call<AriBridge>({ command: 'createBridge' }, 'POST', '/bridges', { type, bridgeId: id }).catch((err: unknown) => {
      this.d.bridges.delete(id);
      throw err;
    });
    return bridge?.id ?? id;
  }

  async destroyBridge(bridgeId: string): Promise<void> {
    await this.call({ command: 'destroyBridge', bridgeId }, 'DELETE', `/bridges/${enc(token('bridgeId', bridgeId))}`);
    this.d.bridgeGone(bridgeId);
  }

  async addToBridge(bridgeId: string, channelIds: string[]): Promise<void> {
    token('bridgeId', bridgeId);
    for (const channelId of channelIds) token('channelIds', channelId);
    const ctx = { command: 'addToBridge', bridgeId, channelId: channelIds.join(',') };
    return this.call(ctx, 'POST', `/bridges/${enc(bridgeId)}/addChannel`, { channel: channelIds.join(',') });
  }

  async removeFromBridge(bridgeId: string, channelId: string): Promise<void> {
    token('bridgeId', bridgeId);
    token('channelId', channelId);
    return this.call({ command: 'removeFromBridge', bridgeId, channelId }, 'POST', `/bridges/${enc(bridgeId)}/removeChannel`, { channel: channelId });
  }

  async startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void> {
    token('bridgeId', bridgeId);
    if (mohClass !== undefined) token('mohClass', mohClass);
    return this.call({ command: 'startBridgeMoh', bridgeId }, 'POST', `/bridges/${enc(bridgeId)}/moh`, { mohClass });
  }

  async stopBridgeMoh(bridgeId: string): Promise<void> {
    return this.call({ command: 'stopBridgeMoh', bridgeId }, 'DELETE', `/bridges/${enc(token('bridgeId', bridgeId))}/moh`);
  }

  async hold(channelId: string): Promise<void> {
    return this.call({ command: 'hold', channelId }, 'POST', `/channels/${enc(token('channelId', channelId))}/hold`);
  }

  async unhold(channelId: string): Promise<void> {
    return this.call({ command: 'unhold', channelId }, 'DELETE', `/channels/${enc(token('channelId', channelId))}/hold`);
  }

  async mute(channelId: string, direction: 'in' | 'out' | 'both' = 'both'): Promise<void> {
    return this.call({ command: 'mute', channelId }, 'POST', `/channels/${enc(token('channelId', channelId))}/mute`, { direction });
  }

  async unmute(channelId: string, direction: 'in' | 'out' | 'both' = 'both'): Promise<void> {
    return this.call({ command: 'unmute', channelId }, 'DELETE', `/channels/${enc(token('channelId', channelId))}/mute`, { direction });
  }

  /** `POST /channels/{id}/record` or `/bridges/{id}/record` (`ifExists=overwrite`; `maxDurationSeconds` 0 = no limit). */
  async record(target: { channelId: string } | { bridgeId: string }, options: RecordOptions): Promise<void> {
    if ('channelId' in target) token('channelId', target.channelId);
    else token('bridgeId', target.bridgeId);
    const query: Query = {
      name: token('name', options.name),
      format: token('format', options.format ?? 'wav'),
      maxDurationSeconds: options.maxDurationS ?? 0,
      beep: options.beep ?? false,
      ifExists: 'overwrite',
    };
    if ('channelId' in target) return this.call({ command: 'record', channelId: target.channelId }, 'POST', `/channels/${enc(target.channelId)}/record`, query);
    return this.call({ command: 'record', bridgeId: target.bridgeId }, 'POST', `/bridges/${enc(target.bridgeId)}/record`, query);
  }

  async stopRecording(name: string): Promise<void> {
    return this.call({ command: 'stopRecording', recordingName: name }, 'POST', `/recordings/live/${enc(token('name', name))}/stop`);
  }

  /** `POST /channels/{id}/snoop/{snoopId}?spy&whisper&app&appArgs`; the snoop is tracked, never offered. */
  async snoop(channelId: string, options: SnoopOptions): Promise<ChannelSnapshot> {
    token('channelId', channelId);
    for (const arg of options.args ?? []) assertWireSafe('args', arg);
    const snoopId = randomUUID();
    this.d.pending.add(snoopId, 'snoop');
    const query: Query = { spy: options.spy, whisper: options.whisper, app: this.d.app, appArgs: options.args?.join(',') };
    try {
      const ch = await this.call<AriChannel>({ command: 'snoop', channelId }, 'POST', `/channels/${enc(channelId)}/snoop/${enc(snoopId)}`, query);
      this.d.tracker.track(ch.id, 'snoop', 'outbound');
      return toChannelSnapshot(ch, 'outbound', { args: options.args });
    } finally {
      // Its StasisStart normally precedes the answer; give a late one a moment before forgetting.
      setTimeout(() => this.d.pending.remove(snoopId), this.d.timeoutMs).unref();
    }
  }

  async rtpStatistics(channelId: string): Promise<RtpStatistics> {
    return toRtpStatistics(await this.call<AriRtpStat>({ command: 'rtpStatistics', channelId }, 'GET', `/channels/${enc(token('channelId', channelId))}/rtp_statistics`));
  }

  /** `POST /channels/{id}/continue?context&extension&priority=1`: leaves Stasis; its end is seen on AMI. */
  async redirect(channelId: string, target: { extension: string; context?: string }): Promise<void> {
    token('channelId', channelId);
    token('extension', target.extension);
    if (target.context !== undefined) token('context', target.context);
    this.d.tracker.noteRedirect(channelId);
    await this.call({ command: 'redirect', channelId }, 'POST', `/channels/${enc(channelId)}/continue`, { context: target.context, extension: target.extension, priority: 1 });
  }

  async setVariable(channelId: string, name: string, value: string): Promise<void> {
    token('channelId', channelId);
    token('name', name);
    assertWireSafe('value', value);
    return this.call({ command: 'setVariable', channelId }, 'POST', `/channels/${enc(channelId)}/variable`, { variable: name, value });
  }

  /** Resolves undefined when the variable is not set (ARI 404 "Provided variable was not found"). */
  async getVariable(channelId: string, name: string): Promise<string | undefined> {
    token('channelId', channelId);
    token('name', name);
    try {
      const res = await this.d.ari.request<{ value: string }>('GET', `/channels/${enc(channelId)}/variable`, { variable: name });
      return res?.value;
    } catch (err) {
      // 404 "Provided variable was not found" means unset; 404 "Channel not found" is an error.
      if ((err as { status?: number }).status === 404 && !/channel not found/i.test((err as Error).message)) return undefined;
      throw translateAriError(err, { command: 'getVariable', channelId, nodeId: this.d.nodeId });
    }
  }

  /** `GET /endpoints/{tech}/{resource}`; an unknown endpoint is `unknown`, not an error. */
  async endpoint(resource: string): Promise<EndpointSnapshot> {
    token('resource', resource);
    const bare = endpointResource(resource);
    const tech = resource.includes('/') ? resource.slice(0, resource.indexOf('/')) : this.d.technology;
    try {
      const ep = await this.d.ari.request<AriEndpoint>('GET', `/endpoints/${enc(tech)}/${enc(bare)}`);
      const snapshot: EndpointSnapshot = { resource: bare, state: endpointState(ep?.state) };
      const contact = this.d.contacts.get(bare);
      if (contact && snapshot.state === 'online') snapshot.contact = contact;
      return snapshot;
    } catch (err) {
      if ((err as { status?: number }).status === 404) return { resource: bare, state: 'unknown' };
      throw translateAriError(err, { command: 'endpoint', nodeId: this.d.nodeId });
    }
  }
}
