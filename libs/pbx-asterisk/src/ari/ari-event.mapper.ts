import type {
  BlindTransferEvent,
  BridgeEnteredEvent,
  BridgeLeftEvent,
  ChannelDtmfEvent,
  EndpointState,
  PbxEventBody,
  PlaybackFinishedEvent,
  PlaybackStartedEvent,
  RecordingFinishedEvent,
  RecordingStartedEvent,
} from '@callplane/pbx';
import type { AriEventMap, AriPlayback } from './ari.types';

type Body<E> = Omit<E, 'nodeId' | 'at'>;

/** Splits an ARI `target_uri` (`channel:<id>`, `bridge:<id>`). */
export function playbackTarget(p: AriPlayback): { channelId?: string; bridgeId?: string } {
  const uri = p.target_uri ?? '';
  if (uri.startsWith('channel:')) return { channelId: uri.slice(8) };
  if (uri.startsWith('bridge:')) return { bridgeId: uri.slice(7) };
  return {};
}

export function playbackStarted(e: AriEventMap['PlaybackStarted']): Body<PlaybackStartedEvent> {
  return { type: 'playback.started', playbackId: e.playback.id, ...playbackTarget(e.playback) };
}

/**
 * `PlaybackFinished.playback.state`: `done` (played out, or stopped by `DELETE /playbacks/{id}`,
 * recorded: inbound-dtmf-bargein) or `failed` (the channel hung up or the file is missing,
 * recorded: inbound-caller-hangup-during-playback).
 */
export function playbackFinished(e: AriEventMap['PlaybackFinished']): Body<PlaybackFinishedEvent> {
  return {
    type: 'playback.finished',
    playbackId: e.playback.id,
    ...playbackTarget(e.playback),
    status: e.playback.state === 'failed' ? 'failed' : 'done',
    ...(e.playback.state === 'failed' ? { reason: `ARI playback of ${e.playback.media_uri ?? 'the media'} failed (missing or unplayable)` } : {}),
  };
}

export function dtmfReceived(e: AriEventMap['ChannelDtmfReceived']): Body<ChannelDtmfEvent> {
  if (typeof e.digit !== 'string' || e.digit.length === 0) throw new Error('ChannelDtmfReceived without digit');
  return { type: 'channel.dtmf', channelId: e.channel.id, digit: e.digit, durationMs: Number(e.duration_ms) || 0 };
}

export function bridgeEntered(e: AriEventMap['ChannelEnteredBridge']): Body<BridgeEnteredEvent> {
  return { type: 'bridge.entered', bridgeId: e.bridge.id, channelId: e.channel.id };
}

export function bridgeLeft(e: AriEventMap['ChannelLeftBridge']): Body<BridgeLeftEvent> {
  return { type: 'bridge.left', bridgeId: e.bridge.id, channelId: e.channel.id };
}

export function recordingStarted(e: AriEventMap['RecordingStarted']): Body<RecordingStartedEvent> {
  return { type: 'recording.started', name: e.recording.name, target: e.recording.target_uri };
}

/** RecordingFinished (`duration` s) → done; RecordingFailed → failed. */
export function recordingFinished(e: AriEventMap['RecordingFinished'] | AriEventMap['RecordingFailed']): Body<RecordingFinishedEvent> {
  const body: Body<RecordingFinishedEvent> = {
    type: 'recording.finished',
    name: e.recording.name,
    target: e.recording.target_uri,
    status: e.type === 'RecordingFailed' || e.recording.state === 'failed' ? 'failed' : 'done',
  };
  if (typeof e.recording.duration === 'number') body.durationS = e.recording.duration;
  return body;
}

/**
 * `BridgeBlindTransfer` (recorded: phone-refer-blind): `channel` = transferer, `transferee`,
 * `replace_channel` = the Local;1 channel that takes the transferer's place, `exten` = target.
 */
export function blindTransfer(e: AriEventMap['BridgeBlindTransfer']): Body<BlindTransferEvent> {
  const body: Body<BlindTransferEvent> = { type: 'transfer.blind', transfererChannelId: e.channel.id, target: e.exten };
  if (e.transferee?.id) body.transfereeChannelId = e.transferee.id;
  if (e.replace_channel?.id) body.replacementChannelId = e.replace_channel.id;
  return body;
}

/** ARI `Endpoint.state` (unknown, offline, online) → port state. */
export function endpointState(state: string | undefined): EndpointState {
  return state === 'online' ? 'online' : state === 'offline' ? 'offline' : 'unknown';
}

/** `EndpointStateChange` of a PJSIP endpoint (needs `eventSource=endpoint:PJSIP`, recorded: registrations). */
export function endpointStateChange(e: AriEventMap['EndpointStateChange']): Extract<PbxEventBody, { type: 'endpoint.state' }> {
  if (!e.endpoint?.resource) throw new Error('EndpointStateChange without endpoint.resource');
  return { type: 'endpoint.state', endpoint: e.endpoint.resource, state: endpointState(e.endpoint.state) };
}
