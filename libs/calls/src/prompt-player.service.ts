import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, PbxDrivers, PbxEvent } from '@callplane/pbx';

/** How a prompt ended: played out (or stopped), failed (missing file…), or the channel hung up. */
export type PlaybackOutcome = 'done' | 'failed' | 'hangup';

interface Waiter {
  nodeId: string;
  channelId: string;
  prompts: string[];
  resolve: (outcome: PlaybackOutcome) => void;
}

/** A prompt the PBX could not play (issue 7 item 7), as `/health` shows it to admins. */
export interface PromptProblem {
  /** PBX node id. */
  nodeId: string;
  /** The prompt URIs of the failed playback, e.g. `sound:queue-greeting`. */
  prompt: string;
  /** The PBX's reason (FreeSWITCH application response, ARI playback state) or the command error. */
  reason: string;
  /** Failed playbacks of this prompt on this node since the process started. */
  count: number;
  firstAt: string;
  lastAt: string;
}

/** Distinct (node, prompt) problems kept; beyond it the oldest is forgotten (bounded memory). */
export const PROMPT_PROBLEMS_KEPT = 200;

/**
 * Plays prompts to a channel and waits for the PBX's `playback.finished` (or the channel's
 * hangup). Used by the no-route path and by queue greetings / announcements / timeout prompts.
 * A prompt the PBX cannot play (FreeSWITCH "Error Opening File" → `FILE NOT FOUND`, ARI playback
 * `failed`) is logged once per prompt and PBX node with the PBX's reason, counted, and listed by
 * {@link problems} (admin `/health`); the caller's flow goes on (`failed`).
 */
@Injectable()
export class PromptPlayer implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('prompt-player');
  private readonly byPlayback = new Map<string, Waiter>();
  private readonly failures = new Map<string, PromptProblem>();
  private unsubscribe?: () => void;

  constructor(private readonly drivers: PbxDrivers) {}

  onModuleInit(): void {
    this.unsubscribe = this.drivers.onEvent((e) => this.onEvent(e));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const w of this.byPlayback.values()) w.resolve('failed');
    this.byPlayback.clear();
  }

  /**
   * Plays `prompts` (prompt URIs, see @callplane/pbx prompt.ts) on the channel.
   * Never rejects: PBX errors resolve `failed` (logged), a vanished channel `hangup`.
   * `playbackId`: pre-chosen (to stop it with the driver's `stopPlayback`); generated if absent.
   */
  playAndWait(nodeId: string, channelId: string, prompts: string[], options: { playbackId?: string } = {}): Promise<PlaybackOutcome> {
    const playbackId = options.playbackId ?? randomUUID();
    return new Promise<PlaybackOutcome>((resolve) => {
      const done = (outcome: PlaybackOutcome): void => {
        this.byPlayback.delete(playbackId);
        resolve(outcome);
      };
      this.byPlayback.set(playbackId, { nodeId, channelId, prompts, resolve: done });
      let play: Promise<string>;
      try {
        play = this.drivers.driver(nodeId).play(channelId, prompts, { playbackId });
      } catch (err) {
        play = Promise.reject(err);
      }
      play.catch((err: unknown) => {
        if (err instanceof ChannelNotFoundError) return done('hangup');
        this.recordFailure(nodeId, prompts, errorMessage(err), channelId);
        done('failed');
      });
    });
  }

  private onEvent(e: PbxEvent): void {
    if (e.type === 'playback.finished') {
      const waiter = this.byPlayback.get(e.playbackId);
      if (waiter && e.status === 'failed' && e.reason) this.recordFailure(waiter.nodeId, waiter.prompts, e.reason, waiter.channelId);
      waiter?.resolve(e.status);
    } else if (e.type === 'channel.hangup') {
      for (const w of [...this.byPlayback.values()]) if (w.nodeId === e.nodeId && w.channelId === e.channelId) w.resolve('hangup');
    }
  }

  /** Prompts the PBXes could not play, most recent first. */
  problems(): PromptProblem[] {
    return [...this.failures.values()].sort((a, b) => b.lastAt.localeCompare(a.lastAt));
  }

  private recordFailure(nodeId: string, prompts: string[], reason: string, channelId: string): void {
    const prompt = prompts.join(' ');
    const key = `${nodeId}\u0000${prompt}`;
    const at = new Date().toISOString();
    const known = this.failures.get(key);
    if (known) {
      known.count++;
      known.lastAt = at;
      known.reason = reason;
      return;
    }
    this.log.warn({ node: nodeId, channelId, prompt, reason }, 'the PBX could not play a prompt (logged once per prompt and node; see /health)');
    if (this.failures.size >= PROMPT_PROBLEMS_KEPT) this.failures.delete(this.failures.keys().next().value as string);
    this.failures.set(key, { nodeId, prompt, reason, count: 1, firstAt: at, lastAt: at });
  }
}
