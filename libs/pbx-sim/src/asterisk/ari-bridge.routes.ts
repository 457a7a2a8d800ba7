import { bridgeJson } from './ari-json.builder';
import { AriError } from './ari-error';
import { type AriDeps, type AriRoute, created, noContent, ok, params } from './ari-route.types';
import type { SimBridgeType, SimChannel } from './sim-model.types';

const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Bridge `type` query (comma-separated flags, bridges.json): `holding` wins, else mixing. */
function bridgeType(v: string | undefined): SimBridgeType {
  const flags = list(v);
  for (const f of flags) {
    if (!['mixing', 'holding', 'dtmf_events', 'proxy_media', 'video_sfu', 'video_single', 'sdp_label'].includes(f)) {
      throw AriError.badRequest('Invalid bridge type');
    }
  }
  return flags.includes('holding') ? 'holding' : 'mixing';
}

/** Routes of Asterisk ARI bridges.json that callplane's port needs. */
export function bridgeRoutes(d: AriDeps): AriRoute[] {
  const { ctx } = d;
  const B = '/bridges/{bridgeId}';
  const channelsOf = (ids: string[]): SimChannel[] => {
    if (ids.length === 0) throw AriError.badRequest('missing required parameter: channel');
    return ids.map((id) => {
      const ch = ctx.channels.get(id);
      if (!ch || ch.gone) throw AriError.badRequest('Channel not found');
      return ch;
    });
  };
  const play = (bridgeId: string, playbackId: string | undefined, q: Record<string, string>) =>
    created(d.playbacks.play({ bridge: ctx.bridge(bridgeId) }, list(q.media), q.lang || 'en', playbackId ?? q.playbackId));

  return [
    { method: 'GET', path: '/bridges', nickname: 'list', summary: 'List all active bridges in Asterisk.', responseClass: 'List[Bridge]', params: [],
      handler: () => ok([...ctx.bridges.values()].map(bridgeJson)) },
    { method: 'POST', path: '/bridges', nickname: 'create', summary: 'Create a new bridge.', responseClass: 'Bridge', params: params('/bridges', 'type', 'bridgeId', 'name'),
      handler: ({ query: q }) => ok(bridgeJson(d.bridges.create(bridgeType(q.type), q.bridgeId || undefined, q.name ?? ''))) },
    { method: 'POST', path: B, nickname: 'createWithId', summary: 'Create a new bridge or update an existing one.', responseClass: 'Bridge', params: params(B, 'type', 'name'),
      handler: ({ path, query: q }) => {
        const existing = ctx.bridges.get(path.bridgeId);
        if (existing) return ok(bridgeJson(existing));
        return ok(bridgeJson(d.bridges.create(bridgeType(q.type), path.bridgeId, q.name ?? '')));
      } },
    { method: 'GET', path: B, nickname: 'get', summary: 'Get bridge details.', responseClass: 'Bridge', params: params(B),
      handler: ({ path }) => ok(bridgeJson(ctx.bridge(path.bridgeId))) },
    { method: 'DELETE', path: B, nickname: 'destroy', summary: 'Shut down a bridge.', responseClass: 'void', params: params(B),
      handler: ({ path }) => {
        const br = ctx.bridge(path.bridgeId);
        d.recordings.finishAll(br);
        d.playbacks.abortAll(br);
        d.bridges.destroy(br);
        return noContent();
      } },
    { method: 'POST', path: `${B}/addChannel`, nickname: 'addChannel', summary: 'Add a channel to a bridge.', responseClass: 'void',
      params: params(`${B}/addChannel`, 'channel!*', 'role', 'absorbDTMF:bool', 'mute:bool', 'inhibitConnectedLineUpdates:bool'),
      errors: [{ code: 400, reason: 'Channel not found' }, { code: 404, reason: 'Bridge not found' }, { code: 409, reason: 'Bridge not in Stasis application' }, { code: 422, reason: 'Channel not in Stasis application' }],
      handler: ({ path, query: q }) => {
        const br = ctx.bridge(path.bridgeId);
        d.bridges.add(br, channelsOf(list(q.channel)));
        return noContent();
      } },
    { method: 'POST', path: `${B}/removeChannel`, nickname: 'removeChannel', summary: 'Remove a channel from a bridge.', responseClass: 'void',
      params: params(`${B}/removeChannel`, 'channel!*'),
      handler: ({ path, query: q }) => {
        const br = ctx.bridge(path.bridgeId);
        for (const ch of channelsOf(list(q.channel))) d.bridges.remove(br, ch);
        if (br.channelIds.length === 0) d.recordings.finishAll(br);
        return noContent();
      } },
    { method: 'POST', path: `${B}/moh`, nickname: 'startMoh', summary: 'Play music on hold to a bridge or change the MOH class that is playing.', responseClass: 'void',
      params: params(`${B}/moh`, 'mohClass'), handler: ({ path, query: q }) => (d.bridges.startMoh(ctx.bridge(path.bridgeId), q.mohClass || 'default'), noContent()) },
    { method: 'DELETE', path: `${B}/moh`, nickname: 'stopMoh', summary: 'Stop playing music on hold to a bridge.', responseClass: 'void',
      params: params(`${B}/moh`), handler: ({ path }) => (d.bridges.stopMoh(ctx.bridge(path.bridgeId)), noContent()) },
    { method: 'POST', path: `${B}/play`, nickname: 'play', summary: 'Start playback of media on a bridge.', responseClass: 'Playback',
      params: params(`${B}/play`, 'media!*', 'lang', 'offsetms:int', 'skipms:int', 'playbackId'), handler: ({ path, query }) => play(path.bridgeId, undefined, query) },
    { method: 'POST', path: `${B}/play/{playbackId}`, nickname: 'playWithId', summary: 'Start playback of media on a bridge (with id).', responseClass: 'Playback',
      params: params(`${B}/play/{playbackId}`, 'media!*', 'lang', 'offsetms:int', 'skipms:int'), handler: ({ path, query }) => play(path.bridgeId, path.playbackId, query) },
    { method: 'POST', path: `${B}/record`, nickname: 'record', summary: 'Start a recording.', responseClass: 'LiveRecording',
      params: params(`${B}/record`, 'name!', 'format!', 'maxDurationSeconds:int', 'maxSilenceSeconds:int', 'ifExists', 'beep:bool', 'terminateOn'),
      handler: ({ path, query: q }) =>
        created(d.recordings.start({ bridge: ctx.bridge(path.bridgeId) }, { name: q.name, format: q.format, maxDurationSeconds: Number(q.maxDurationSeconds ?? 0) || 0, ifExists: q.ifExists ?? 'fail' })) },
  ];
}
