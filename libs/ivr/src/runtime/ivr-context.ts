import type { CallTarget } from '@callplane/calls';

/** Options of {@link IvrContext.play}. */
export interface IvrPlayOptions {
  /** A DTMF digit during the prompt stops it (the digit stays buffered as input). Default false. */
  bargeIn?: boolean;
}

export interface IvrPlayResult {
  /** true when a digit stopped the prompt (or a digit was already buffered and the prompt was skipped). */
  bargedIn: boolean;
}

/** Options of {@link IvrContext.collectDigits}. Times in ms. */
export interface IvrCollectOptions {
  /** Stop after this many digits. */
  max: number;
  /** Digit that ends input early (not included in the result), e.g. `#`. */
  terminator?: string;
  /** Max silence between two digits once the first came, ms. */
  interDigitTimeoutMs: number;
  /** Max wait for the first digit, ms. */
  timeoutMs: number;
}

/**
 * `max`: got `max` digits; `terminator`: the terminator ended input; `timeout`: no digit at all
 * within `timeoutMs`; `inter-digit-timeout`: some digits, then silence.
 */
export type IvrCollectReason = 'max' | 'terminator' | 'timeout' | 'inter-digit-timeout';

export interface IvrCollectResult {
  digits: string;
  reason: IvrCollectReason;
}

/**
 * What a node sees of the call it runs on. The same interface runs on a live PBX channel
 * (through the port) and in `simulate` (no PBX: digits, variables and time are given).
 * Every wait rejects with IvrCallerHangupError once the caller hung up.
 */
export interface IvrContext {
  /** Call row id (uuid); `simulation` in simulate. */
  readonly callId: string;
  readonly flowId: string;
  readonly flowVersion: number;
  /** Id of the node being executed. */
  readonly nodeId: string;
  readonly callerNumber: string;
  readonly calledNumber: string;
  /** Call variables (strings), shared by all nodes of the call; nodes may write them. */
  readonly variables: Record<string, string>;
  /** true in `simulate` (no PBX, no outside effects such as queue hand-off). */
  readonly simulated: boolean;
  /** Current time (the simulated `at` in simulate). */
  now(): Date;
  /**
   * Play PBX-neutral prompt URIs (`sound:`, `digits:`, `number:`, `date:`, `recording:`, `tone:`)
   * in order and resolve when they finished or a digit stopped them (barge-in).
   * @throws PromptNotFoundError when the PBX has no such sound/recording
   */
  play(prompts: string[], options?: IvrPlayOptions): Promise<IvrPlayResult>;
  /** Collect DTMF digits (buffered digits typed ahead count first). */
  collectDigits(options: IvrCollectOptions): Promise<IvrCollectResult>;
  /** Answer the caller's channel (no-op when already answered). */
  answer(): Promise<void>;
  /** Hang up the caller with a Q.850 cause (default 16). */
  hangup(cause?: number): Promise<void>;
  /** Send the caller to a dialplan extension (blind transfer; leaves callplane's control). */
  transfer(target: { extension: string; context?: string }): Promise<void>;
  /** Record the caller into a named recording (voicemail); resolves when recording finished. */
  record(options: { name: string; maxDurationS: number; beep: boolean }): Promise<void>;
  /** Hand the call to another call target (`queue`); resolves once the target accepted it. */
  handOff(target: CallTarget): Promise<void>;
}
