import { AsteriskSim } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { SimTestClient } from './sim-test.client';

/**
 * Behaviours documented in test/fixtures/asterisk/README.md (and the scenarios not replayed in
 * full: hold-mute-moh, bridged-rtp-stats-and-snoop), plus the simulator's own hooks.
 */
describe(`${AsteriskSim.name} behaviour`, () => {
  let sut: AsteriskSim;
  let client: SimTestClient;

  beforeEach(async () => {
    sut = await AsteriskSim.start({ rtcpIntervalMs: 20, soundDurationsMs: { 'hello-world': 50 }, missingSounds: ['no-such-file'] });
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

  it('refuses wrong ARI credentials with 401 and accepts api_key', async () => {
    const url = `${sut.connection.ariUrl}/ari/channels`;
    expect((await fetch(url, { headers: { Authorization: `Basic ${Buffer.from('callplane:wrong').toString('base64')}` } })).status).toBe(401);
    expect((await fetch(`${url}?api_key=callplane:callplane`)).status).toBe(200);
  });

  it('answers an AMI login with a bad secret with "Authentication failed" and echoes the ActionID', async () => {
    const { connect } = await import('node:net');
    const s = connect(sut.connection.amiPort, '127.0.0.1');
    let text = '';
    s.on('data', (d) => (text += d.toString()));
    s.write('Action: Login\r\nActionID: a-1\r\nUsername: callplane\r\nSecret: nope\r\n\r\n');
    await waitFor(() => text.includes('Authentication failed'), 'auth failure');
    expect(text).toBe('Asterisk Call Manager/11.0.0\r\nResponse: Error\r\nActionID: a-1\r\nMessage: Authentication failed\r\n\r\n');
    s.destroy();
  });

  it('hold / mute / moh give 204 and no ARI events; AMI MusicOnHoldStart/Stop and DeviceStateChange ONHOLD (hold-mute-moh)', async () => {
    const id = await answeredCall();
    const before = client.events.length;
    for (const [method, path] of [['POST', 'hold'], ['DELETE', 'hold'], ['POST', 'mute'], ['DELETE', 'mute'], ['POST', 'moh'], ['DELETE', 'moh']]) {
      expect((await client.rest(method, `/channels/${id}/${path}`)).status).toBe(204);
    }
    await waitFor(() => client.amiEvents('MusicOnHoldStop').length === 2, 'MOH stops');
    expect(client.events.length).toBe(before);
    expect(client.amiEvents('MusicOnHoldStart')[0]).toContain('Class: default\r\n');
    expect(client.ami.some((f) => f.includes('State: ONHOLD'))).toBe(true);
  });

  it('snoops: Snoop/<id>-0000000N in Up, StasisStart with args, ChanSpyStart; DELETE gives HangupRequest 32/soft → StasisEnd and ChanSpyStop, no ChannelDestroyed', async () => {
    const id = await answeredCall();
    const snoop = await client.rest('POST', `/channels/${id}/snoop`, { spy: 'both', whisper: 'none', app: 'callplane', appArgs: 'snoop1' });
    expect(snoop.status).toBe(200);
    expect(snoop.body.name).toMatch(new RegExp(`^Snoop/${id.replace('.', '\\.')}-[0-9a-f]{8}$`));
    expect(snoop.body.state).toBe('Up');
    const start = await client.waitEvent('StasisStart', (e) => e.channel.id === snoop.body.id);
    expect(start.args).toEqual(['snoop1']);
    expect(client.amiEvents('ChanSpyStart')).toHaveLength(1);
    expect((await client.rest('DELETE', `/channels/${snoop.body.id}`)).status).toBe(204);
    await client.waitEvent('StasisEnd', (e) => e.channel.id === snoop.body.id);
    const forSnoop = client.events.filter((e) => (e.channel as { id?: string } | undefined)?.id === snoop.body.id).map((e) => e.type);
    expect(forSnoop).toEqual(['StasisStart', 'ChannelHangupRequest', 'StasisEnd']);
    expect(client.amiEvents('ChanSpyStop')).toHaveLength(1);
  });

  it('reports RTP statistics that grow with time (jitter/rtt in seconds) and sends RTCPSent on AMI while Up', async () => {
    const id = await answeredCall();
    await waitFor(() => client.amiEvents('RTCPSent').length >= 2, 'RTCPSent');
    const a = (await client.rest('GET', `/channels/${id}/rtp_statistics`)).body;
    await new Promise((r) => setTimeout(r, 60));
    const b = (await client.rest('GET', `/channels/${id}/rtp_statistics`)).body;
    expect(b.txcount).toBeGreaterThan(a.txcount);
    expect(b.txjitter).toBeLessThan(1);
    expect(a.channel_uniqueid).toBe(id);
    const rtcp = (await client.rest('GET', `/channels/${id}/variable`, { variable: 'CHANNEL(rtcp,all)' })).body.value;
    expect(rtcp).toMatch(/^ssrc=\d+;themssrc=\d+;lp=0;rxjitter=[\d.]+;rxcount=\d+;txjitter=[\d.]+;txcount=\d+;rlp=0;rtt=[\d.]+;rxmes=[\d.]+;txmes=[\d.]+$/);
  });

  it('fails a playback of a missing sound: PlaybackStarted → PlaybackFinished failed; queues a second playback until the first ends', async () => {
    const id = await answeredCall();
    const first = await client.rest('POST', `/channels/${id}/play`, { media: 'sound:hello-world' });
    const second = await client.rest('POST', `/channels/${id}/play`, { media: 'sound:no-such-file' });
    expect(second.body.state).toBe('queued');
    const failed = await client.waitEvent('PlaybackFinished', (e) => e.playback.id === second.body.id);
    expect(failed.playback.state).toBe('failed');
    const order = client.events.filter((e) => e.type.startsWith('Playback')).map((e) => `${e.type}:${(e.playback as { id: string }).id === first.body.id ? 1 : 2}`);
    expect(order).toEqual(['PlaybackStarted:1', 'PlaybackFinished:1', 'PlaybackStarted:2', 'PlaybackFinished:2']);
  });

  it('hangs a dialled leg up after the dial timeout: Dial NOANSWER, then cause 19 (Asterisk dial.c timeout)', async () => {
    sut.registerEndpoint('1002', { ringAfterMs: 2, answerAfterMs: null });
    const leg = (await client.rest('POST', '/channels/create', { endpoint: 'PJSIP/1002', app: 'callplane' })).body;
    await client.waitEvent('StasisStart', (e) => e.channel.id === leg.id);
    expect((await client.rest('POST', `/channels/${leg.id}/dial`, { timeout: 1 })).status).toBe(204);
    const destroyed = await client.waitEvent('ChannelDestroyed', (e) => e.channel.id === leg.id);
    expect(destroyed.cause).toBe(19);
    expect(client.events.filter((e) => e.type === 'Dial').map((e) => e.dialstatus)).toEqual(['', 'RINGING', 'NOANSWER']);
  });

  it('rejects a dial before StasisStart-equivalent state with 409 and a busy originate never enters Stasis', async () => {
    sut.registerEndpoint('1001', { answerAfterMs: 5 });
    const leg = (await client.rest('POST', '/channels/create', { endpoint: 'PJSIP/1001', app: 'callplane' })).body;
    await client.waitEvent('StasisStart', (e) => e.channel.id === leg.id);
    await client.rest('POST', `/channels/${leg.id}/dial`, { timeout: 5 });
    await client.waitEvent('Dial', (e) => e.dialstatus === 'ANSWER');
    expect((await client.rest('POST', `/channels/${leg.id}/dial`)).body).toEqual({ message: 'Channel is not in the Down state' });
  });

  it('injects raw ARI text and raw AMI bytes to connected clients', async () => {
    sut.injectRawAriEvent('{not json');
    sut.injectRawAmi('Event: Garbage\r\nNoColonLine\r\n\r\n');
    await waitFor(() => client.ami.some((f) => f.startsWith('Event: Garbage')), 'raw AMI frame');
    await waitFor(() => client.rawAri.includes('{not json'), 'raw ARI frame');
  });

  it('restart(): sockets dropped, calls gone, FullyBooted again on re-login', async () => {
    await answeredCall();
    sut.restart();
    expect(sut.channels()).toEqual([]);
    client.close();
    client = await new SimTestClient(sut).open();
    expect((await client.rest('GET', '/channels')).body).toEqual([]);
    expect(client.amiEvents('FullyBooted')).toHaveLength(1);
  });

  it('continue: 204, StasisEnd, then the app sees nothing more while GET /channels still lists it in the dialplan Dial (redirect-blind)', async () => {
    sut.registerEndpoint('1002', { answerAfterMs: null });
    const id = await answeredCall();
    expect((await client.rest('POST', `/channels/${id}/continue`, { context: 'from-internal', extension: '1002', priority: 1 })).status).toBe(204);
    await client.waitEvent('StasisEnd');
    await waitFor(() => client.amiEvents('DialState').length === 1, 'dialplan Dial ringing 1002');
    const got = await client.rest('GET', `/channels/${id}`);
    expect(got.body).toMatchObject({ connected: { name: 'Ext 1002', number: '1002' }, dialplan: { context: 'from-internal', exten: '1002', app_name: 'Dial' } });
    expect((await client.rest('POST', `/channels/${id}/answer`)).body).toEqual({ message: 'Channel not in Stasis application' });
    sut.hangup(id);
    await waitFor(() => client.amiEvents('Hangup').length === 2, 'caller and 1002 leg hung up');
    expect(client.types().slice(-1)).toEqual(['StasisEnd']);
    expect(sut.channels()).toEqual([]);
  });

  it('logs every ARI request and AMI action', async () => {
    sut.clearRequests();
    await client.rest('GET', '/channels', { x: 1 });
    expect(sut.requests()).toEqual([expect.objectContaining({ protocol: 'ari', method: 'GET', path: '/ari/channels', params: { x: '1' } })]);
  });

  it('continue to an extension that is no endpoint reaches the dialplan Hangup(): the channel ends', async () => {
    const id = await answeredCall();
    await client.rest('POST', `/channels/${id}/continue`);
    await waitFor(() => client.amiEvents('Hangup').length === 1, 'Hangup');
    expect((await client.rest('GET', `/channels/${id}`)).status).toBe(404);
  });

  it('sets the caller id of a created leg from CALLERID(all) in the variables body', async () => {
    sut.registerEndpoint('1001');
    const leg = await client.rest('POST', '/channels/create', { endpoint: 'PJSIP/1001', app: 'callplane' }, { variables: { 'CALLERID(all)': '"Queue Sales" <7000>' } });
    expect(leg.body.caller).toEqual({ name: 'Queue Sales', number: '7000' });
  });

  it('moves a channel from a holding bridge to a mixing bridge on addChannel (ChannelLeftBridge, then ChannelEnteredBridge)', async () => {
    const id = await answeredCall();
    const holding = (await client.rest('POST', '/bridges', { type: 'holding' })).body;
    const mixing = (await client.rest('POST', '/bridges', { type: 'mixing' })).body;
    expect(holding.technology).toBe('holding_bridge');
    await client.rest('POST', `/bridges/${holding.id}/addChannel`, { channel: id });
    expect((await client.rest('POST', `/bridges/${mixing.id}/addChannel`, { channel: id })).status).toBe(204);
    await client.waitEvent('ChannelEnteredBridge', (e) => e.bridge.id === mixing.id);
    expect(client.types().filter((t) => t.includes('Bridge'))).toEqual(['ChannelEnteredBridge', 'ChannelLeftBridge', 'ChannelEnteredBridge']);
    expect(sut.bridges().find((b) => b.id === holding.id)?.channelIds).toEqual([]);
  });

  it('answers AMI list actions with Success + EventList start, items carrying the ActionID, then …Complete', async () => {
    sut.registerEndpoint('1001');
    await answeredCall();
    const { connect } = await import('node:net');
    const s = connect(sut.connection.amiPort, '127.0.0.1');
    let text = '';
    s.on('data', (d) => (text += d.toString()));
    s.write('Action: Login\r\nUsername: callplane\r\nSecret: callplane\r\nEvents: off\r\n\r\n');
    s.write('Action: PJSIPShowEndpoints\r\nActionID: e1\r\n\r\nAction: CoreShowChannels\r\nActionID: c1\r\n\r\nAction: Ping\r\nActionID: p1\r\n\r\n');
    await waitFor(() => text.includes('Ping: Pong'), 'Ping');
    expect(text).toContain('Response: Success\r\nActionID: e1\r\nEventList: start\r\n');
    expect(text).toMatch(/Event: EndpointList\r\nActionID: e1\r\nObjectType: endpoint\r\nObjectName: 1001\r\n/);
    expect(text).toContain('Event: EndpointListComplete\r\nActionID: e1\r\nEventList: Complete\r\nListItems: 1\r\n\r\n');
    expect(text).toMatch(/Event: CoreShowChannel\r\nActionID: c1\r\nChannel: PJSIP\/sipp-[0-9a-f]{8}\r\n/);
    expect(text).toContain('Event: CoreShowChannelsComplete\r\nActionID: c1\r\nEventList: Complete\r\nListItems: 1\r\n');
    expect(text).not.toContain('FullyBooted');
    s.destroy();
  });

  it('phone blind transfer by REFER: Local;1 replaces the transferer in the bridge, BridgeBlindTransfer, Local;1 follows the callee (phone-refer-blind)', async () => {
    sut.registerEndpoint('1001', { answerAfterMs: 5 });
    sut.registerEndpoint('1002', { ringAfterMs: 5, answerAfterMs: 60 });
    const caller = await answeredCall();
    const agent = (await client.rest('POST', '/channels/create', { endpoint: 'PJSIP/1001', app: 'callplane' })).body;
    await client.waitEvent('StasisStart', (e) => e.channel.id === agent.id);
    await client.rest('POST', `/channels/${agent.id}/dial`, { timeout: 5 });
    await client.waitEvent('Dial', (e) => e.peer.id === agent.id && e.dialstatus === 'ANSWER');
    const bridge = (await client.rest('POST', '/bridges', { type: 'mixing' })).body;
    await client.rest('POST', `/bridges/${bridge.id}/addChannel`, { channel: `${caller},${agent.id}` });
    const from = client.events.length;

    sut.phoneBlindTransfer(agent.id, '1002');
    await client.waitEvent('Dial', (e) => /^Local\//.test(e.peer.name) && e.dialstatus === 'ANSWER');
    const seq = client.events.slice(from).filter((e) => e.type !== 'ChannelVarset' && e.type !== 'ChannelConnectedLine').map((e) => {
      const ch = e.channel as { name: string; state: string } | undefined;
      return `${e.type}${ch ? ` ${ch.name.replace(/-[0-9a-f]{8}/, '')} ${ch.state}` : ''}${e.type === 'Dial' ? ` ${e.dialstatus}` : ''}`;
    });
    expect(seq).toEqual([
      'ChannelUnhold PJSIP/1001 Up',
      'StasisStart Local/1002@from-internal;1 Down',
      'ChannelLeftBridge PJSIP/1001 Up',
      'ChannelEnteredBridge Local/1002@from-internal;1 Down',
      'BridgeBlindTransfer PJSIP/1001 Up',
      'ChannelStateChange Local/1002@from-internal;1 Ringing',
      'Dial RINGING',
      'ChannelStateChange Local/1002@from-internal;1 Up',
      'Dial ANSWER',
    ]);
    const start = client.events.slice(from).find((e) => e.type === 'StasisStart') as unknown as { replace_channel: { id: string } };
    expect(start.replace_channel.id).toBe(agent.id);
    const bt = client.events.find((e) => e.type === 'BridgeBlindTransfer');
    expect(bt).toMatchObject({ exten: '1002', context: 'from-internal', result: 'Success', is_external: true, transferee: { id: caller } });
    expect(sut.channels().find((c) => c.id === agent.id)?.bridgeId).toBeUndefined();
    expect(client.amiEvents('BlindTransfer')[0]).toContain('IsExternal: Yes\r\n');

    sut.hangup(agent.id);
    sut.hangup(caller);
    const callee = sut.channels().find((c) => c.endpoint === '1002')!;
    sut.hangup(callee.id);
    await waitFor(() => sut.channels().length === 0 || undefined, 'all channels gone');
  });
});
