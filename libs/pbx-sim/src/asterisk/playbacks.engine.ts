import { ariTimestamp, playbackJson } from './ari-json.builder';
import { AriError } from './ari-error';
import type { AriEventScope } from './ari-event.bus';
import type { SimContext } from './sim-context';
import type { SimBridge, SimChannel, SimPlayback } from './sim-model.types';

const MEDIA_SCHEMES = ['sound:', 'recording:', 'number:', 'digits:', 'characters:', 'tone:'];

/**
 * Playbacks (Asterisk ARI playbacks.json, `POST /channels/{id}/play`, `POST /bridges/{id}/play`).
 * A channel plays one playback at a time; later ones wait as `queued`. Each media item lasts
 * `soundDurationsMs[name]` (default 1000 ms). Events as recorded: PlaybackStarted (`playing`),
 * PlaybackContinuing between comma-separated media, PlaybackFinished `done` (also when stopped),
 * `failed` when the sound is missing or the channel hung up.
 */
export class PlaybacksEngine {
  constructor(private readonly ctx: SimContext) {}

  /**
   * Queue a playback; returns the `Playback` JSON as the 201 response (state `queued`).
   * @throws AriError 400 `media` missing/invalid, 409 playback id in use
   */
  play(target: { channel: SimChannel } | { bridge: SimBridge }, media: string[], language: string, playbackId?: string): Record<string, unknown> {
    if (media.length === 0 || media.some((m) => m === '')) throw AriError.badRequest('missing required parameter: media');
    if (playbackId !== undefined && this.ctx.playbacks.has(playbackId)) {
      throw AriError.conflict('A playback with the same ID already exists');
    }
    const owner = 'channel' in target ? target.channel : target.bridge;
    const pb: SimPlayback = {
      id: playbackId ?? this.ctx.newUuid(),
      media,
      index: 0,
      targetUri: 'channel' in target ? `channel:${target.channel.id}` : `bridge:${target.bridge.id}`,
      language,
      state: 'queued',
      startedAt: 0,
      remainingMs: 0,
    };
    this.ctx.playbacks.set(pb.id, pb);
    owner.playbacks.push(pb.id);
    const response = playbackJson(pb);
    if (owner.playbacks.length === 1) this.startMedia(pb);
    return response;
  }

  /** `DELETE /playbacks/{id}`: PlaybackFinished `done` (recorded in inbound-dtmf-bargein). @throws AriError 404 */
  stop(id: string): void {
    const pb = this.get(id);
    if (pb.state === 'queued') {
      this.detach(pb);
      return;
    }
    this.finish(pb, 'done');
  }

  /** `POST /playbacks/{id}/control?operation=`. @throws AriError 400 unknown operation, 404, 409 not playing */
  control(id: string, operation: string): void {
    const pb = this.get(id);
    if (!['restart', 'pause', 'unpause', 'reverse', 'forward'].includes(operation)) {
      throw AriError.badRequest('Invalid operation');
    }
    if (pb.state === 'queued') throw AriError.conflict('Playback not in a state to be controlled');
    if (operation === 'pause' && pb.state === 'playing') {
      clearTimeout(pb.timer);
      pb.remainingMs = Math.max(0, pb.remainingMs - (Date.now() - pb.startedAt));
      pb.state = 'paused';
    } else if (operation === 'unpause' && pb.state === 'paused') {
      pb.state = 'playing';
      this.arm(pb, pb.remainingMs);
    } else if (operation === 'restart') {
      clearTimeout(pb.timer);
      pb.state = 'playing';
      this.arm(pb, this.ctx.soundDurationMs(pb.media[pb.index]));
    }
  }

  /** @throws AriError 404 `Playback not found` */
  get(id: string): SimPlayback {
    const pb = this.ctx.playbacks.get(id);
    if (!pb) throw AriError.notFound('Playback not found');
    return pb;
  }

  /**
   * The owner hung up / was destroyed: the current playback fails, queued ones vanish (recorded).
   * Returns true when a PlaybackFinished `failed` was published.
   */
  abortAll(owner: SimChannel | SimBridge): boolean {
    const [current, ...rest] = owner.playbacks;
    for (const id of rest) this.ctx.playbacks.delete(id);
    owner.playbacks = current ? [current] : [];
    const pb = current ? this.ctx.playbacks.get(current) : undefined;
    if (pb) this.finish(pb, 'failed', false);
    owner.playbacks = [];
    return pb !== undefined;
  }

  private startMedia(pb: SimPlayback): void {
    const first = pb.state === 'queued';
    pb.state = 'playing';
    this.publish(first ? 'PlaybackStarted' : 'PlaybackContinuing', pb);
    const media = pb.media[pb.index];
    if (!MEDIA_SCHEMES.some((s) => media.startsWith(s)) || this.isMissing(media)) {
      this.finish(pb, 'failed');
      return;
    }
    this.arm(pb, this.ctx.soundDurationMs(media));
  }

  private arm(pb: SimPlayback, ms: number): void {
    pb.startedAt = Date.now();
    pb.remainingMs = ms;
    pb.timer = setTimeout(() => {
      pb.timer = undefined;
      if (pb.index + 1 < pb.media.length) {
        pb.index++;
        this.startMedia(pb);
      } else {
        this.finish(pb, 'done');
      }
    }, ms);
  }

  private finish(pb: SimPlayback, state: 'done' | 'failed', startNext = true): void {
    clearTimeout(pb.timer);
    pb.timer = undefined;
    pb.state = state;
    const owner = this.detach(pb);
    this.publish('PlaybackFinished', pb, owner);
    if (!startNext || !owner) return;
    const next = owner.playbacks[0] !== undefined ? this.ctx.playbacks.get(owner.playbacks[0]) : undefined;
    if (next) this.startMedia(next);
    else if ('pending' in owner) this.runPending(owner);
  }

  /** Runs control commands that waited for the channel's playbacks to end (ARI control queue). */
  runPending(ch: SimChannel): void {
    const pending = ch.pending.splice(0);
    for (const fn of pending) fn();
  }

  private detach(pb: SimPlayback): SimChannel | SimBridge | undefined {
    this.ctx.playbacks.delete(pb.id);
    const owner = this.owner(pb);
    if (owner) owner.playbacks = owner.playbacks.filter((id) => id !== pb.id);
    return owner;
  }

  private owner(pb: SimPlayback): SimChannel | SimBridge | undefined {
    const [kind, id] = [pb.targetUri.slice(0, pb.targetUri.indexOf(':')), pb.targetUri.slice(pb.targetUri.indexOf(':') + 1)];
    return kind === 'channel' ? this.ctx.channels.get(id) : this.ctx.bridges.get(id);
  }

  private publish(type: string, pb: SimPlayback, owner = this.owner(pb)): void {
    const scope: AriEventScope = owner && 'kind' in owner ? { channels: [owner] } : { bridge: owner as SimBridge | undefined };
    this.ctx.ari.publish({ type, timestamp: ariTimestamp(), playback: playbackJson(pb) }, scope);
  }

  private isMissing(media: string): boolean {
    const missing = this.ctx.options.missingSounds;
    return missing.has(media) || missing.has(media.slice(media.indexOf(':') + 1));
  }
}
