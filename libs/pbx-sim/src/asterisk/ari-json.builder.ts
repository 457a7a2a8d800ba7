import type { SimBridge, SimChannel, SimEndpoint, SimPlayback, SimRecording } from './sim-model.types';

/**
 * JSON shapes of ARI objects exactly as Asterisk 22 serialises them (key order included), per the
 * recorded traffic in test/fixtures/asterisk and the models of Asterisk ARI channels.json,
 * bridges.json, playbacks.json, recordings.json, endpoints.json.
 */

/** ARI timestamp format: `2026-11-21T19:10:06.421+0000`. */
export function ariTimestamp(ms: number = Date.now()): string {
  return new Date(ms).toISOString().replace('Z', '+0000');
}

/** ARI `Channel` (channels.json). */
export function channelJson(ch: SimChannel): Record<string, unknown> {
  return {
    id: ch.id,
    name: ch.name,
    state: ch.state,
    protocol_id: ch.protocolId,
    caller: { name: ch.caller.name, number: ch.caller.number },
    connected: { name: ch.connected.name, number: ch.connected.number },
    accountcode: '',
    dialplan: { ...ch.dialplan },
    creationtime: ch.creationtime,
    language: ch.language,
  };
}

/** ARI `Bridge` (bridges.json). */
export function bridgeJson(br: SimBridge): Record<string, unknown> {
  return {
    id: br.id,
    technology: br.technology,
    bridge_type: br.type,
    bridge_class: 'stasis',
    creator: 'Stasis',
    name: br.name,
    channels: [...br.channelIds],
    creationtime: br.creationtime,
    video_mode: 'talker',
  };
}

/** ARI `Playback` (playbacks.json); `next_media_uri` only while more media are queued. */
export function playbackJson(pb: SimPlayback): Record<string, unknown> {
  const json: Record<string, unknown> = {
    id: pb.id,
    media_uri: pb.media[Math.min(pb.index, pb.media.length - 1)],
  };
  if (pb.index + 1 < pb.media.length) json.next_media_uri = pb.media[pb.index + 1];
  json.target_uri = pb.targetUri;
  json.language = pb.language;
  json.state = pb.state;
  return json;
}

/** ARI `Endpoint` (endpoints.json). */
export function endpointJson(ep: SimEndpoint, channelIds: string[]): Record<string, unknown> {
  return { technology: 'PJSIP', resource: ep.resource, state: ep.state, channel_ids: channelIds };
}

/** ARI `LiveRecording` (recordings.json). */
export function liveRecordingJson(rec: SimRecording, withDuration = false): Record<string, unknown> {
  const json: Record<string, unknown> = {
    name: rec.name,
    format: rec.format,
    state: rec.state,
    target_uri: rec.targetUri,
  };
  if (withDuration) json.duration = Math.round((Date.now() - rec.startedAt) / 1000);
  return json;
}
