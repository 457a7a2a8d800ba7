import { amiChannelHeaders, amiEvent } from './ami-frame.builder';
import { channelJson } from './ari-json.builder';
import { AriError } from './ari-error';
import { type AriDeps, type AriRoute, created, noContent, ok, params } from './ari-route.types';
import { rtcpAll, rtpStatistics } from './rtp.model';
import type { SimChannel } from './sim-model.types';

/** `DELETE /channels/{id}?reason=` words → Q.850 causes (Asterisk res/ari/resource_channels.c). */
const HANGUP_REASONS: Record<string, number> = {
  normal: 16, busy: 17, congestion: 34, no_answer: 19, timeout: 18, rejected: 21, unallocated: 1,
  normal_unspecified: 31, number_incomplete: 28, codec_mismatch: 58, interworking: 127, failure: 38,
  answered_elsewhere: 26,
};

const int = (v: string | undefined, dflt: number): number => (v === undefined || v === '' ? dflt : Number.parseInt(v, 10));
const list = (v: string | undefined): string[] => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

/** Routes of Asterisk ARI channels.json that callplane's port needs. */
export function channelRoutes(d: AriDeps): AriRoute[] {
  const { ctx } = d;
  const P = '/channels/{channelId}';
  const chan = (id: string): SimChannel => ctx.channel(id);
  const stasis = (id: string): SimChannel => ctx.stasisChannel(id);
  const mohEvent = (ch: SimChannel, start: boolean, cls = 'default'): void =>
    ctx.amiEvent(() => amiEvent(start ? 'MusicOnHoldStart' : 'MusicOnHoldStop', 'call', amiChannelHeaders(ch) + (start ? `Class: ${cls}\r\n` : '')));

  const originate = (channelId: string | undefined, q: Record<string, string>, body: Record<string, unknown> | undefined): SimChannel => {
    if (!q.app && !q.extension) throw AriError.badRequest('Application or extension must be specified');
    const variables = (body?.variables ?? {}) as Record<string, string>;
    return d.dial.createOutbound({
      endpoint: q.endpoint, app: q.app, appArgs: q.appArgs, channelId: channelId ?? q.channelId,
      callerId: q.callerId, timeoutS: int(q.timeout, 30), variables, originate: true,
    });
  };
  const snoop = (id: string, snoopId: string | undefined, q: Record<string, string>) =>
    ok(channelJson(d.inbound.snoop(stasis(id), q.spy ?? 'none', q.whisper ?? 'none', q.app, q.appArgs, snoopId ?? q.snoopId)));
  const play = (id: string, playbackId: string | undefined, q: Record<string, string>) =>
    created(d.playbacks.play({ channel: stasis(id) }, list(q.media), q.lang || 'en', playbackId ?? q.playbackId));

  return [
    { method: 'GET', path: '/channels', nickname: 'list', summary: 'List all active channels in Asterisk.', responseClass: 'List[Channel]', params: [],
      handler: () => ok([...ctx.channels.values()].filter((c) => !c.gone).map(channelJson)) },
    { method: 'POST', path: '/channels', nickname: 'originate', summary: 'Create a new channel (originate).', responseClass: 'Channel',
      params: params('/channels', 'endpoint!', 'extension', 'context', 'priority:int', 'label', 'app', 'appArgs', 'callerId', 'timeout:int', 'variables@', 'channelId', 'otherChannelId', 'originator', 'formats'),
      errors: [{ code: 400, reason: 'Invalid parameters for originating a channel.' }, { code: 409, reason: 'Channel with given unique ID already exists.' }],
      handler: ({ query, body }) => ok(channelJson(originate(undefined, query, body))) },
    { method: 'POST', path: '/channels/create', nickname: 'create', summary: 'Create channel.', responseClass: 'Channel',
      params: params('/channels/create', 'endpoint!', 'app!', 'appArgs', 'channelId', 'otherChannelId', 'originator', 'formats', 'variables@'),
      errors: [{ code: 409, reason: 'Channel with given unique ID already exists.' }],
      handler: ({ query: q, body }) => {
        if (!q.app) throw AriError.badRequest('missing required parameter: app');
        const variables = (body?.variables ?? {}) as Record<string, string>;
        return ok(channelJson(d.dial.createOutbound({ endpoint: q.endpoint, app: q.app, appArgs: q.appArgs, channelId: q.channelId, variables, originate: false })));
      } },
    { method: 'GET', path: P, nickname: 'get', summary: 'Channel details.', responseClass: 'Channel', params: params(P),
      errors: [{ code: 404, reason: 'Channel not found' }], handler: ({ path }) => ok(channelJson(chan(path.channelId))) },
    { method: 'POST', path: P, nickname: 'originateWithId', summary: 'Create a new channel (originate with id).', responseClass: 'Channel',
      params: params(P, 'endpoint!', 'extension', 'context', 'priority:int', 'label', 'app', 'appArgs', 'callerId', 'timeout:int', 'variables@', 'otherChannelId', 'originator', 'formats'),
      handler: ({ path, query, body }) => ok(channelJson(originate(path.channelId, query, body))) },
    { method: 'DELETE', path: P, nickname: 'hangup', summary: 'Delete (i.e. hangup) a channel.', responseClass: 'void', params: params(P, 'reason_code', 'reason'),
      errors: [{ code: 400, reason: 'Invalid reason for hangup provided' }, { code: 404, reason: 'Channel not found' }],
      handler: ({ path, query: q }) => {
        if (q.reason_code && q.reason) throw AriError.badRequest('The reason and reason_code can\'t both be specified');
        let cause = 16;
        if (q.reason_code) cause = Number.parseInt(q.reason_code, 10);
        else if (q.reason) {
          if (!(q.reason in HANGUP_REASONS)) throw AriError.badRequest('Invalid reason for hangup provided');
          cause = HANGUP_REASONS[q.reason];
        }
        if (Number.isNaN(cause)) throw AriError.badRequest('Invalid reason for hangup provided');
        d.channels.hangupByApp(chan(path.channelId), cause);
        return noContent();
      } },
    { method: 'POST', path: `${P}/continue`, nickname: 'continueInDialplan', summary: 'Exit application; continue execution in the dialplan.', responseClass: 'void',
      params: params(`${P}/continue`, 'context', 'extension', 'priority:int', 'label'),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        const target = { ...ch.dialplan, context: q.context || ch.dialplan.context, exten: q.extension || ch.dialplan.exten, priority: int(q.priority, ch.dialplan.priority + 1) };
        d.channels.leaveStasis(ch);
        ch.dialplan = target;
        // The bundled dialplan: an extension naming a PJSIP endpoint runs Dial(PJSIP/<exten>,20); anything else reaches Hangup().
        setImmediate(() => {
          if (ch.gone) return;
          if (ctx.endpoints.has(ch.dialplan.exten)) d.dial.dialFromDialplan(ch, ch.dialplan.exten, 20);
          else d.channels.hangupByFarEnd(ch, 16);
        });
        return noContent();
      } },
    { method: 'POST', path: `${P}/redirect`, nickname: 'redirect', summary: 'Redirect the channel to a different location.', responseClass: 'void',
      params: params(`${P}/redirect`, 'endpoint!'),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        if (!q.endpoint || !q.endpoint.includes('/')) throw AriError.badRequest('Invalid endpoint');
        d.channels.leaveStasis(ch);
        setImmediate(() => d.channels.hangupByFarEnd(ch, 16));
        return noContent();
      } },
    { method: 'POST', path: `${P}/answer`, nickname: 'answer', summary: 'Answer a channel.', responseClass: 'void', params: params(`${P}/answer`),
      handler: ({ path }) => (d.channels.answer(stasis(path.channelId)), noContent()) },
    { method: 'POST', path: `${P}/ring`, nickname: 'ring', summary: 'Indicate ringing to a channel.', responseClass: 'void', params: params(`${P}/ring`),
      handler: ({ path }) => (stasis(path.channelId), noContent()) },
    { method: 'DELETE', path: `${P}/ring`, nickname: 'ringStop', summary: 'Stop ringing indication on a channel.', responseClass: 'void', params: params(`${P}/ring`),
      handler: ({ path }) => (stasis(path.channelId), noContent()) },
    { method: 'POST', path: `${P}/dtmf`, nickname: 'sendDTMF', summary: 'Send provided DTMF to a given channel.', responseClass: 'void',
      params: params(`${P}/dtmf`, 'dtmf', 'before:int', 'between:int', 'duration:int', 'after:int'),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        if (!q.dtmf) throw AriError.badRequest('DTMF is required');
        for (const digit of q.dtmf) {
          ctx.amiEvent(() => amiEvent('DTMFBegin', 'dtmf', amiChannelHeaders(ch) + `Digit: ${digit}\r\nDirection: Sent\r\n`));
          ctx.amiEvent(() => amiEvent('DTMFEnd', 'dtmf', amiChannelHeaders(ch) + `Digit: ${digit}\r\nDurationMs: ${int(q.duration, 100)}\r\nDirection: Sent\r\n`));
        }
        return noContent();
      } },
    ...(['POST', 'DELETE'] as const).map((method): AriRoute => ({
      method, path: `${P}/mute`, nickname: method === 'POST' ? 'mute' : 'unmute', summary: method === 'POST' ? 'Mute a channel.' : 'Unmute a channel.',
      responseClass: 'void', params: params(`${P}/mute`, 'direction'),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        const dir = q.direction || 'both';
        if (!['both', 'in', 'out'].includes(dir)) throw AriError.badRequest('Invalid direction specified');
        ch.muted = method === 'POST' ? (dir as SimChannel['muted']) : 'none';
        return noContent();
      },
    })),
    ...(['POST', 'DELETE'] as const).map((method): AriRoute => ({
      method, path: `${P}/hold`, nickname: method === 'POST' ? 'hold' : 'unhold', summary: method === 'POST' ? 'Hold a channel.' : 'Remove a channel from hold.',
      responseClass: 'void', params: params(`${P}/hold`),
      handler: ({ path }) => {
        const ch = stasis(path.channelId);
        const hold = method === 'POST';
        if (ch.held !== hold) {
          ch.held = hold;
          mohEvent(ch, hold);
          d.channels.deviceState(ch, hold ? 'ONHOLD' : 'INUSE');
        }
        return noContent();
      },
    })),
    ...(['POST', 'DELETE'] as const).map((method): AriRoute => ({
      method, path: `${P}/moh`, nickname: method === 'POST' ? 'startMoh' : 'stopMoh', summary: method === 'POST' ? 'Play music on hold to a channel.' : 'Stop playing music on hold to a channel.',
      responseClass: 'void', params: method === 'POST' ? params(`${P}/moh`, 'mohClass') : params(`${P}/moh`),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        if (method === 'POST') {
          ch.moh = q.mohClass || 'default';
          mohEvent(ch, true, ch.moh);
        } else if (ch.moh !== undefined) {
          ch.moh = undefined;
          mohEvent(ch, false);
        }
        return noContent();
      },
    })),
    { method: 'POST', path: `${P}/play`, nickname: 'play', summary: 'Start playback of media.', responseClass: 'Playback',
      params: params(`${P}/play`, 'media!*', 'lang', 'offsetms:int', 'skipms:int', 'playbackId'),
      handler: ({ path, query }) => play(path.channelId, undefined, query) },
    { method: 'POST', path: `${P}/play/{playbackId}`, nickname: 'playWithId', summary: 'Start playback of media and specify the playbackId.', responseClass: 'Playback',
      params: params(`${P}/play/{playbackId}`, 'media!*', 'lang', 'offsetms:int', 'skipms:int'),
      handler: ({ path, query }) => play(path.channelId, path.playbackId, query) },
    { method: 'POST', path: `${P}/record`, nickname: 'record', summary: 'Start a recording.', responseClass: 'LiveRecording',
      params: params(`${P}/record`, 'name!', 'format!', 'maxDurationSeconds:int', 'maxSilenceSeconds:int', 'ifExists', 'beep:bool', 'terminateOn'),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        if (ch.bridgeId !== undefined) throw AriError.conflict('Channel is currently bridged with other channels');
        return created(d.recordings.start({ channel: ch }, { name: q.name, format: q.format, maxDurationSeconds: int(q.maxDurationSeconds, 0), ifExists: q.ifExists ?? 'fail' }));
      } },
    { method: 'GET', path: `${P}/variable`, nickname: 'getChannelVar', summary: 'Get the value of a channel variable or function.', responseClass: 'Variable',
      params: params(`${P}/variable`, 'variable!'),
      handler: ({ path, query: q }) => {
        const ch = chan(path.channelId);
        if (q.variable === 'CHANNEL(rtcp,all)') return ok({ value: rtcpAll(ch) });
        const value = ch.vars.get(q.variable);
        if (value === undefined) throw AriError.notFound('Provided variable was not found');
        return ok({ value });
      } },
    { method: 'POST', path: `${P}/variable`, nickname: 'setChannelVar', summary: 'Set the value of a channel variable or function.', responseClass: 'void',
      params: params(`${P}/variable`, 'variable!', 'value'),
      handler: ({ path, query: q }) => {
        const ch = stasis(path.channelId);
        return d.channels.whenIdle(ch, () => {
          ch.vars.set(q.variable, q.value ?? '');
          ctx.varset(ch, q.variable, q.value ?? '');
          return noContent();
        });
      } },
    { method: 'POST', path: `${P}/snoop`, nickname: 'snoopChannel', summary: 'Start snooping.', responseClass: 'Channel',
      params: params(`${P}/snoop`, 'spy', 'whisper', 'app!', 'appArgs', 'snoopId'), handler: ({ path, query }) => snoop(path.channelId, undefined, query) },
    { method: 'POST', path: `${P}/snoop/{snoopId}`, nickname: 'snoopChannelWithId', summary: 'Start snooping (with id).', responseClass: 'Channel',
      params: params(`${P}/snoop/{snoopId}`, 'spy', 'whisper', 'app!', 'appArgs'), handler: ({ path, query }) => snoop(path.channelId, path.snoopId, query) },
    { method: 'POST', path: `${P}/dial`, nickname: 'dial', summary: 'Dial a created channel.', responseClass: 'void', params: params(`${P}/dial`, 'caller', 'timeout:int'),
      errors: [{ code: 404, reason: 'Channel cannot be found.' }, { code: 409, reason: 'Channel cannot be dialed.' }],
      handler: ({ path, query: q }) => (d.dial.dial(ctx.stasisChannel(path.channelId), int(q.timeout, 0), q.caller || undefined), noContent()) },
    { method: 'GET', path: `${P}/rtp_statistics`, nickname: 'rtpstatistics', summary: 'RTP stats on a channel.', responseClass: 'RTPstat', params: params(`${P}/rtp_statistics`),
      handler: ({ path }) => {
        const ch = chan(path.channelId);
        if (ch.answeredAt === undefined || ch.kind === 'snoop') throw AriError.notFound('Channel has no RTP statistics');
        return ok(rtpStatistics(ch));
      } },
  ];
}
