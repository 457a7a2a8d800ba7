import { AsteriskSim } from '@callplane/pbx-sim';
import { sleep, waitFor } from '@callplane/testing';
import { SimTestClient } from './sim-test.client';

/**
 * Protocol facts found by the live suite on a real Asterisk 22.10.1 (test/live), where the
 * simulator disagreed; the real PBX is right (issue 12 item 5). Listed in
 * test/fixtures/asterisk/README.md, "Observed on the live suite".
 */
describe(`${AsteriskSim.name} behaviour observed on the live suite`, () => {
  let sut: AsteriskSim;
  let client: SimTestClient;

  beforeEach(async () => {
    sut = await AsteriskSim.start({ rtcpIntervalMs: 0, soundDurationsMs: { 'hello-world': 5_000 } });
    client = await new SimTestClient(sut).open();
  });

  afterEach(async () => {
    client.close();
    await sut.close();
  });

  const answeredCall = async (): Promise<string> => {
    const id = await sut.placeCall({ from: 'sipp', fromName: 'SIPp', to: '7000' });
    expect((await client.rest('POST', `/channels/${id}/answer`)).status).toBe(204);
    return id;
  };
  const dtmfOf = (id: string): Array<Record<string, unknown>> =>
    client.events.filter((e) => e.type === 'ChannelDtmfReceived' && (e.channel as { id: string }).id === id);

  describe('endpoint:PJSIP subscription', () => {
    it('delivers every event of a channel on a PJSIP endpoint twice to an app subscribed to it, the second copy later', async () => {
      // Real Asterisk 22.10.1: with `eventSource=endpoint:PJSIP`, one RFC 4733 digit from the caller
      // gave two ChannelDtmfReceived ~40 ms apart (channel subscription + endpoint topic forward).
      const sub = await client.rest('POST', '/applications/callplane/subscription', { eventSource: 'endpoint:PJSIP' });
      expect(sub.body.endpoint_ids).toEqual(['PJSIP']);
      const id = await answeredCall();
      sut.sendDtmf(id, '5');
      await waitFor(() => dtmfOf(id).length === 2 || undefined, 'the forwarded copy');
      const [a, b] = dtmfOf(id);
      expect(b).toEqual(a);
      expect(client.events.filter((e) => e.type === 'StasisStart')).toHaveLength(1);
    });

    it('delivers a channel event once without the subscription and once after unsubscribing', async () => {
      const id = await answeredCall();
      sut.sendDtmf(id, '5');
      await waitFor(() => dtmfOf(id).length === 1 || undefined, 'the digit');
      await client.rest('POST', '/applications/callplane/subscription', { eventSource: 'endpoint:PJSIP' });
      await client.rest('DELETE', '/applications/callplane/subscription', { eventSource: 'endpoint:PJSIP' });
      sut.sendDtmf(id, '6');
      await waitFor(() => dtmfOf(id).length === 2 || undefined, 'the second digit');
      await sleep(150);
      expect(dtmfOf(id).map((e) => e.digit)).toEqual(['5', '6']);
    });
  });

  it('shows the connected line of a created leg on the phone it rings, "Anonymous" without one (chan_pjsip From)', async () => {
    // Real Asterisk 22.10.1 + baresip: a leg created with only CALLERID(all) rang the agent phone
    // as "Anonymous"; chan_pjsip builds the INVITE's From from the connected line.
    sut.registerEndpoint('1001');
    sut.registerEndpoint('1002');
    const withCallerIdOnly = (await client.rest('POST', '/channels/create', { endpoint: 'PJSIP/1001', app: 'callplane' }, { variables: { 'CALLERID(all)': '"Queue Sales" <7000>' } })).body;
    const withConnectedLine = (await client.rest('POST', '/channels/create', { endpoint: 'PJSIP/1002', app: 'callplane' }, {
      variables: { 'CALLERID(all)': '"Ann Caller" <5550100>', 'CONNECTEDLINE(all)': '"Ann Caller" <5550100>' },
    })).body;
    expect(withConnectedLine.connected).toEqual({ name: 'Ann Caller', number: '5550100' });
    for (const leg of [withCallerIdOnly, withConnectedLine]) {
      await client.waitEvent('StasisStart', (e) => e.channel.id === leg.id);
      expect((await client.rest('POST', `/channels/${leg.id}/dial`, { timeout: 5 })).status).toBe(204);
    }
    expect(sut.phoneDisplay('1001')).toEqual({ name: 'Anonymous', number: 'anonymous' });
    expect(sut.phoneDisplay('1002')).toEqual({ name: 'Ann Caller', number: '5550100' });
    expect(sut.phoneDisplay('1003')).toBeUndefined();
  });

  it('caller BYE during a prompt: ChannelHangupRequest, PlaybackFinished failed, then StasisEnd in a later frame, after a PlaybackFinished consumer has acted', async () => {
    // Recorded in inbound-caller-hangup-during-playback (HangupRequest → PlaybackFinished failed →
    // StasisEnd, 1 ms apart); on the live suite callplane's ACD, awaiting the greeting, went on to
    // create a holding bridge for the gone caller before it learnt of the StasisEnd.
    const id = await answeredCall();
    const pb = (await client.rest('POST', `/channels/${id}/play`, { media: 'sound:hello-world' })).body;
    await client.waitEvent('PlaybackStarted');
    let seenAtReaction: string[] | undefined;
    const onPlaybackFinished = (): void => {
      // What a consumer awaiting the playback runs: a continuation of PlaybackFinished's handler.
      if (client.events.at(-1)?.type === 'PlaybackFinished') void Promise.resolve().then(() => (seenAtReaction ??= client.types()));
    };
    client.onMessage(onPlaybackFinished);
    sut.hangup(id);
    await client.waitEvent('StasisEnd');
    const tail = client.types().slice(client.types().indexOf('ChannelHangupRequest'));
    expect(tail).toEqual(['ChannelHangupRequest', 'PlaybackFinished', 'StasisEnd']);
    expect(client.events.find((e) => e.type === 'PlaybackFinished')).toMatchObject({ playback: { id: pb.id, state: 'failed' } });
    expect(seenAtReaction?.slice(-2)).toEqual(['ChannelHangupRequest', 'PlaybackFinished']);
    expect((await client.rest('POST', `/channels/${id}/play`, { media: 'sound:hello-world' })).status).toBe(404);
  });
});
