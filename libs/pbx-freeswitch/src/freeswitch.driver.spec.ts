import { ChannelNotFoundError, OriginateFailedError, PlaybackNotFoundError } from '@callplane/pbx';
import { sleep, waitFor } from '@callplane/testing';
import { FreeswitchDriver } from './freeswitch.driver';
import { startHarness } from './test/fs-harness';
import type { FsHarness } from './test/fs-harness';

/** Long enough to prove that a duplicate did not arrive, ms (bounds nothing; the test never times a result). */
const QUIET_MS = 300;

describe(FreeswitchDriver.name, () => {
  let h: FsHarness;
  afterEach(async () => h?.close());

  async function offered(to = '7000'): Promise<string> {
    const id = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to });
    await h.log.next('channel.offered', (e) => e.channel.id === id);
    return id;
  }

  describe('inbound calls', () => {
    beforeEach(async () => {
      h = await startHarness();
    });

    it('offers a parked call once, answers, plays to the end and hangs up with cause 16 once', async () => {
      const id = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7000' });
      const offer = await h.log.next('channel.offered', (e) => e.channel.id === id);
      expect(offer.channel).toMatchObject({ direction: 'inbound', dialed: '7000', caller: { number: '5551234', name: 'Alice' } });
      expect(offer.channel.name).toMatch(/^sofia\/internal\//);

      await h.sut.answer(id);
      const playbackId = await h.sut.play(id, ['sound:hello-world', 'digits:12']);
      await h.log.next('playback.started', (e) => e.playbackId === playbackId);
      const done = await h.log.next('playback.finished', (e) => e.playbackId === playbackId);
      expect(done).toMatchObject({ status: 'done', channelId: id });
      const sent = h.sim.requests().filter((r) => r.method === 'sendmsg').map((r) => r.params['execute-app-arg']);
      expect(sent).toEqual(['hello-world.wav', 'file_string://digits/1.wav!digits/2.wav']);

      await h.sut.hangup(id, 17);
      const hangup = await h.log.next('channel.hangup', (e) => e.channelId === id);
      expect(hangup.cause).toBe(17);
      expect(h.sim.requests().some((r) => r.path === `api uuid_kill ${id} USER_BUSY`)).toBe(true);
      await sleep(QUIET_MS);
      expect(h.log.all('channel.hangup', (e) => e.channelId === id)).toHaveLength(1);
      expect(h.log.all('channel.offered', (e) => e.channel.id === id)).toHaveLength(1);
    });

    it('reports DTMF and stops a playback on barge-in (uuid_break all → done)', async () => {
      const id = await offered();
      const playbackId = await h.sut.play(id, ['tone:ring', 'silence:60000']);
      h.sim.sendDtmf(id, '1');
      const dtmf = await h.log.next('channel.dtmf', (e) => e.channelId === id);
      expect(dtmf).toMatchObject({ digit: '1', durationMs: 280 });
      await h.sut.stopPlayback(playbackId);
      const done = await h.log.next('playback.finished', (e) => e.playbackId === playbackId);
      expect(done.status).toBe('done');
      expect(h.sim.requests().some((r) => r.path === `api uuid_break ${id} all`)).toBe(true);
      await expect(h.sut.stopPlayback(playbackId)).resolves.toBeUndefined();
      await expect(h.sut.stopPlayback('never-played')).rejects.toBeInstanceOf(PlaybackNotFoundError);
    });

    it('ends a playback as failed when the caller hangs up during it, with one hangup', async () => {
      const id = await offered();
      const playbackId = await h.sut.play(id, ['silence:60000']);
      await h.log.next('playback.started', (e) => e.playbackId === playbackId);
      h.sim.hangup(id, 16);
      const finished = await h.log.next('playback.finished', (e) => e.playbackId === playbackId);
      expect(finished.status).toBe('failed');
      const hangup = await h.log.next('channel.hangup', (e) => e.channelId === id);
      expect(hangup).toMatchObject({ cause: 16, causeText: 'Normal Clearing' });
      await sleep(QUIET_MS);
      expect(h.log.all('channel.hangup', (e) => e.channelId === id)).toHaveLength(1);
    });

    it('does not offer a channel again when it is parked again after a redirect', async () => {
      const id = await offered();
      await h.sut.redirect(id, { extension: '7001' });
      await waitFor(() => h.sim.requests().some((r) => r.path.startsWith(`api uuid_transfer ${id} 7001 XML default`)), 'transfer request');
      await sleep(QUIET_MS);
      expect(h.log.all('channel.offered', (e) => e.channel.id === id)).toHaveLength(1);
    });

    it('translates gone channels to ChannelNotFoundError and refuses unknown prompts up front', async () => {
      const id = await offered();
      await expect(h.sut.play(id, ['video:cat'])).rejects.toMatchObject({ code: 'invalid-prompt' });
      h.sim.hangup(id);
      await h.log.next('channel.hangup', (e) => e.channelId === id);
      await expect(h.sut.answer(id)).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(h.sut.play(id, ['sound:x'])).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(h.sut.hangup(id)).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(h.sut.hold(id)).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(h.sut.record({ channelId: id }, { name: 'gone' })).rejects.toBeInstanceOf(ChannelNotFoundError);
    });

    it('sets and reads channel variables, holds, mutes and records', async () => {
      const id = await offered();
      await h.sut.setVariable(id, 'callplane_queue', 'sales');
      await expect(h.sut.getVariable(id, 'callplane_queue')).resolves.toBe('sales');
      await expect(h.sut.getVariable(id, 'never_set')).resolves.toBeUndefined();
      await h.sut.hold(id);
      await h.log.next('channel.hold', (e) => e.channelId === id && e.held);
      await h.sut.unhold(id);
      await h.log.next('channel.hold', (e) => e.channelId === id && !e.held);
      await h.sut.mute(id, 'in');
      expect(h.sim.requests().some((r) => r.path === `api uuid_audio ${id} start read mute -4`)).toBe(true);
      await h.sut.record({ channelId: id }, { name: 'rec-1' });
      await h.log.next('recording.started', (e) => e.name === 'rec-1');
      await h.sut.stopRecording('rec-1');
      const fin = await h.log.next('recording.finished', (e) => e.name === 'rec-1');
      expect(fin).toMatchObject({ target: `channel:${id}`, status: 'done' });
    });
  });

  describe('originate', () => {
    beforeEach(async () => {
      h = await startHarness({ originateTimeScale: 0.05 });
    });

    it('rings and answers: resolves with the outbound channel, then ringing and up, never offered', async () => {
      h.sim.registerEndpoint('1000', { ringAfterMs: 5, answerAfterMs: 50 });
      const ch = await h.sut.originate({ endpoint: '1000', timeoutS: 20, callerId: { number: '5551234', name: 'Queue Sales' } });
      expect(ch).toMatchObject({ direction: 'outbound', endpoint: '1000' });
      await h.log.next('channel.state', (e) => e.channelId === ch.id && e.state === 'ringing');
      await h.log.next('channel.state', (e) => e.channelId === ch.id && e.state === 'up');
      const cmd = h.sim.requests().find((r) => r.method === 'bgapi')!.path;
      expect(cmd).toContain(`origination_uuid=${ch.id}`);
      expect(cmd).toContain("origination_caller_id_name='Queue Sales'");
      expect(cmd).toMatch(/user\/1000@127\.0\.0\.1 &park\(\)$/);
      await sleep(QUIET_MS);
      expect(h.log.all('channel.offered', (e) => e.channel.id === ch.id)).toHaveLength(0);
    });

    it('shows the caller id of an originate on the phone it rings (mod_sofia From from origination_caller_id_*)', async () => {
      // Asterisk agents saw "Anonymous" on the live suite (its From comes from CONNECTEDLINE); on
      // FreeSWITCH the caller profile set by origination_caller_id_name/number is what the phone shows.
      h.sim.registerEndpoint('1000', { ringAfterMs: 5, answerAfterMs: null });
      const ch = await h.sut.originate({ endpoint: '1000', timeoutS: 20, callerId: { number: '5550100', name: 'Ann Caller' } });
      await h.log.next('channel.state', (e) => e.channelId === ch.id && e.state === 'ringing');
      expect(h.sim.phoneDisplay('1000')).toEqual({ name: 'Ann Caller', number: '5550100' });
    });

    it('busy endpoint: the leg ends with cause 17', async () => {
      h.sim.registerEndpoint('1001', { busy: true });
      const ch = await h.sut.originate({ endpoint: '1001', timeoutS: 10 });
      const hangup = await h.log.next('channel.hangup', (e) => e.channelId === ch.id);
      expect(hangup.cause).toBe(17);
    });

    it('unregistered endpoint: OriginateFailedError with cause 20 and no channel', async () => {
      const err = await h.sut.originate({ endpoint: '1005', timeoutS: 10 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OriginateFailedError);
      expect((err as OriginateFailedError).q850Cause).toBe(20);
      expect(h.sut.channels.size).toBe(0);
    });

    it('no answer: the leg ends with cause 19 after the ring timeout', async () => {
      h.sim.registerEndpoint('1002', { answerAfterMs: null });
      const ch = await h.sut.originate({ endpoint: '1002', timeoutS: 2 });
      const hangup = await h.log.next('channel.hangup', (e) => e.channelId === ch.id);
      expect(hangup.cause).toBe(19);
    });
  });

  describe('endpoints, media quality, missing media', () => {
    beforeEach(async () => {
      h = await startHarness({ rtcpIntervalMs: 50, media: { files: { 'welcome.wav': 100 } } });
    });

    it('reports registration changes and answers endpoint() from them or from sofia_contact', async () => {
      h.sim.registerEndpoint('1003');
      const online = await h.log.next('endpoint.state', (e) => e.endpoint === '1003' && e.state === 'online');
      expect(online.contact).toMatch(/^sip:1003@/);
      await expect(h.sut.endpoint('1003')).resolves.toMatchObject({ resource: '1003', state: 'online' });
      h.sim.unregisterEndpoint('1003');
      await h.log.next('endpoint.state', (e) => e.endpoint === '1003' && e.state === 'offline');
      await expect(h.sut.endpoint('1003')).resolves.toMatchObject({ state: 'offline' });
      // Never seen since connect: asked with sofia_contact.
      await expect(h.sut.endpoint('1019')).resolves.toEqual({ resource: '1019', state: 'offline' });
      expect(h.sim.requests().some((r) => r.path === 'api sofia_contact */1019@127.0.0.1')).toBe(true);
    });

    it('finds a phone registered on a non-default SIP profile before the driver connected (callplane restart)', async () => {
      // The bundled freeswitch-config registers agents on the `callplane` profile; a bare
      // `sofia_contact user@domain` searches only `internal` and read them as unregistered.
      await h.sut.stop();
      h.sim.registerEndpoint('1004', { sipProfile: 'callplane' });
      await h.sut.start();
      await h.log.next('driver.connected');
      await expect(h.sut.endpoint('1004')).resolves.toMatchObject({ resource: '1004', state: 'online' });
    });

    it('turns RECV_RTCP_MESSAGE into rtcp.report and rtpStatistics (ms, 0–1)', async () => {
      const id = await offered();
      h.sim.setRtpQuality(id, { lossPct: 5, jitterMs: 12, rttMs: 40 });
      const report = await h.log.next('rtcp.report', (e) => e.channelId === id && e.jitterMs > 0);
      expect(report.direction).toBe('received');
      expect(report.jitterMs).toBeCloseTo(12, 0);
      expect(report.fractionLost).toBeCloseTo(0.05, 1);
      const stats = await h.sut.rtpStatistics(id);
      expect(stats.rxJitterMs).toBeCloseTo(12, 0);
      expect(stats.rttMs).toBeGreaterThan(0);
      await expect(h.sut.rtpStatistics('no-such-uuid')).rejects.toBeInstanceOf(ChannelNotFoundError);
    });

    it('a missing sound file ends the playback as failed (FILE NOT FOUND); a known one as done', async () => {
      const id = await offered();
      const missing = await h.sut.play(id, ['sound:no-such-file']);
      expect((await h.log.next('playback.finished', (e) => e.playbackId === missing)).status).toBe('failed');
      const known = await h.sut.play(id, ['sound:welcome']);
      expect((await h.log.next('playback.finished', (e) => e.playbackId === known)).status).toBe('done');
    });
  });
});
