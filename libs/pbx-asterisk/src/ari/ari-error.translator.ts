import {
  BridgeNotFoundError,
  ChannelNotFoundError,
  ChannelStateError,
  OriginateFailedError,
  PbxCommandError,
  PbxError,
  PbxUnavailableError,
  PlaybackNotFoundError,
  PromptNotFoundError,
  RecordingNotFoundError,
  Q850,
} from '@callplane/pbx';
import { AriHttpError, AriTransportError } from './ari-http.client';
import { AriAuthError } from './ari-events.socket';

/** What a failed ARI request was about, so the translated error can name it. */
export interface AriErrorContext {
  nodeId: string;
  command: string;
  channelId?: string;
  bridgeId?: string;
  playbackId?: string;
  recordingName?: string;
  /** Set for originate: a refusal becomes OriginateFailedError. */
  endpoint?: string;
  /** Set for play: a 404 "not found" about media becomes PromptNotFoundError. */
  prompt?: string;
}

/**
 * Translates an ARI failure into the port's {@link PbxError}s at the boundary. Status and
 * Asterisk's message decide (Asterisk ARI res/ari/resource_*.c messages):
 * - 404/400/422 "Channel not found" → ChannelNotFoundError; "Bridge not found" →
 *   BridgeNotFoundError; "Playback not found" → PlaybackNotFoundError; "Recording not found" →
 *   RecordingNotFoundError;
 * - 409 (e.g. "Channel not in Stasis application") and 412 ("Channel in invalid state") →
 *   ChannelStateError;
 * - originate: 500 "Allocation failed" (endpoint not registered, recorded: originate-unregistered)
 *   → OriginateFailedError cause 20; other 4xx/5xx → OriginateFailedError cause 1/31;
 * - timeouts and connection failures → PbxUnavailableError; anything else → PbxCommandError.
 */
export function translateAriError(err: unknown, ctx: AriErrorContext): PbxError {
  if (err instanceof PbxError) return err;
  if (err instanceof AriTransportError || err instanceof AriAuthError) return new PbxUnavailableError(ctx.nodeId, err.message);
  if (!(err instanceof AriHttpError)) return new PbxCommandError(ctx.command, err instanceof Error ? err.message : String(err));

  const msg = err.message.toLowerCase();
  if (ctx.endpoint !== undefined && !(ctx.channelId && msg.includes('channel not found'))) {
    if (err.status === 500 && msg.includes('allocation failed')) {
      return new OriginateFailedError(ctx.endpoint, Q850.SUBSCRIBER_ABSENT, 'endpoint not registered (Allocation failed)');
    }
    if (err.status === 400 || err.status === 404) return new OriginateFailedError(ctx.endpoint, Q850.UNALLOCATED_NUMBER, err.message);
    if (err.status >= 400 && err.status !== 409) return new OriginateFailedError(ctx.endpoint, Q850.NORMAL_UNSPECIFIED, err.message);
  }
  // A bare 404 (no Asterisk message) is about the one resource the request names.
  const bare404 = err.status === 404 && (msg === 'http 404' || msg === 'not found');
  if (msg.includes('channel not found') || (bare404 && ctx.channelId && !ctx.bridgeId)) return new ChannelNotFoundError(ctx.channelId ?? '');
  if (msg.includes('bridge not found') || (bare404 && ctx.bridgeId)) return new BridgeNotFoundError(ctx.bridgeId ?? '');
  if (msg.includes('playback not found') || (bare404 && ctx.playbackId)) return new PlaybackNotFoundError(ctx.playbackId ?? '');
  if (msg.includes('recording not found') || (bare404 && ctx.recordingName)) return new RecordingNotFoundError(ctx.recordingName ?? '');
  if (ctx.prompt !== undefined && (err.status === 404 || err.status === 422)) return new PromptNotFoundError(ctx.prompt);
  if (err.status === 409 || err.status === 412) return new ChannelStateError(`${ctx.command}: ${err.message}`, { channelId: ctx.channelId });
  if (err.status === 503 || err.status === 502) return new PbxUnavailableError(ctx.nodeId, err.message);
  return new PbxCommandError(ctx.command, `${err.status} ${err.message}`);
}
