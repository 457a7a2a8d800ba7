import type { PbxEventBody } from '@callplane/pbx';

interface PlaybackRun {
  id: string;
  channelId: string;
  /** `Event-UUID`s of the apps this playback runs, in order (one per prompt). */
  parts: string[];
  completed: number;
  started: boolean;
  /** stopPlayback() was called: the next completion ends the whole run as `done`. */
  stopped: boolean;
}

/** Playback ids kept after they finished, so a late stopPlayback() resolves instead of failing. */
const FINISHED_KEEP = 10_000;

/**
 * Tracks callplane playbacks. FreeSWITCH PLAYBACK_START/STOP carry no id of ours, but every app
 * run by `sendmsg` reports CHANNEL_EXECUTE and CHANNEL_EXECUTE_COMPLETE with
 * `Application-UUID` = the `Event-UUID` we sent (fixtures/freeswitch README, "Inbound order"),
 * also on outbound-socket sessions where PLAYBACK_* is not delivered. A playback of several
 * prompts is several apps; it starts with the first and finishes with the last (or the first
 * after a stop). `Application-Response` `PLAYBACK ERROR`/`FILE NOT FOUND` → `failed`.
 */
export class PlaybackTracker {
  private readonly runs = new Map<string, PlaybackRun>();
  private readonly byPart = new Map<string, PlaybackRun>();
  private readonly finished = new Set<string>();

  constructor(private readonly emit: (body: PbxEventBody) => void) {}

  begin(id: string, channelId: string, parts: string[]): void {
    const run: PlaybackRun = { id, channelId, parts, completed: 0, started: false, stopped: false };
    this.runs.set(id, run);
    for (const p of parts) this.byPart.set(p, run);
  }

  /** The sendmsg was refused: forget the run without events. */
  abort(id: string): void {
    const run = this.runs.get(id);
    if (run) this.forget(run);
  }

  /** True when `appUuid` is one of our playback apps (cheap event pre-filter). */
  owns(appUuid: string | undefined): boolean {
    return appUuid !== undefined && this.byPart.has(appUuid);
  }

  get(id: string): { channelId: string } | undefined {
    return this.runs.get(id);
  }

  wasFinished(id: string): boolean {
    return this.finished.has(id);
  }

  markStopped(id: string): void {
    const run = this.runs.get(id);
    if (run) run.stopped = true;
  }

  onExecute(appUuid: string | undefined): void {
    const run = appUuid ? this.byPart.get(appUuid) : undefined;
    if (!run || run.started) return;
    run.started = true;
    this.emit({ type: 'playback.started', playbackId: run.id, channelId: run.channelId });
  }

  onExecuteComplete(appUuid: string | undefined, response: string | undefined): void {
    const run = appUuid ? this.byPart.get(appUuid) : undefined;
    if (!run) return;
    this.byPart.delete(appUuid!);
    run.completed++;
    const failed = /ERROR|NOT FOUND|FAIL/i.test(response ?? '');
    if (failed || run.stopped || run.completed >= run.parts.length) this.finish(run, failed ? 'failed' : 'done', failed ? response?.trim() : undefined);
  }

  /** The channel hung up: playbacks that never completed end as `failed`. */
  onChannelGone(channelId: string): void {
    for (const run of [...this.runs.values()]) if (run.channelId === channelId) this.finish(run, 'failed');
  }

  private finish(run: PlaybackRun, status: 'done' | 'failed', reason?: string): void {
    this.forget(run);
    if (this.finished.size >= FINISHED_KEEP) this.finished.clear();
    this.finished.add(run.id);
    if (!run.started) this.emit({ type: 'playback.started', playbackId: run.id, channelId: run.channelId });
    this.emit({ type: 'playback.finished', playbackId: run.id, channelId: run.channelId, status, ...(reason ? { reason } : {}) });
  }

  private forget(run: PlaybackRun): void {
    this.runs.delete(run.id);
    for (const p of run.parts) this.byPart.delete(p);
  }
}
