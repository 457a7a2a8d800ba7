import {
  BridgeNotFoundError,
  ChannelNotFoundError,
  InvalidPromptError,
  OriginateFailedError,
  RecordingNotFoundError,
} from '@callplane/pbx';
import { sleep, waitFor } from '@callplane/testing';
import { inboundCall, startHarness, type Harness } from './testing/driver.harness';
import { AsteriskDriver } from './asterisk.driver';

describe(AsteriskDriver.name, () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness({ defaultSoundDurationMs: 100, soundDurationsMs: { 'demo-congrats': 30_000 }, missingSounds: ['no-such-file'] });
  });

  afterEach(() => h.close());

  describe('inbound calls', () => {
    it('offers the call with caller, DID and Stasis args, and answers it at the PBX', async () => {
      const channelId = await h.sim.placeCall({ from: '5551234', fromName: 'Caller', to: '7000' });
      const offered = await h.log.next('channel.offered', (e) => e.channel.id === channelId);
      expect(offered.channel).toMatchObject({ direction: 'inbound', dialed: '7000', caller: { number: '5551234', name: 'Caller' }, state: 'ringing', args: [] });
      expect(offered.nodeId).toBe('ast-test');
      await h.sut.answer(channelId);
      await waitFor(() => h.sim.channels().find((c) => c.id === channelId)?.state === 'Up', 'sim channel Up');
    });

    it('stops a playback (barge-in): finished as done; stopping it again is fine', async () => {
      const channelId = await inboundCall(h);
      const playbackId = await h.sut.play(channelId, ['sound:demo-congrats']);
      await h.log.next('playback.started', (e) => e.playbackId === playbackId);
      await h.sut.stopPlayback(playbackId);
      const finished = await h.log.next('playback.finished', (e) => e.playbackId === playbackId);
      expect(finished).toMatchObject({ status: 'done', channelId });
      await expect(h.sut.stopPlayback(playbackId)).resolves.toBeUndefined();
    });

    it('plays several prompts in one ARI request and reports a missing file as failed', async () => {
      const channelId = await inboundCall(h);
      await h.sut.play(channelId, ['sound:hello-world', 'digits:12', 'silence:1500'], { playbackId: 'pb-multi' });
      const play = h.sim.requests().find((r) => r.path.endsWith('/play/pb-multi'));
      expect(play?.params.media).toBe('sound:hello-world,digits:12,sound:silence/2');
      await h.log.next('playback.finished', (e) => e.playbackId === 'pb-multi');
      const missing = await h.sut.play(channelId, ['sound:no-such-file']);
      expect((await h.log.next('playback.finished', (e) => e.playbackId === missing)).status).toBe('failed');
      await expect(h.sut.play(channelId, ['hello-world'])).rejects.toBeInstanceOf(InvalidPromptError);
    });

    it('hangs up with the requested Q.850 cause, once', async () => {
      const channelId = await inboundCall(h);
      await h.sut.hangup(channelId, 21);
      expect(h.sim.requests().find((r) => r.method === 'DELETE' && r.path.endsWith(channelId))?.params.reason_code).toBe('21');
      expect((await h.log.next('channel.hangup', (e) => e.channelId === channelId)).cause).toBe(21);
      await sleep(300);
      expect(h.log.all('channel.hangup', (e) => e.channelId === channelId)).toHaveLength(1);
    });

    it('sets and reads channel variables; an unset one is undefined', async () => {
      const channelId = await inboundCall(h);
      await h.sut.setVariable(channelId, 'CP_QUEUE', 'sales');
      expect(await h.sut.getVariable(channelId, 'CP_QUEUE')).toBe('sales');
      expect(await h.sut.getVariable(channelId, 'CP_NOPE')).toBeUndefined();
      h.sim.hangup(channelId);
      await h.log.next('channel.hangup', (e) => e.channelId === channelId);
      await expect(h.sut.getVariable(channelId, 'CP_QUEUE')).rejects.toBeInstanceOf(ChannelNotFoundError);
    });

    it('redirects to the dialplan: no hangup at StasisEnd, one when the channel really ends', async () => {
      h.sim.registerEndpoint('1002', { answerAfterMs: null });
      const channelId = await inboundCall(h);
      await h.sut.redirect(channelId, { extension: '1002', context: 'from-internal' });
      expect(h.sim.requests().find((r) => r.path.endsWith(`${channelId}/continue`))?.params).toMatchObject({ extension: '1002', context: 'from-internal', priority: '1' });
      await sleep(700);
      expect(h.log.all('channel.hangup', (e) => e.channelId === channelId)).toHaveLength(0);
      h.sim.hangup(channelId, 16);
      await h.log.next('channel.hangup', (e) => e.channelId === channelId);
    });
  });

  describe('originate', () => {
    it('rings and answers, with the caller id and Stasis app on channels/create', async () => {
      h.sim.registerEndpoint('2001', { ringAfterMs: 5, answerAfterMs: 60 });
      const ch = await h.sut.originate({ endpoint: '2001', timeoutS: 5, callerId: { number: '5551234', name: 'Caller' }, variables: { CP_CALL: 'c1' } });
      expect(ch).toMatchObject({ direction: 'outbound', endpoint: '2001' });
      await h.log.next('channel.state', (e) => e.channelId === ch.id && e.state === 'ringing');
      await h.log.next('channel.state', (e) => e.channelId === ch.id && e.state === 'up');
      const create = h.sim.requests().find((r) => r.path === '/ari/channels/create');
      expect(create?.params).toMatchObject({ endpoint: 'PJSIP/2001', app: h.sim.connection.app, channelId: ch.id });
      expect(h.sim.requests().find((r) => r.path === `/ari/channels/${ch.id}/dial`)?.params.timeout).toBe('5');
      expect(h.log.all('channel.offered')).toHaveLength(0);
      expect(await h.sut.getVariable(ch.id, 'CP_CALL')).toBe('c1');
    });

    it('ends an unanswered leg after the ring timeout with cause 19', async () => {
      h.sim.registerEndpoint('2002', { answerAfterMs: null });
      const ch = await h.sut.originate({ endpoint: 'PJSIP/2002', timeoutS: 1 });
      expect((await h.log.next('channel.hangup', (e) => e.channelId === ch.id)).cause).toBe(19);
    });

    it('reports an unregistered endpoint as OriginateFailedError cause 20 (ARI 500 Allocation failed)', async () => {
      h.sim.registerEndpoint('2003');
      h.sim.unregisterEndpoint('2003');
      const err = await h.sut.originate({ endpoint: '2003', timeoutS: 5 }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OriginateFailedError);
      expect((err as OriginateFailedError).q850Cause).toBe(20);
    });
  });

  describe('bridges', () => {
    it('holds a caller with music on hold, then takes it out and destroys the bridge', async () => {
      const channelId = await inboundCall(h);
      const bridgeId = await h.sut.createBridge('holding');
      await h.sut.addToBridge(bridgeId, [channelId]);
      await h.log.next('bridge.entered', (e) => e.bridgeId === bridgeId && e.channelId === channelId);
      await h.sut.startBridgeMoh(bridgeId);
      await waitFor(() => h.sim.channels().find((c) => c.id === channelId)?.playing === 'moh', 'caller hears MOH');
      await h.sut.stopBridgeMoh(bridgeId);
      await waitFor(() => h.sim.channels().find((c) => c.id === channelId)?.playing !== 'moh', 'MOH stopped');
      const snapshot = await h.sut.snapshot();
      expect(snapshot.bridges).toContainEqual({ id: bridgeId, type: 'holding', channelIds: [channelId] });
      expect(snapshot.channels.find((c) => c.id === channelId)?.bridgeId).toBe(bridgeId);
      await h.sut.removeFromBridge(bridgeId, channelId);
      await h.log.next('bridge.left', (e) => e.bridgeId === bridgeId && e.channelId === channelId);
      await h.sut.destroyBridge(bridgeId);
      await h.log.next('bridge.destroyed', (e) => e.bridgeId === bridgeId);
      await expect(h.sut.addToBridge(bridgeId, [channelId])).rejects.toBeInstanceOf(BridgeNotFoundError);
    });

    it('records a bridge and stops the recording', async () => {
      const channelId = await inboundCall(h);
      const bridgeId = await h.sut.createBridge('mixing');
      await h.sut.addToBridge(bridgeId, [channelId]);
      await h.sut.record({ bridgeId }, { name: 'rec-1' });
      await h.log.next('recording.started', (e) => e.name === 'rec-1');
      await h.sut.stopRecording('rec-1');
      expect(await h.log.next('recording.finished', (e) => e.name === 'rec-1')).toMatchObject({ status: 'done', target: `bridge:${bridgeId}` });
      await expect(h.sut.stopRecording('rec-1')).rejects.toBeInstanceOf(RecordingNotFoundError);
    });
  });

  describe('media and monitoring', () => {
    it('snoops on a channel: the snoop is returned, never offered, and ends once', async () => {
      const channelId = await inboundCall(h);
      const snoop = await h.sut.snoop(channelId, { spy: 'both', whisper: 'none', args: ['monitor'] });
      expect(snoop.name.startsWith('Snoop/')).toBe(true);
      expect(h.sim.requests().find((r) => r.path.includes(`/channels/${channelId}/snoop/`))?.params).toMatchObject({ spy: 'both', whisper: 'none', appArgs: 'monitor' });
      await h.sut.hangup(snoop.id);
      await h.log.next('channel.hangup', (e) => e.channelId === snoop.id);
      expect(h.log.all('channel.offered', (e) => e.channel.id === snoop.id)).toHaveLength(0);
      expect(h.log.all('channel.hangup', (e) => e.channelId === channelId)).toHaveLength(0);
    });

    it('converts RTP statistics from seconds to ms', async () => {
      const channelId = await inboundCall(h);
      await sleep(60);
      const stats = await h.sut.rtpStatistics(channelId);
      expect(stats.txJitterMs).toBeCloseTo(1.625, 6); // the simulator reports txjitter 0.001625 s
      expect(stats.txCount).toBeGreaterThan(0);
    });

    it('reports AMI RTCP of our legs as rtcp.report with jitter in ms', async () => {
      await h.close();
      h = await startHarness({ rtcpIntervalMs: 50 });
      const channelId = await inboundCall(h);
      const report = await h.log.next('rtcp.report', (e) => e.channelId === channelId && e.direction === 'sent');
      expect(report.jitterMs).toBeCloseTo(13 / 8, 6); // the simulator reports Report0IAJitter 13 (RTP units, 8 kHz)
      expect(report.fractionLost).toBe(0);
    });

    it('holds and mutes a channel through ARI', async () => {
      const channelId = await inboundCall(h);
      await h.sut.hold(channelId);
      await waitFor(() => h.sim.channels().find((c) => c.id === channelId)?.playing === 'moh', 'held channel hears MOH');
      await h.sut.unhold(channelId);
      await h.sut.mute(channelId, 'in');
      expect(h.sim.requests().find((r) => r.method === 'POST' && r.path.endsWith(`${channelId}/mute`))?.params.direction).toBe('in');
      await h.sut.unmute(channelId);
      await h.sut.sendDtmf(channelId, '12#');
      expect(h.sim.requests().find((r) => r.path.endsWith(`${channelId}/dtmf`))?.params.dtmf).toBe('12#');
    });
  });

  describe('endpoints', () => {
    it('reports a registration once (ARI and AMI both announce it) with its contact, and the unregistration', async () => {
      h.sim.registerEndpoint('2004');
      const online = await h.log.next('endpoint.state', (e) => e.endpoint === '2004' && e.state === 'online');
      expect(online.contact).toMatch(/^sip:2004@/);
      expect(await h.sut.endpoint('2004')).toMatchObject({ resource: '2004', state: 'online', contact: online.contact });
      await sleep(200);
      expect(h.log.all('endpoint.state', (e) => e.endpoint === '2004')).toHaveLength(1);
      h.sim.unregisterEndpoint('2004');
      await h.log.next('endpoint.state', (e) => e.endpoint === '2004' && e.state === 'offline');
      expect((await h.sut.endpoint('2004')).state).toBe('offline');
      expect((await h.sut.endpoint('9999')).state).toBe('unknown');
    });
  });
});
