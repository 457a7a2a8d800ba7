import { DomainError } from '@callplane/core';

/**
 * Errors every driver raises instead of raw protocol errors. Adapters translate at the
 * boundary (ARI 404 → ChannelNotFoundError, ESL `-ERR No such channel!` → ChannelNotFoundError).
 */
export abstract class PbxError extends DomainError {}

/** The channel is gone or never existed (ARI 404 "Channel not found"; ESL "-ERR No such channel!"). */
export class ChannelNotFoundError extends PbxError {
  readonly code = 'channel-not-found';
  override readonly httpStatus = 404;
  constructor(readonly channelId: string) {
    super(`Channel ${channelId} not found`, { channelId });
  }
}

export class BridgeNotFoundError extends PbxError {
  readonly code = 'bridge-not-found';
  override readonly httpStatus = 404;
  constructor(readonly bridgeId: string) {
    super(`Bridge ${bridgeId} not found`, { bridgeId });
  }
}

export class PlaybackNotFoundError extends PbxError {
  readonly code = 'playback-not-found';
  override readonly httpStatus = 404;
  constructor(readonly playbackId: string) {
    super(`Playback ${playbackId} not found`, { playbackId });
  }
}

export class RecordingNotFoundError extends PbxError {
  readonly code = 'recording-not-found';
  override readonly httpStatus = 404;
  constructor(readonly recordingName: string) {
    super(`Recording ${recordingName} not found`, { recordingName });
  }
}

/** The channel exists but is in a state where the command is illegal (ARI 409, e.g. not in Stasis). */
export class ChannelStateError extends PbxError {
  readonly code = 'channel-state-conflict';
  override readonly httpStatus = 409;
}

/** The PBX node is not connected (or the request timed out); the caller may retry later. HTTP 503. */
export class PbxUnavailableError extends PbxError {
  readonly code = 'pbx-unavailable';
  override readonly httpStatus = 503;
  constructor(readonly nodeId: string, reason: string) {
    super(`PBX node ${nodeId} unavailable: ${reason}`, { nodeId });
  }
}

/**
 * Originate failed before any channel rang: endpoint not registered (ARI 500 "Allocation
 * failed"; ESL `-ERR USER_NOT_REGISTERED`), unknown endpoint, busy at once. `cause` is Q.850.
 */
export class OriginateFailedError extends PbxError {
  readonly code = 'originate-failed';
  override readonly httpStatus = 502;
  constructor(readonly endpoint: string, readonly q850Cause: number, reason: string) {
    super(`Originate to ${endpoint} failed: ${reason}`, { endpoint, cause: q850Cause });
  }
}

/** A prompt's sound file/recording does not exist on the PBX; IVR flows take their error branch. */
export class PromptNotFoundError extends PbxError {
  readonly code = 'prompt-not-found';
  override readonly httpStatus = 404;
  constructor(readonly prompt: string) {
    super(`Prompt ${prompt} not found on the PBX`, { prompt });
  }
}

/** The prompt URI is not one callplane understands (see prompt.ts). */
export class InvalidPromptError extends PbxError {
  readonly code = 'invalid-prompt';
  constructor(readonly prompt: string) {
    super(`Invalid prompt URI: ${prompt}`, { prompt });
  }
}

/**
 * A caller-supplied value cannot go on the wire as it is: a control character (CR, LF, NUL, …),
 * a character the command's argument position cannot carry, or too long (see
 * wire-value.guard.ts). Thrown before anything is sent, the same on every PBX. HTTP 400.
 */
export class PbxInvalidArgumentError extends PbxError {
  readonly code = 'pbx-invalid-argument';
  constructor(readonly field: string, readonly reason: string) {
    super(`Invalid ${field} for the PBX: ${reason}`, { field });
  }
}

/** Any other refusal by the PBX; `pbxMessage` keeps the PBX's words for logs. */
export class PbxCommandError extends PbxError {
  readonly code = 'pbx-command-failed';
  override readonly httpStatus = 502;
  constructor(readonly command: string, readonly pbxMessage: string) {
    super(`PBX command ${command} failed: ${pbxMessage}`, { command });
  }
}
