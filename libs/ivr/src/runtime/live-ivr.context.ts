import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { CallTarget, LiveCall } from '@callplane/calls';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, PbxDriver, PromptNotFoundError } from '@callplane/pbx';
import { IvrCallerHangupError } from '../ivr.errors';
import type { IvrCollectOptions, IvrCollectResult, IvrPlayOptions, IvrPlayResult } from './ivr-context';
import type { IvrCallOutcome } from './ivr-call-log';
import { IvrRuntimeContext } from './ivr-runtime.context';

/** How long a `failed` playback waits for the channel's hangup before it counts as a missing prompt, ms. */
const FAILED_PLAYBACK_GRACE_MS = 150;

interface PendingPlayback {
  id: string;
  prompts: string[];
  bargeIn: boolean;
  /** Resolves once the PBX accepted the play request (a stop must not overtake it). */
  accepted: Promise<unknown>;
  settle: (result: IvrPlayResult | Error) => void;
}

interface PendingCollect {
  poke: () => void;
  fail: (err: Error) => void;
}

interface PendingRecording {
  name: string;
  done: () => void;
}

/** What a live context needs from the world besides the driver. */
export interface LiveIvrCallPort {
  /** Hand the call to another target (`queue`). */
  handOff(call: LiveCall, target: CallTarget): Promise<void>;
  /** The flow decided how the call ends (before it acts on it). */
  markOutcome(call: LiveCall, disposition: IvrCallOutcome): void;
  /** The flow answered the caller's channel (it was not answered when the flow started). */
  answered(call: LiveCall, at: Date): void;
  /** Called when a playback id starts/stops being ours (routing of `playback.finished`). */
  trackPlayback(playbackId: string, owner: LiveIvrContext | undefined): void;
}

/**
 * The IvrContext of a live call: prompts and DTMF through the port (PbxDriver). PBX events of
 * the channel are fed in by IvrService (`onDtmf`, `onPlaybackFinished`, `onHangup`,
 * `onRecordingFinished`). Digits are buffered (type-ahead); with barge-in, a digit during a
 * prompt sends `stopPlayback` at once and the digit becomes the first input.
 */
export class LiveIvrContext extends IvrRuntimeContext {
  readonly simulated = false;
  private readonly log = createLogger('ivr-call');
  private readonly buffer: { digit: string; at: number }[] = [];
  private playback?: PendingPlayback;
  private collect?: PendingCollect;
  private recording?: PendingRecording;
  private hungUp?: number;
  /** Set once the flow decided how the call ends (a later hangup does not make it IVR_COMPLETED). */
  private outcome?: IvrCallOutcome;
  /** performance.now() of the DTMF that completed the last collect, until the next prompt request. */
  private lastInputAt?: number;

  constructor(
    readonly call: LiveCall,
    private readonly driver: PbxDriver,
    private readonly port: LiveIvrCallPort,
  ) {
    super(call.id, call.callerNumber, call.calledNumber, call.variables);
  }

  get channelId(): string {
    return this.call.channelId;
  }

  now(): Date {
    return new Date();
  }

  // ---- PBX events (from IvrService) ----

  onDtmf(digit: string): void {
    this.buffer.push({ digit, at: performance.now() });
    const p = this.playback;
    if (p?.bargeIn) {
      this.playback = undefined;
      this.port.trackPlayback(p.id, undefined);
      // Barge-in: stop the prompt; the digit waits in the buffer for the collect that follows.
      void p.accepted.then(() => this.driver.stopPlayback(p.id)).catch((err: unknown) => this.log.debug({ callId: this.callId, err: errorMessage(err) }, 'stopPlayback after barge-in failed (prompt probably already over)'));
      p.settle({ bargedIn: true });
    }
    this.collect?.poke();
  }

  onPlaybackFinished(playbackId: string, status: 'done' | 'failed'): void {
    const p = this.playback;
    if (!p || p.id !== playbackId) return;
    if (status === 'done') return this.endPlayback(p, { bargedIn: false });
    // A failed playback means a missing file, or a caller hanging up (its hangup may come right after).
    setTimeout(() => {
      if (this.playback === p) this.endPlayback(p, this.hungUp !== undefined ? new IvrCallerHangupError(this.hungUp, this.callId) : new PromptNotFoundError(p.prompts.join(',')));
    }, FAILED_PLAYBACK_GRACE_MS).unref();
  }

  onRecordingFinished(name: string): void {
    if (this.recording?.name === name) this.recording.done();
  }

  onHangup(cause: number): void {
    if (this.hungUp !== undefined) return;
    this.hungUp = cause;
    const err = new IvrCallerHangupError(cause, this.callId);
    if (this.playback) this.endPlayback(this.playback, err);
    this.collect?.fail(err);
    this.recording?.done();
  }

  get ended(): boolean {
    return this.hungUp !== undefined;
  }

  // ---- IvrContext ----

  async play(prompts: string[], options: IvrPlayOptions = {}): Promise<IvrPlayResult> {
    this.assertAlive();
    if (options.bargeIn && this.buffer.length > 0) return { bargedIn: true };
    if (this.lastInputAt !== undefined) {
      this.observation.dtmfToPromptMs = performance.now() - this.lastInputAt;
      this.lastInputAt = undefined;
    }
    const id = randomUUID();
    let accept!: () => void;
    const accepted = new Promise<void>((resolve) => (accept = resolve));
    const finished = new Promise<IvrPlayResult>((resolve, reject) => {
      this.playback = { id, prompts, bargeIn: !!options.bargeIn, accepted, settle: (r) => (r instanceof Error ? reject(r) : resolve(r)) };
    });
    // The caller may hang up (or the prompt fail) while the play request is still in flight,
    // before anything awaits `finished`: under load the PBX's hangup event overtakes the reply.
    // Node exits on a rejection without a handler at that moment, so mark it handled now; the
    // node still gets the rejection where it awaits `finished` below.
    finished.catch(() => undefined);
    this.port.trackPlayback(id, this);
    try {
      await this.driver.play(this.channelId, prompts, { playbackId: id });
      accept();
    } catch (err) {
      if (this.playback?.id === id) {
        this.playback = undefined;
        this.port.trackPlayback(id, undefined);
      }
      throw this.translate(err);
    }
    return finished;
  }

  collectDigits(options: IvrCollectOptions): Promise<IvrCollectResult> {
    this.assertAlive();
    const collected = new Promise<IvrCollectResult>((resolve, reject) => {
      let digits = '';
      let lastAt: number | undefined;
      let timer: NodeJS.Timeout | undefined;
      const finish = (reason: IvrCollectResult['reason']): void => {
        clearTimeout(timer);
        this.collect = undefined;
        if (lastAt !== undefined && reason !== 'timeout') this.lastInputAt = lastAt;
        const r = { digits, reason };
        this.observeInput(r);
        resolve(r);
      };
      const arm = (): void => {
        clearTimeout(timer);
        timer = setTimeout(() => finish(digits ? 'inter-digit-timeout' : 'timeout'), digits ? options.interDigitTimeoutMs : options.timeoutMs);
      };
      const poke = (): void => {
        let took = false;
        while (this.buffer.length > 0) {
          const key = this.buffer.shift()!;
          lastAt = key.at;
          took = true;
          if (options.terminator && key.digit === options.terminator) return finish('terminator');
          digits += key.digit;
          if (digits.length >= options.max) return finish('max');
        }
        if (took) arm();
      };
      this.collect = {
        poke,
        fail: (err) => {
          clearTimeout(timer);
          this.collect = undefined;
          reject(err);
        },
      };
      arm();
      poke();
    });
    // Same as play(): a node may start collecting and await something else first (type-ahead);
    // a hangup meanwhile must not be an unhandled rejection. The caller still sees it.
    collected.catch(() => undefined);
    return collected;
  }

  async answer(): Promise<void> {
    if (this.call.answered) return;
    await this.command(() => this.driver.answer(this.channelId));
    this.call.answered = true;
    this.port.answered(this.call, new Date());
  }

  /** Hangs the caller up; the flow ended the call, so unless it decided otherwise it is IVR_COMPLETED. */
  async hangup(cause = 16): Promise<void> {
    if (this.hungUp !== undefined) return;
    if (!this.outcome) this.mark('IVR_COMPLETED');
    try {
      await this.driver.hangup(this.channelId, cause);
    } catch (err) {
      // The caller hung up first: nothing left to do.
      if (!(err instanceof ChannelNotFoundError)) throw err;
    }
  }

  async transfer(target: { extension: string; context?: string }): Promise<void> {
    this.assertAlive();
    this.mark('TRANSFERRED');
    await this.command(() => this.driver.redirect(this.channelId, target));
  }

  /** Records the caller for voicemail (the call's disposition becomes VOICEMAIL). */
  async record(options: { name: string; maxDurationS: number; beep: boolean }): Promise<void> {
    this.assertAlive();
    this.mark('VOICEMAIL');
    const done = new Promise<void>((resolve) => (this.recording = { name: options.name, done: resolve }));
    await this.command(() => this.driver.record({ channelId: this.channelId }, { name: options.name, maxDurationS: options.maxDurationS, beep: options.beep, format: 'wav' }));
    // A voicemail ends when the recording does or, usually, when the caller hangs up.
    await done;
    this.recording = undefined;
  }

  async handOff(target: CallTarget): Promise<void> {
    this.assertAlive();
    await this.port.handOff(this.call, target);
  }

  override failing(): void {
    this.mark('FAILED');
  }

  private mark(outcome: IvrCallOutcome): void {
    this.outcome = outcome;
    this.port.markOutcome(this.call, outcome);
  }

  /** Stop everything pending (service shutdown). */
  dispose(): void {
    this.onHangup(this.hungUp ?? 16);
  }

  private endPlayback(p: PendingPlayback, result: IvrPlayResult | Error): void {
    if (this.playback === p) this.playback = undefined;
    this.port.trackPlayback(p.id, undefined);
    p.settle(result);
  }

  private assertAlive(): void {
    if (this.hungUp !== undefined) throw new IvrCallerHangupError(this.hungUp, this.callId);
  }

  private async command(run: () => Promise<void>): Promise<void> {
    this.assertAlive();
    try {
      await run();
    } catch (err) {
      throw this.translate(err);
    }
  }

  private translate(err: unknown): unknown {
    return err instanceof ChannelNotFoundError ? new IvrCallerHangupError(this.hungUp ?? 16, this.callId) : err;
  }
}
