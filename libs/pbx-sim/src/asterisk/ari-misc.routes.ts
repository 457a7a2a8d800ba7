import { liveRecordingJson, playbackJson } from './ari-json.builder';
import { AriError } from './ari-error';
import { type AriDeps, type AriRoute, noContent, ok, params } from './ari-route.types';
import type { SimApp } from './sim-model.types';

/**
 * Routes of Asterisk ARI playbacks.json, recordings.json, endpoints.json, applications.json,
 * asterisk.json and the events WebSocket (documented here, served by ari-ws.server.ts).
 */
export function miscRoutes(d: AriDeps): AriRoute[] {
  const { ctx } = d;
  const appJson = (app: SimApp): Record<string, unknown> => {
    const channelIds: string[] = [];
    for (const ch of ctx.channels.values()) if (ch.apps.has(app.name) && !ch.gone) channelIds.push(ch.id);
    const bridgeIds: string[] = [];
    for (const br of ctx.bridges.values()) if (br.apps.has(app.name)) bridgeIds.push(br.id);
    return {
      name: app.name, channel_ids: channelIds, bridge_ids: bridgeIds, endpoint_ids: [...app.endpointSubs], device_names: [],
      events_allowed: [...(app.allowed ?? [])].map((type) => ({ type })), events_disallowed: [...(app.disallowed ?? [])].map((type) => ({ type })),
    };
  };
  const knownApp = (name: string): SimApp => {
    const app = ctx.ari.apps.get(name);
    if (!app) throw AriError.notFound('Application not found');
    return app;
  };
  const subscription = (name: string, sources: string, add: boolean): Record<string, unknown> => {
    const app = knownApp(name);
    if (!sources) throw AriError.badRequest('Missing parameter eventSource');
    for (const src of sources.split(',')) {
      const [kind, id] = [src.slice(0, src.indexOf(':')), src.slice(src.indexOf(':') + 1)];
      if (kind === 'endpoint') {
        if (add) app.endpointSubs.add(id);
        else app.endpointSubs.delete(id);
      } else if (kind === 'channel') {
        const ch = ctx.channel(id.length ? id : '?');
        if (add) ch.apps.add(name);
        else ch.apps.delete(name);
      } else if (kind === 'bridge') {
        const br = ctx.bridge(id);
        if (add) br.apps.add(name);
        else br.apps.delete(name);
      } else if (kind !== 'deviceState') {
        throw AriError.badRequest('Invalid event source URI scheme');
      }
    }
    return appJson(app);
  };

  const PB = '/playbacks/{playbackId}';
  const RL = '/recordings/live/{recordingName}';
  const RS = '/recordings/stored/{recordingName}';
  const EP = '/endpoints/{tech}/{resource}';
  const AP = '/applications/{applicationName}';
  const epList = (tech?: string) => {
    if (tech !== undefined && tech !== 'PJSIP') throw AriError.notFound('No Endpoints found - invalid tech');
    return ok([...ctx.endpoints.values()].map((ep) => d.endpoints.json(ep)));
  };

  return [
    { method: 'GET', path: PB, nickname: 'get', summary: "Get a playback's details.", responseClass: 'Playback', params: params(PB),
      handler: ({ path }) => ok(playbackJson(d.playbacks.get(path.playbackId))) },
    { method: 'DELETE', path: PB, nickname: 'stop', summary: 'Stop a playback.', responseClass: 'void', params: params(PB),
      handler: ({ path }) => (d.playbacks.stop(path.playbackId), noContent()) },
    { method: 'POST', path: `${PB}/control`, nickname: 'control', summary: 'Control a playback.', responseClass: 'void', params: params(`${PB}/control`, 'operation!'),
      handler: ({ path, query: q }) => (d.playbacks.control(path.playbackId, q.operation), noContent()) },

    // sounds.json: List[Sound] / Sound { id, text?, formats: [FormatLangPair { language, format }] }.
    { method: 'GET', path: '/sounds', nickname: 'list', summary: 'List all sounds.', responseClass: 'List[Sound]', params: params('/sounds', 'lang', 'format'),
      handler: ({ query: q }) => ok([...ctx.options.installedSounds].map(([id, langs]) => soundJson(id, langs, q.lang, q.format)).filter((s) => s.formats.length > 0)) },
    { method: 'GET', path: '/sounds/{soundId}', nickname: 'get', summary: "Get a sound's details.", responseClass: 'Sound', params: params('/sounds/{soundId}'),
      handler: ({ path }) => {
        const langs = ctx.options.installedSounds.get(path.soundId);
        if (!langs) throw AriError.notFound('Sound not found');
        return ok(soundJson(path.soundId, langs));
      } },
    { method: 'GET', path: '/recordings/stored', nickname: 'listStored', summary: 'List recordings that are complete.', responseClass: 'List[StoredRecording]', params: [],
      handler: () => ok([...ctx.storedRecordings.values()].map((r) => ({ ...r }))) },
    { method: 'GET', path: RS, nickname: 'getStored', summary: "Get a stored recording's details.", responseClass: 'StoredRecording', params: params(RS),
      handler: ({ path }) => {
        const r = ctx.storedRecordings.get(path.recordingName);
        if (!r) throw AriError.notFound('Recording not found');
        return ok({ ...r });
      } },
    { method: 'DELETE', path: RS, nickname: 'deleteStored', summary: 'Delete a stored recording.', responseClass: 'void', params: params(RS),
      handler: ({ path }) => {
        if (!ctx.storedRecordings.delete(path.recordingName)) throw AriError.notFound('Recording not found');
        return noContent();
      } },
    { method: 'GET', path: RL, nickname: 'getLive', summary: 'List live recordings.', responseClass: 'LiveRecording', params: params(RL),
      handler: ({ path }) => ok(liveRecordingJson(d.recordings.live(path.recordingName))) },
    { method: 'DELETE', path: RL, nickname: 'cancel', summary: 'Stop a live recording and discard it.', responseClass: 'void', params: params(RL),
      handler: ({ path }) => (d.recordings.cancel(path.recordingName), noContent()) },
    { method: 'POST', path: `${RL}/stop`, nickname: 'stop', summary: 'Stop a live recording and store it.', responseClass: 'void', params: params(`${RL}/stop`),
      handler: ({ path }) => (d.recordings.stop(path.recordingName), noContent()) },
    ...(['POST', 'DELETE'] as const).map((method): AriRoute => ({
      method, path: `${RL}/pause`, nickname: method === 'POST' ? 'pause' : 'unpause', summary: method === 'POST' ? 'Pause a live recording.' : 'Unpause a live recording.',
      responseClass: 'void', params: params(`${RL}/pause`),
      handler: ({ path }) => (d.recordings.setPaused(path.recordingName, method === 'POST'), noContent()),
    })),

    { method: 'GET', path: '/endpoints', nickname: 'list', summary: 'List all endpoints.', responseClass: 'List[Endpoint]', params: [], handler: () => epList() },
    { method: 'GET', path: '/endpoints/{tech}', nickname: 'listByTech', summary: 'List available endoints for a given endpoint technology.', responseClass: 'List[Endpoint]',
      params: params('/endpoints/{tech}'), handler: ({ path }) => epList(path.tech) },
    { method: 'GET', path: EP, nickname: 'get', summary: 'Details for an endpoint.', responseClass: 'Endpoint', params: params(EP),
      handler: ({ path }) => {
        if (path.tech !== 'PJSIP') throw AriError.notFound('Endpoint not found');
        return ok(d.endpoints.json(d.endpoints.get(path.resource)));
      } },

    { method: 'GET', path: '/applications', nickname: 'list', summary: 'List all applications.', responseClass: 'List[Application]', params: [],
      handler: () => ok([...ctx.ari.apps.values()].map(appJson)) },
    { method: 'GET', path: AP, nickname: 'get', summary: 'Get details of an application.', responseClass: 'Application', params: params(AP),
      handler: ({ path }) => ok(appJson(knownApp(path.applicationName))) },
    { method: 'POST', path: `${AP}/subscription`, nickname: 'subscribe', summary: 'Subscribe an application to a event source.', responseClass: 'Application',
      params: params(`${AP}/subscription`, 'eventSource!*'), handler: ({ path, query: q }) => ok(subscription(path.applicationName, q.eventSource, true)) },
    { method: 'DELETE', path: `${AP}/subscription`, nickname: 'unsubscribe', summary: 'Unsubscribe an application from an event source.', responseClass: 'Application',
      params: params(`${AP}/subscription`, 'eventSource!*'), handler: ({ path, query: q }) => ok(subscription(path.applicationName, q.eventSource, false)) },
    { method: 'PUT', path: `${AP}/eventFilter`, nickname: 'filter', summary: 'Filter application events types.', responseClass: 'Application',
      params: params(`${AP}/eventFilter`, 'filter@'),
      handler: ({ path, body }) => {
        const app = knownApp(path.applicationName);
        const filter = (body?.filter ?? body ?? {}) as { allowed?: Array<{ type: string }>; disallowed?: Array<{ type: string }> };
        const types = (v: unknown): Set<string> | undefined => {
          if (v === undefined) return undefined;
          if (!Array.isArray(v) || v.some((e) => typeof e?.type !== 'string')) throw AriError.badRequest('Invalid format for filter');
          return new Set(v.map((e: { type: string }) => e.type));
        };
        app.allowed = types(filter.allowed);
        app.disallowed = types(filter.disallowed);
        return ok(appJson(app));
      } },

    { method: 'GET', path: '/asterisk/info', nickname: 'getInfo', summary: 'Gets Asterisk system information.', responseClass: 'AsteriskInfo', params: params('/asterisk/info', 'only*'),
      handler: () => ok({
        build: { os: 'Linux', kernel: '6.1.0', machine: 'x86_64', options: '', date: '2026-11-21 00:00:00 UTC', user: 'pbx-sim' },
        system: { version: '22.10.1', entity_id: ctx.options.asteriskId },
        config: { name: '', default_language: 'en', setid: { user: '', group: '' } },
        status: { startup_time: new Date(ctx.startedAt).toISOString().replace('Z', '+0000'), last_reload_time: new Date(ctx.startedAt).toISOString().replace('Z', '+0000') },
      }) },
    { method: 'GET', path: '/asterisk/ping', nickname: 'ping', summary: 'Response pong message.', responseClass: 'AsteriskPing', params: [],
      handler: () => ok({ asterisk_id: ctx.options.asteriskId, ping: 'pong', timestamp: new Date().toISOString().replace('Z', '+0000') }) },

    { method: 'GET', path: '/events', nickname: 'eventWebsocket', summary: 'WebSocket connection for events.', responseClass: 'Message',
      params: params('/events', 'app!*', 'subscribeAll:bool'), upgrade: 'websocket' },
  ];
}

/** A Sound as Asterisk renders it; the simulator's files are `gsm` (the core sounds' default format). */
function soundJson(id: string, languages: string[], lang?: string, format?: string): { id: string; formats: { language: string; format: string }[] } {
  const formats = languages.filter((l) => !lang || l === lang).map((language) => ({ language, format: 'gsm' })).filter((f) => !format || f.format === format);
  return { id, formats };
}
