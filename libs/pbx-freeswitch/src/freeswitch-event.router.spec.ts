import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLogger } from '@callplane/core';
import type { PbxEventBody } from '@callplane/pbx';
import { EslFrameParser } from './esl/esl-frame.parser';
import { decodeEvent } from './esl/esl-event';
import type { EslEvent } from './esl/esl-event';
import type { EslConnection } from './esl/esl.connection';
import { channelFromEvent } from './esl/esl-channel.mapper';
import { FreeswitchEventRouter } from './freeswitch-event.router';
import type { FreeswitchContext, TrackedChannel } from './freeswitch.types';
import { PlaybackTracker } from './playback.tracker';
import { VirtualBridges } from './virtual-bridges';
import type { SnoopSpec } from './virtual-bridges';

const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures', 'freeswitch');

interface Recorded {
  kind: string;
  frame?: string;
}

function load(file: string): Recorded[] {
  return readFileSync(join(FIXTURES, file), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Recorded);
}

/** Every event FreeSWITCH sent in a recorded scenario (fixtures/freeswitch, FreeSWITCH 1.10.12). */
function recordedEvents(file: string): EslEvent[] {
  const events: EslEvent[] = [];
  const parser = new EslFrameParser(
    (f) => {
      if (f.headers['Content-Type']?.startsWith('text/event-')) events.push(decodeEvent(f));
    },
    (m) => {
      throw new Error(`recorded frame rejected: ${m.reason}`);
    },
  );
  for (const r of load(file)) if (r.kind === 'esl.in') parser.push(Buffer.from(r.frame!));
  return events;
}

/** Values of one header in what the harness sent (`Event-UUID: …`, `origination_uuid=…`). */
function sent(file: string, pattern: RegExp): string[] {
  return load(file)
    .filter((r) => r.kind === 'esl.out')
    .flatMap((r) => [...r.frame!.matchAll(new RegExp(pattern.source, 'g'))].map((m) => m[1]));
}

function replay(file: string, seed: (sut: Harness) => void = () => undefined): Harness {
  const h = harness();
  seed(h);
  const source = {} as EslConnection;
  for (const e of recordedEvents(file)) h.sut.handle(e, source);
  return h;
}

interface Harness {
  sut: FreeswitchEventRouter;
  emitted: PbxEventBody[];
  channels: Map<string, TrackedChannel>;
  playbacks: PlaybackTracker;
  originated: (id: string) => void;
}

function harness(): Harness {
  const emitted: PbxEventBody[] = [];
  const channels = new Map<string, TrackedChannel>();
  const ctx: FreeswitchContext = {
    nodeId: 'fs-1',
    log: createLogger('test'),
    channels,
    emit: (b) => emitted.push(b),
    api: () => Promise.reject(new Error('no PBX in this test')),
    execute: () => Promise.reject(new Error('no PBX in this test')),
  };
  const snoops = new Map<string, SnoopSpec>();
  const playbacks = new PlaybackTracker(ctx.emit);
  const sut = new FreeswitchEventRouter(ctx, playbacks, new VirtualBridges(ctx, snoops, 'default'), snoops);
  const originated = (id: string): void => {
    const snapshot = { id, name: '', state: 'down' as const, direction: 'outbound' as const, caller: { number: '', name: '' }, connected: { number: '', name: '' }, dialed: '', createdAt: new Date() };
    channels.set(id, { snapshot, offered: false, originated: true, hungUp: false });
  };
  return { sut, emitted, channels, playbacks, originated };
}

const types = (h: Harness): string[] => h.emitted.map((e) => e.type);

describe(FreeswitchEventRouter.name, () => {
  it.each(['inbound-park-answer-play-hangup.jsonl', 'inbound-park-answer-play-hangup.json-events.jsonl'])(
    '%s: offered (already up, dialed 8002) → playback started/finished done → hangup 16',
    (file) => {
      const [playbackId] = sent(file, /Event-UUID: ([0-9a-f-]+)/);
      const h = replay(file, (x) => x.playbacks.begin(playbackId, 'pending', [playbackId]));
      const offer = h.emitted.find((e) => e.type === 'channel.offered');
      expect(offer).toMatchObject({ channel: { direction: 'inbound', dialed: '8002', state: 'up', caller: { number: 'sipp' } } });
      expect(types(h)).toEqual(['channel.offered', 'playback.started', 'playback.finished', 'channel.hangup']);
      expect(h.emitted[2]).toMatchObject({ playbackId, status: 'done' });
      expect(h.emitted[3]).toMatchObject({ cause: 16, causeText: 'Normal Clearing' });
      expect(h.channels.size).toBe(0);
    },
  );

  it('inbound-caller-hangup-during-playback: the playback fails (PLAYBACK ERROR), one hangup 16', () => {
    const file = 'inbound-caller-hangup-during-playback.jsonl';
    const [playbackId] = sent(file, /Event-UUID: ([0-9a-f-]+)/);
    const h = replay(file, (x) => x.playbacks.begin(playbackId, 'pending', [playbackId]));
    expect(types(h)).toEqual(['channel.offered', 'playback.started', 'playback.finished', 'channel.hangup']);
    expect(h.emitted[2]).toMatchObject({ status: 'failed' });
  });

  it('inbound-dtmf-bargein: digits 1, 2, # with 280 ms (2240 samples at 8 kHz)', () => {
    const h = replay('inbound-dtmf-bargein.jsonl');
    const dtmf = h.emitted.filter((e) => e.type === 'channel.dtmf');
    expect(dtmf.map((e) => ('digit' in e ? e.digit : ''))).toEqual(['1', '2', '#']);
    expect(dtmf.every((e) => 'durationMs' in e && e.durationMs === 280)).toBe(true);
  });

  it('originate-busy: the originated leg ends with 17 and is never offered', () => {
    const file = 'originate-busy.jsonl';
    const [id] = sent(file, /origination_uuid=([0-9a-f-]+)/);
    const h = replay(file, (x) => x.originated(id));
    expect(types(h).filter((t) => t !== 'endpoint.state')).toEqual(['channel.hangup']);
    expect(h.emitted.find((e) => e.type === 'channel.hangup')).toMatchObject({ channelId: id, cause: 17 });
  });

  it('ring-all-first-answer-wins: 1000 rings and answers, 1001 rings and is cancelled (16), the caller is offered once', () => {
    const file = 'ring-all-first-answer-wins.jsonl';
    const [a, b] = sent(file, /origination_uuid=([0-9a-f-]+)/);
    const h = replay(file, (x) => {
      x.originated(a);
      x.originated(b);
    });
    const of = (id: string): string[] => h.emitted.filter((e) => 'channelId' in e && e.channelId === id).map((e) => (e.type === 'channel.state' ? `state:${e.state}` : e.type));
    expect(of(a)).toEqual(['state:ringing', 'state:up', 'channel.hangup']);
    expect(of(b)).toEqual(['state:ringing', 'channel.hangup']);
    expect(h.emitted.find((e) => e.type === 'channel.hangup' && e.channelId === b)).toMatchObject({ cause: 16 });
    expect(h.emitted.filter((e) => e.type === 'channel.offered')).toHaveLength(1);
  });

  it('registrations: register → online with contact, unregister and expire → offline', () => {
    const h = replay('registrations.jsonl');
    const states = h.emitted.filter((e) => e.type === 'endpoint.state');
    expect(states.map((e) => ('state' in e ? `${e.endpoint}:${e.state}` : ''))).toEqual(['1000:online', '1000:offline', '1000:online', '1000:offline']);
    expect(states[0]).toMatchObject({ contact: 'sip:1000@127.0.0.1:5181' });
  });

  it('phone-refer-blind: the transferor hangs up with transfer.blind to 1001 first', () => {
    const file = 'phone-refer-blind.jsonl';
    const [agent] = sent(file, /origination_uuid=([0-9a-f-]+)/);
    const h = replay(file, (x) => x.originated(agent));
    const i = h.emitted.findIndex((e) => e.type === 'transfer.blind');
    expect(h.emitted[i]).toMatchObject({ transfererChannelId: agent, target: '1001' });
    expect(h.emitted[i + 1]).toMatchObject({ type: 'channel.hangup', channelId: agent });
  });

  it('bridged-rtp-stats-and-eavesdrop: RECV_RTCP_MESSAGE → rtcp.report in ms and 0–1 fractions', () => {
    const events = recordedEvents('bridged-rtp-stats-and-eavesdrop.jsonl');
    const uuid = events.find((e) => e.name === 'RECV_RTCP_MESSAGE')!.get('Unique-ID')!;
    const h = harness();
    h.originated(uuid);
    for (const e of events) h.sut.handle(e, {} as EslConnection);
    const report = h.emitted.find((e) => e.type === 'rtcp.report');
    expect(report).toMatchObject({ channelId: uuid, direction: 'received', fractionLost: 0, cumulativeLost: 0, jitterMs: 0, rttMs: 0 });
    expect(report && 'ssrc' in report && report.ssrc).toBe(0x73c5be2e);
  });

  it('reads the outbound-socket CHANNEL_DATA (connect reply) as an inbound channel dialled 8001', () => {
    const reply = load('outbound-socket.jsonl').find((r) => r.kind === 'esl.in' && r.frame!.startsWith('Event-Name: CHANNEL_DATA'))!;
    const frames: EslEvent[] = [];
    new EslFrameParser((f) => frames.push(decodeEvent({ headers: { 'Content-Type': 'text/event-plain' }, body: Object.entries(f.headers).map(([k, v]) => `${k}: ${encodeURIComponent(v)}`).join('\n') })), () => undefined).push(Buffer.from(reply.frame!));
    expect(channelFromEvent(frames[0])).toMatchObject({ direction: 'inbound', dialed: '8001', caller: { number: 'sipp' }, state: 'ringing' });
  });
});
