import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, PbxDrivers } from '@callplane/pbx';
import { PromptPlayer } from '@callplane/calls';
import { AgentStateService } from './agent-state.service';
import { HoldingBridges } from './holding-bridges';
import { QueueDirectory } from './queue-directory';
import type { QueueEntry } from './queue-entry';
import { RingRounds } from './ring-rounds';
import { WaitEstimator } from './wait-estimator';

/**
 * Sounds of the position and wait announcements: the names app_queue plays (Asterisk core sounds
 * `en`: "you are currently caller number" N "waiting to speak to a representative"; "your call is
 * now first in line…"; "the estimated hold time is currently" N "minutes"). FreeSWITCH ships no such
 * files: put them under its sound prefix with these names (see the PBX README). N is said as
 * `digits:` (one sound file per digit on both PBXes; `number:` needs FreeSWITCH's mod_say), so 12 is
 * "one two".
 */
export const QUEUE_ANNOUNCEMENT_SOUNDS = {
  positionBefore: 'sound:queue-thereare',
  positionAfter: 'sound:queue-callswaiting',
  first: 'sound:queue-youarenext',
  holdTime: 'sound:queue-holdtime',
  minutes: 'sound:queue-minutes',
} as const;

/** Agent states that count as serving the queue for the wait estimate. */
const SERVING = new Set(['available', 'ringing', 'on-call', 'wrap-up']);

interface Announcing {
  entry: QueueEntry;
  timer?: NodeJS.Timeout;
  /** The announcement under way (out of the holding bridge → prompts → back in). */
  playing?: Promise<void>;
  playbackId?: string;
}

/**
 * Announcements to a waiting caller every `announceEveryS` (app_queue `periodic-announce` /
 * `announce-frequency`): the queue's `periodicPrompt`, then the caller's position
 * (`announcePosition`), then the estimated wait (`announceWaitTime`, {@link WaitEstimator}), as one
 * playback. They start once the greeting is over and never overlap (the next is due
 * `announceEveryS` after the last one ended). The caller steps out of the holding bridge for the
 * announcement and back in after it, so MOH resumes: on FreeSWITCH a held caller's MOH is a
 * `playback local_stream://` on the channel that a second playback would queue behind; on Asterisk a
 * channel leaving the bridge stops hearing the bridge's MOH (ARI bridges docs). An agent answering
 * mid-announcement stops it ({@link stop}).
 */
@Injectable()
export class QueueAnnouncer {
  private readonly log = createLogger('acd-announce');
  private readonly byCall = new Map<string, Announcing>();
  private stopped = false;

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly holding: HoldingBridges,
    private readonly prompts: PromptPlayer,
    private readonly rounds: RingRounds,
    private readonly directory: QueueDirectory,
    private readonly agents: AgentStateService,
    private readonly estimator: WaitEstimator,
  ) {}

  /** Starts the announcements of an entry that is now waiting (no-op when the queue has none). */
  start(entry: QueueEntry): void {
    const { queue } = entry;
    if (this.stopped || queue.announceEveryS <= 0 || !(queue.periodicPrompt || queue.announcePosition || queue.announceWaitTime)) return;
    const a: Announcing = { entry };
    this.byCall.set(entry.call.id, a);
    this.schedule(a);
  }

  /** Stops an entry's announcements; an announcement under way is cut short. Resolves once the caller is out of it. */
  async stop(entry: QueueEntry): Promise<void> {
    const a = this.byCall.get(entry.call.id);
    if (!a || a.entry !== entry) return;
    this.byCall.delete(entry.call.id);
    clearTimeout(a.timer);
    if (a.playbackId) {
      await this.drivers
        .driver(entry.call.nodeId)
        .stopPlayback(a.playbackId)
        .catch((err: unknown) => this.log.debug({ callId: entry.call.id, err: errorMessage(err) }, 'announcement already over'));
    }
    await a.playing;
  }

  /** Shutdown: no more announcements (the next process takes the callers over). */
  clear(): void {
    this.stopped = true;
    for (const a of this.byCall.values()) clearTimeout(a.timer);
    this.byCall.clear();
  }

  /** The prompts of one announcement for `entry` now (empty: nothing to say). */
  async promptsFor(entry: QueueEntry): Promise<string[]> {
    const { queue } = entry;
    const out: string[] = [];
    if (queue.periodicPrompt) out.push(queue.periodicPrompt);
    const position = this.position(entry);
    if (queue.announcePosition && position > 0) {
      if (position === 1) out.push(QUEUE_ANNOUNCEMENT_SOUNDS.first);
      else out.push(QUEUE_ANNOUNCEMENT_SOUNDS.positionBefore, `digits:${position}`, QUEUE_ANNOUNCEMENT_SOUNDS.positionAfter);
    }
    if (queue.announceWaitTime && position > 0) {
      const members = await this.directory.membersOf(queue.id).catch(() => []);
      const serving = members.filter((m) => SERVING.has(this.agents.peek(m.agentId)?.state ?? m.state)).length;
      const waitS = this.estimator.estimateS(queue.id, position, serving);
      if (waitS !== undefined) out.push(QUEUE_ANNOUNCEMENT_SOUNDS.holdTime, `digits:${Math.max(1, Math.ceil(waitS / 60))}`, QUEUE_ANNOUNCEMENT_SOUNDS.minutes);
    }
    return out;
  }

  /** 1-based place among the queue's callers still waiting (0: not waiting). */
  position(entry: QueueEntry): number {
    const waiting = this.rounds.entriesOf(entry.queue.id).filter((e) => e.state === 'greeting' || e.state === 'waiting' || e.state === 'ringing');
    return waiting.indexOf(entry) + 1;
  }

  private schedule(a: Announcing): void {
    a.timer = setTimeout(() => void this.announce(a), a.entry.queue.announceEveryS * 1000);
    a.timer.unref?.();
  }

  private async announce(a: Announcing): Promise<void> {
    a.timer = undefined;
    const { entry } = a;
    if (this.byCall.get(entry.call.id) !== a) return;
    if (waiting(entry) && entry.holdingBridgeId) {
      const prompts = await this.promptsFor(entry);
      if (prompts.length > 0 && waiting(entry) && entry.holdingBridgeId && this.byCall.get(entry.call.id) === a) {
        a.playing = this.play(a, entry.holdingBridgeId, prompts);
        await a.playing;
        a.playing = undefined;
      }
    }
    if (this.byCall.get(entry.call.id) === a && !this.stopped) this.schedule(a);
  }

  private async play(a: Announcing, holdingBridgeId: string, prompts: string[]): Promise<void> {
    const { entry } = a;
    const { call, queue } = entry;
    entry.holdingBridgeId = undefined;
    try {
      await this.holding.leave(holdingBridgeId, call.channelId, true);
      if (waiting(entry) && this.byCall.get(call.id) === a) {
        const playbackId = (a.playbackId = randomUUID());
        const outcome = await this.prompts.playAndWait(call.nodeId, call.channelId, prompts, { playbackId });
        // A part that failed may leave the others queued on the channel (FreeSWITCH runs each as an app): flush them before MOH.
        if (outcome === 'failed') await this.drivers.driver(call.nodeId).stopPlayback(playbackId).catch(() => undefined);
        a.playbackId = undefined;
      }
      if (!waiting(entry) || this.stopped) return;
      entry.holdingBridgeId = await this.holding.join(call.nodeId, queue.id, queue.mohClass, call.channelId);
      if (!waiting(entry) && entry.state === 'ended') {
        const id = entry.holdingBridgeId;
        entry.holdingBridgeId = undefined;
        await this.holding.leave(id, call.channelId, false);
      }
    } catch (err) {
      // The caller hung up meanwhile: its hangup ends the entry.
      if (!(err instanceof ChannelNotFoundError)) this.log.warn({ callId: call.id, err: errorMessage(err) }, 'announcement failed');
    }
  }
}

function waiting(entry: QueueEntry): boolean {
  return entry.state === 'waiting' || entry.state === 'ringing';
}
