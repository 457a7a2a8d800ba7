import { sleep } from '@callplane/testing';
import { EslOutboundServer } from './esl-outbound.server';
import { freePort, startHarness } from '../test/fs-harness';
import type { FsHarness } from '../test/fs-harness';

/** Outbound-socket mode: FreeswitchSim's `socket` app connects to the driver's listener. */
describe(EslOutboundServer.name, () => {
  let h: FsHarness;
  let port: number;
  beforeEach(async () => {
    port = await freePort();
    h = await startHarness({ outboundSocket: { host: '127.0.0.1', port, dids: ['8001'] } });
  });
  afterEach(async () => h.close());

  it('offers each socket session once and controls it over its own connection', async () => {
    expect(h.sut.health().links).toEqual({ esl: 'up', eslOutbound: 'up' });
    const id = await h.sim.placeCall({ from: '5551234', fromName: 'Bob', to: '8001' });
    const offer = await h.log.next('channel.offered', (e) => e.channel.id === id);
    expect(offer.channel).toMatchObject({ direction: 'inbound', dialed: '8001', caller: { number: '5551234', name: 'Bob' } });
    const session = h.sim.requests().filter((r) => ['connect', 'myevents', 'linger'].includes(r.method)).map((r) => r.path);
    expect(session).toEqual(['connect', 'myevents json', 'linger']);

    await h.sut.answer(id);
    await h.log.next('channel.state', (e) => e.channelId === id && e.state === 'up');
    const playbackId = await h.sut.play(id, ['tone:beep']);
    const done = await h.log.next('playback.finished', (e) => e.playbackId === playbackId);
    expect(done.status).toBe('done');
    h.sim.sendDtmf(id, '9');
    await h.log.next('channel.dtmf', (e) => e.channelId === id && e.digit === '9');
    await h.sut.hangup(id);
    const hangup = await h.log.next('channel.hangup', (e) => e.channelId === id);
    expect(hangup.cause).toBe(16);
    await sleep(300);
    // The inbound link sees the same channel's events: none may be doubled.
    expect(h.log.all('channel.offered', (e) => e.channel.id === id)).toHaveLength(1);
    expect(h.log.all('channel.dtmf', (e) => e.channelId === id)).toHaveLength(1);
    expect(h.log.all('channel.hangup', (e) => e.channelId === id)).toHaveLength(1);
    expect(h.sim.requests().some((r) => r.method === 'exit')).toBe(true);
  });

  it('keeps socket sessions working while the inbound link is down', async () => {
    const id = await h.sim.placeCall({ from: '5551234', to: '8001' });
    await h.log.next('channel.offered', (e) => e.channel.id === id);
    h.sim.setAuthFailure(true);
    h.sim.dropConnections();
    await h.log.next('driver.disconnected');
    await h.sut.answer(id);
    await h.log.next('channel.state', (e) => e.channelId === id && e.state === 'up');
    h.sim.hangup(id);
    await h.log.next('channel.hangup', (e) => e.channelId === id);
  });
});
