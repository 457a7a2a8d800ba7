import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, PbxDrivers, PbxEvent } from '@callplane/pbx';

/** How a prompt ended: played out (or stopped), failed (missing file…), or the channel hung up. */
export type PlaybackOutcome = 'done' | 'failed' | 'hangup';

interface Waiter {
  nodeId: string;
  channelId: string;
  resolve: (outcome: PlaybackOutcome) => void;
}

/**
 * Plays prompts to a channel and waits for the PBX's `playback.finished` (or the channel's
 * hangup). Used by the no-route path and by queue greetings / timeout prompts.
 */
@Injectable()
export class PromptPlayer implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('prompt-player');
  private readonly byPlayback = new Map<string, Waiter>();
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
      this.byPlayback.set(playbackId, { nodeId, channelId, resolve: done });
      let play: Promise<string>;
      try {
        play = this.drivers.driver(nodeId).play(channelId, prompts, { playbackId });
      } catch (err) {
        play = Promise.reject(err);
      }
      play.catch((err: unknown) => {
        if (err instanceof ChannelNotFoundError) return done('hangup');
        this.log.warn({ node: nodeId, channelId, prompts, err: errorMessage(err) }, 'prompt could not be played');
        done('failed');
      });
    });
  }

  private onEvent(e: PbxEvent): void {
    if (e.type === 'playback.finished') {
      this.byPlayback.get(e.playbackId)?.resolve(e.status);
    } else if (e.type === 'channel.hangup') {
      for (const w of [...this.byPlayback.values()]) if (w.nodeId === e.nodeId && w.channelId === e.channelId) w.resolve('hangup');
    }
  }
}
