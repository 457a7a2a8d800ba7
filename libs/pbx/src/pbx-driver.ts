import type { PbxEvent, PbxEventBody } from './pbx-event';
import type {
  BridgeType,
  ChannelSnapshot,
  EndpointSnapshot,
  PartyId,
  PbxHealth,
  PbxSnapshot,
  PbxType,
  RtpStatistics,
} from './pbx.types';

export type PbxEventListener = (event: PbxEvent) => void;

/** Request to ring an endpoint (an agent phone, a number through a trunk). */
export interface OriginateRequest {
  /** Endpoint resource (`1001`) or full dial string with technology (`PJSIP/1001`, `sofia/gateway/gw/5551234`). */
  endpoint: string;
  /** Caller id the callee sees. */
  callerId?: PartyId;
  /** Ring timeout, s; the leg ends with cause 19 (no answer) after it. */
  timeoutS: number;
  /** Channel variables to set on the new leg. */
  variables?: Record<string, string>;
  /** Pre-chosen channel id (ARI `channelId`, FreeSWITCH `origination_uuid`); generated if absent. */
  channelId?: string;
}

export interface PlayOptions {
  /** Pre-chosen playback id; generated if absent. */
  playbackId?: string;
  /** Language for sound files (ARI `lang`). */
  language?: string;
}

export interface RecordOptions {
  /** Recording name, unique per node (becomes the file name). */
  name: string;
  /** File format; default `wav`. */
  format?: 'wav' | 'gsm' | 'ulaw';
  /** Stop after this many s; 0 = no limit. */
  maxDurationS?: number;
  /** Play a beep first. */
  beep?: boolean;
}

/** `spy`: which audio the snoop hears; `whisper`: which direction it can talk into. */
export interface SnoopOptions {
  spy: 'none' | 'in' | 'out' | 'both';
  whisper: 'none' | 'in' | 'out' | 'both';
  /** Handed back in the snoop channel's args. */
  args?: string[];
}

/**
 * THE PORT. One instance drives one PBX node. Everything above the port (calls, ACD, IVR,
 * transfers, recording, quality) talks only to this class; adapters never leak protocol types.
 *
 * Contract (checked by the driver contract suite in libs/testing against both simulators):
 * - `start()` resolves once the first connection attempt finished (success or not) and keeps
 *   reconnecting in the background with capped exponential backoff and jitter, forever.
 * - Each (re)connect emits `driver.connected` with a {@link PbxSnapshot}; each loss emits
 *   `driver.disconnected`.
 * - Commands reject with {@link PbxError} subclasses only (ChannelNotFoundError,
 *   PbxUnavailableError, OriginateFailedError, …), never with raw protocol errors, and never
 *   hang: every request has a timeout.
 * - Every string argument is checked before anything is sent (wire-value.guard.ts): ids,
 *   endpoints, extensions, contexts, variable names and digits are tokens (`assertWireToken`),
 *   free text (variable values, caller names, prompts, snoop args) must hold no control character
 *   (`assertWireSafe`). A value that fails rejects with `PbxInvalidArgumentError`
 *   (`pbx-invalid-argument`) and nothing reaches the PBX, on every driver alike.
 * - A malformed frame/event from the PBX is logged and skipped.
 */
export abstract class PbxDriver {
  abstract readonly nodeId: string;
  abstract readonly type: PbxType;

  private readonly listeners = new Set<PbxEventListener>();

  /** Subscribe to every event of this node; returns the unsubscribe function. */
  onEvent(listener: PbxEventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stamps node id and time, then delivers synchronously to every listener; a throwing listener is isolated. */
  protected emit(body: PbxEventBody & { at?: Date }): void {
    const event = { at: new Date(), ...body, nodeId: this.nodeId } as PbxEvent;
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }

  /** Called when a listener throws; drivers log it. */
  protected abstract onListenerError(err: unknown, event: PbxEvent): void;

  /** Connect (first attempt awaited) and keep reconnecting until {@link stop}. */
  abstract start(): Promise<void>;
  /** Close every link; no more events. */
  abstract stop(): Promise<void>;
  /** Link state for `/health`. */
  abstract health(): PbxHealth;
  /** Live channels and bridges (resync). @throws PbxUnavailableError */
  abstract snapshot(): Promise<PbxSnapshot>;

  /** Answer a ringing inbound channel. @throws ChannelNotFoundError */
  abstract answer(channelId: string): Promise<void>;
  /** Hang up with a Q.850 cause (default 16). @throws ChannelNotFoundError when already gone */
  abstract hangup(channelId: string, cause?: number): Promise<void>;
  /** Signal ringing to an unanswered inbound channel. */
  abstract ring(channelId: string): Promise<void>;

  /**
   * Play prompts (see prompt.ts) in order to a channel; resolves with the playback id once the
   * PBX accepted it. Completion comes as `playback.finished`.
   * @throws InvalidPromptError, ChannelNotFoundError, PromptNotFoundError (when the PBX says so up front)
   */
  abstract play(channelId: string, prompts: string[], options?: PlayOptions): Promise<string>;
  /**
   * Which of these prompts exist on the PBX, asked from the PBX's own media (Asterisk: ARI
   * `GET /sounds`; FreeSWITCH: `file_exists` on the file the driver would play). Only
   * file-backed prompts are checked — `sound:` and, where the driver plays it from a file,
   * `recording:`; generated ones (`digits:`, `number:`, `date:`, `tone:`, `silence:`) and
   * invalid URIs are left out of the map. For flow validation, not for the call path.
   * @returns prompt URI → whether the PBX has it, for every prompt it checked
   * @throws PbxUnavailableError when the PBX cannot be asked (link down, timeout)
   */
  abstract promptsExist(prompts: string[], options?: { language?: string }): Promise<Map<string, boolean>>;
  /** Stop a playback (barge-in). Resolves if it already finished. */
  abstract stopPlayback(playbackId: string): Promise<void>;
  /** Send DTMF digits to a channel. */
  abstract sendDtmf(channelId: string, digits: string): Promise<void>;

  /**
   * Create a new outbound leg and dial it. Resolves with the channel once the PBX accepted it
   * (ringing follows as `channel.state`, answer as `channel.state` `up`, failure as
   * `channel.hangup` with cause 17 busy / 19 no answer / 20 absent).
   * @throws OriginateFailedError when it fails before ringing (e.g. endpoint not registered)
   */
  abstract originate(request: OriginateRequest): Promise<ChannelSnapshot>;

  /** @returns the new bridge id */
  abstract createBridge(type: BridgeType, bridgeId?: string): Promise<string>;
  abstract destroyBridge(bridgeId: string): Promise<void>;
  /** @throws BridgeNotFoundError, ChannelNotFoundError */
  abstract addToBridge(bridgeId: string, channelIds: string[]): Promise<void>;
  abstract removeFromBridge(bridgeId: string, channelId: string): Promise<void>;
  /** Music on hold to everyone in a (holding) bridge. */
  abstract startBridgeMoh(bridgeId: string, mohClass?: string): Promise<void>;
  abstract stopBridgeMoh(bridgeId: string): Promise<void>;

  /** Put a channel on hold (the far party hears MOH) / take it off. */
  abstract hold(channelId: string): Promise<void>;
  abstract unhold(channelId: string): Promise<void>;
  abstract mute(channelId: string, direction?: 'in' | 'out' | 'both'): Promise<void>;
  abstract unmute(channelId: string, direction?: 'in' | 'out' | 'both'): Promise<void>;

  /** Start recording a channel or a bridge. Completion comes as `recording.finished`. */
  abstract record(target: { channelId: string } | { bridgeId: string }, options: RecordOptions): Promise<void>;
  abstract stopRecording(name: string): Promise<void>;

  /** Spy on / whisper to a channel; the snoop channel is returned (not offered as a call). */
  abstract snoop(channelId: string, options: SnoopOptions): Promise<ChannelSnapshot>;

  /** Current RTP statistics of a leg (ARI `GET /channels/{id}/rtp_statistics`). */
  abstract rtpStatistics(channelId: string): Promise<RtpStatistics>;

  /** Send a channel out of callplane's control to a dialplan extension (blind transfer). */
  abstract redirect(channelId: string, target: { extension: string; context?: string }): Promise<void>;

  abstract setVariable(channelId: string, name: string, value: string): Promise<void>;
  abstract getVariable(channelId: string, name: string): Promise<string | undefined>;

  /** Registration state of one endpoint. */
  abstract endpoint(resource: string): Promise<EndpointSnapshot>;
}
