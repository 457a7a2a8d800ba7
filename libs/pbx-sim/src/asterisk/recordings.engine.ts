import { ariTimestamp, liveRecordingJson } from './ari-json.builder';
import { AriError } from './ari-error';
import type { AriEventScope } from './ari-event.bus';
import type { SimContext } from './sim-context';
import type { SimBridge, SimChannel, SimRecording } from './sim-model.types';

export interface RecordParams {
  name: string;
  format: string;
  maxDurationSeconds: number;
  ifExists: string;
}

/**
 * Live and stored recordings (Asterisk ARI recordings.json, `POST /channels|bridges/{id}/record`).
 * RecordingStarted right after the 201 (`state: queued`), RecordingFinished (`done`, `duration` s)
 * on stop, max duration, hangup of the channel or when the last channel leaves the bridge; the
 * finished recording is then listed under `/recordings/stored` as `{name, format}` (recorded).
 */
export class RecordingsEngine {
  constructor(private readonly ctx: SimContext) {}

  /** @throws AriError 400 missing name/format, 409 name in progress or exists with ifExists=fail, 422 unknown format */
  start(target: { channel: SimChannel } | { bridge: SimBridge }, p: RecordParams): Record<string, unknown> {
    if (!p.name) throw AriError.badRequest('missing required parameter: name');
    if (!p.format) throw AriError.badRequest('missing required parameter: format');
    if (!['wav', 'gsm', 'ulaw', 'alaw', 'sln', 'g722', 'wav49', 'WAV'].includes(p.format)) {
      throw AriError.unprocessable('Unknown format');
    }
    if (this.ctx.liveRecordings.has(p.name)) throw AriError.conflict('Recording with the same name is already in progress');
    if (this.ctx.storedRecordings.has(p.name) && (p.ifExists === 'fail' || p.ifExists === '')) {
      throw AriError.conflict('Recording already exists');
    }
    const owner = 'channel' in target ? target.channel : target.bridge;
    const rec: SimRecording = {
      name: p.name,
      format: p.format,
      targetUri: 'channel' in target ? `channel:${target.channel.id}` : `bridge:${target.bridge.id}`,
      state: 'queued',
      startedAt: Date.now(),
    };
    this.ctx.liveRecordings.set(rec.name, rec);
    owner.recordings.add(rec.name);
    if ('technology' in owner && owner.type === 'mixing') owner.technology = 'softmix';
    const response = liveRecordingJson(rec);
    rec.state = 'recording';
    if (p.maxDurationSeconds > 0) rec.timer = setTimeout(() => this.finish(rec, 'done'), p.maxDurationSeconds * 1000);
    this.publish('RecordingStarted', rec, owner);
    return response;
  }

  /** @throws AriError 404 `Recording not found` */
  live(name: string): SimRecording {
    const rec = this.ctx.liveRecordings.get(name);
    if (!rec) throw AriError.notFound('Recording not found');
    return rec;
  }

  stop(name: string): void {
    this.finish(this.live(name), 'done');
  }

  /** `DELETE /recordings/live/{name}`: stop and discard. */
  cancel(name: string): void {
    this.finish(this.live(name), 'canceled');
  }

  setPaused(name: string, paused: boolean): void {
    const rec = this.live(name);
    rec.state = paused ? 'paused' : 'recording';
  }

  /** Owner hung up / bridge emptied: every live recording on it finishes `done`. */
  finishAll(owner: SimChannel | SimBridge): void {
    for (const name of [...owner.recordings]) {
      const rec = this.ctx.liveRecordings.get(name);
      if (rec) this.finish(rec, 'done');
    }
  }

  private finish(rec: SimRecording, state: 'done' | 'canceled'): void {
    clearTimeout(rec.timer);
    rec.state = state;
    this.ctx.liveRecordings.delete(rec.name);
    const owner = this.owner(rec);
    owner?.recordings.delete(rec.name);
    if (state === 'done') this.ctx.storedRecordings.set(rec.name, { name: rec.name, format: rec.format });
    this.publish('RecordingFinished', rec, owner, true);
  }

  private owner(rec: SimRecording): SimChannel | SimBridge | undefined {
    const i = rec.targetUri.indexOf(':');
    const id = rec.targetUri.slice(i + 1);
    return rec.targetUri.startsWith('channel:') ? this.ctx.channels.get(id) : this.ctx.bridges.get(id);
  }

  private publish(type: string, rec: SimRecording, owner: SimChannel | SimBridge | undefined, withDuration = false): void {
    const scope: AriEventScope = owner && 'kind' in owner ? { channels: [owner] } : { bridge: owner as SimBridge | undefined };
    this.ctx.ari.publish({ type, timestamp: ariTimestamp(), recording: liveRecordingJson(rec, withDuration) }, scope);
  }
}
