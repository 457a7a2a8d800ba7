import { randomUUID } from 'node:crypto';
import { EslTestClient } from './esl-test-client';
import { FreeswitchSim } from './freeswitch-sim';

const ALL = 'event json ALL';

/** Scripting hooks and connection-level behaviour (auth, drop, raw frames, restart, filters). */
describe(`${FreeswitchSim.name} hooks`, () => {
  let sut: FreeswitchSim;
  const clients: EslTestClient[] = [];
  /** `null`: connect without authenticating. */
  const connect = async (pw: string | null = 'ClueCon'): Promise<EslTestClient> => {
    const c = await EslTestClient.connect(sut.connection.eslPort, pw ?? undefined);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.01, heartbeatMs: 0 });
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.close();
    await sut.close();
  });

  it('answers a wrong password with -ERR invalid and closes the connection', async () => {
    const c = await connect(null);
    await c.waitFor((f) => f.headers['Content-Type'] === 'auth/request');
    const r = await c.command('auth nope');
    expect(r.headers['Reply-Text']).toBe('-ERR invalid');
    await expect(c.waitClosed()).resolves.toBe(true);
  });

  it('fails even the right password while setAuthFailure(true), and accepts it again afterwards', async () => {
    sut.setAuthFailure(true);
    await expect(connect()).rejects.toThrow('auth failed: -ERR invalid');
    sut.setAuthFailure(false);
    await expect(connect()).resolves.toBeInstanceOf(EslTestClient);
  });

  it('rejects commands before auth with -ERR command not found', async () => {
    const c = await connect(null);
    const r = await c.command('api status');
    expect(r.headers['Reply-Text']).toBe('-ERR command not found');
  });

  it('dropConnections sends a disconnect notice and closes, but the call survives for a new connection', async () => {
    const c = await connect();
    const uuid = await sut.placeCall({ from: '100', to: '7000' });
    sut.dropConnections();
    const notice = await c.waitFor((f) => f.headers['Content-Type'] === 'text/disconnect-notice');
    expect(notice.body).toBe('Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n');
    await c.waitClosed();
    const c2 = await connect();
    const rows = JSON.parse(await c2.api('show channels as json')) as { row_count: number; rows: Array<{ uuid: string; callstate: string }> };
    expect(rows.row_count).toBe(1);
    expect(rows.rows[0]).toEqual(expect.objectContaining({ uuid, callstate: 'ACTIVE' }));
  });

  it('injectRaw writes bytes verbatim to authenticated clients', async () => {
    const c = await connect();
    sut.injectRaw('Content-Type: text/bogus\nContent-Length: 3\n\nabc');
    const f = await c.waitFor((x) => x.headers['Content-Type'] === 'text/bogus');
    expect(f.body).toBe('abc');
  });

  it('exit replies +OK bye, then a disconnect notice, then closes', async () => {
    const c = await connect();
    const r = await c.command('exit');
    expect(r.headers['Reply-Text']).toBe('+OK bye');
    await c.waitClosed();
    expect(c.frames.at(-1)?.headers['Content-Type']).toBe('text/disconnect-notice');
  });

  it('restart drops everything silently and serves again on the same port with a new Core-UUID', async () => {
    const c = await connect();
    await c.command(ALL);
    await sut.placeCall({ from: '100', to: '7000' });
    const core1 = (await c.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_PARK'))['Core-UUID'];
    await sut.restart(20);
    await c.waitClosed();
    expect(sut.channels()).toEqual([]);
    const c2 = await connect();
    expect(await c2.api('show channels as json')).toBe('{"row_count": 0}\n');
    await c2.command(ALL);
    await sut.placeCall({ from: '100', to: '7000' });
    const core2 = (await c2.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_PARK'))['Core-UUID'];
    expect(core2).not.toBe(core1);
  });

  it('filters events by header value and deletes the filter again', async () => {
    const c = await connect();
    await c.command(ALL);
    const a = await sut.placeCall({ from: '100', to: '7000' });
    expect((await c.command(`filter Unique-ID ${a}`)).headers['Reply-Text']).toBe(`+OK filter added. [Unique-ID]=[${a}]`);
    const from = c.events.length;
    const b = await sut.placeCall({ from: '200', to: '7000' });
    await c.api(`uuid_kill ${a}`);
    await c.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_DESTROY', 5000, from);
    expect(c.events.slice(from).some((e) => e['Unique-ID'] === b)).toBe(false);
    expect((await c.command(`filter delete Unique-ID ${a}`)).headers['Reply-Text']).toBe(`+OK filter deleted. [Unique-ID]=[${a}]`);
    await c.api(`uuid_kill ${b}`);
    await c.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_DESTROY' && e['Unique-ID'] === b);
  });

  it('nixevent and noevents stop delivery', async () => {
    const c = await connect();
    await c.command('event json CHANNEL_CREATE CHANNEL_PARK');
    expect((await c.command('nixevent CHANNEL_CREATE')).headers['Reply-Text']).toBe('+OK events nixed');
    await sut.placeCall({ from: '100', to: '7000' });
    await c.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_PARK');
    expect(c.events.map((e) => e['Event-Name'])).toEqual(['CHANNEL_PARK']);
    expect((await c.command('noevents')).headers['Reply-Text']).toBe('+OK no longer listening for events');
    await sut.placeCall({ from: '100', to: '7000' });
    await c.api('status');
    expect(c.events).toHaveLength(1);
  });

  it('myevents <uuid> on an inbound connection delivers only that channel', async () => {
    const c = await connect();
    const a = await sut.placeCall({ from: '100', to: '7000' });
    expect((await c.command(`myevents ${a} json`)).headers['Reply-Text']).toBe('+OK Events Enabled');
    await sut.placeCall({ from: '200', to: '7000' });
    await c.api(`uuid_kill ${a}`);
    await c.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_DESTROY');
    expect(new Set(c.events.map((e) => e['Unique-ID']))).toEqual(new Set([a]));
  });

  it('answers log/nolog/linger like mod_event_socket', async () => {
    const c = await connect();
    expect((await c.command('log 7')).headers['Reply-Text']).toBe('+OK log level 7 [7]');
    expect((await c.command('nolog')).headers['Reply-Text']).toBe('+OK no longer logging');
    expect((await c.command('linger')).headers['Reply-Text']).toBe('+OK will linger');
  });

  it('logs every ESL command with method, full line and sendmsg headers', async () => {
    const c = await connect();
    const uuid = await sut.placeCall({ from: '100', to: '7000' });
    sut.clearRequests();
    const seen: string[] = [];
    const off = sut.onRequest((r) => seen.push(r.method));
    await c.api(`uuid_break ${uuid} all`);
    const ev = randomUUID();
    await c.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: silence_stream://100\nEvent-UUID: ${ev}`);
    off();
    expect(sut.requests()).toEqual([
      expect.objectContaining({ protocol: 'esl', method: 'api', path: `api uuid_break ${uuid} all`, params: {} }),
      expect.objectContaining({
        method: 'sendmsg', path: `sendmsg ${uuid}`,
        params: { 'call-command': 'execute', 'execute-app-name': 'playback', 'execute-app-arg': 'silence_stream://100', 'Event-UUID': ev },
      }),
    ]);
    expect(seen).toEqual(['api', 'sendmsg']);
  });

  it('sends HEARTBEAT at the configured interval and RTCP per answered leg', async () => {
    await sut.close();
    sut = await FreeswitchSim.start({ heartbeatMs: 30, rtcpIntervalMs: 30 });
    const c = await connect();
    await c.command('event json HEARTBEAT RECV_RTCP_MESSAGE');
    const uuid = await sut.placeCall({ from: '100', to: '7000' });
    sut.setRtpQuality(uuid, { lossPct: 5, jitterMs: 10, rttMs: 40 });
    const hb = await c.waitForEvent((e) => e['Event-Name'] === 'HEARTBEAT');
    expect(hb['FreeSWITCH-Version']).toBe('1.10.12-release~64bit');
    const rtcp = await c.waitForEvent((e) => e['Event-Name'] === 'RECV_RTCP_MESSAGE');
    expect(rtcp['Unique-ID']).toBe(uuid);
    expect(rtcp['Source0-Jitter']).toBe('80');
    expect(rtcp['Channel-Name']).toBeUndefined();
  });

  it('sends RTCP for originated legs only when the originate asked for rtcp_audio_interval_msec', async () => {
    await sut.close();
    sut = await FreeswitchSim.start({ heartbeatMs: 0, rtcpIntervalMs: 20 });
    sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: 2 });
    sut.registerEndpoint('1001', { ringAfterMs: 1, answerAfterMs: 2 });
    const c = await connect();
    await c.command('event json RECV_RTCP_MESSAGE');
    const plain = randomUUID();
    const withRtcp = randomUUID();
    await c.api(`originate {origination_uuid=${plain}}user/1000@127.0.0.1 &park()`);
    await c.api(`originate {origination_uuid=${withRtcp},rtcp_audio_interval_msec=1000}user/1001@127.0.0.1 &park()`);
    await c.waitForEvent((e) => e['Unique-ID'] === withRtcp);
    await new Promise((r) => setTimeout(r, 60));
    expect(c.events.some((e) => e['Unique-ID'] === plain)).toBe(false);
  });

  it('encodes plain events with switch_url_encode', async () => {
    const c = await connect();
    await c.command('event plain CHANNEL_PARK');
    await sut.placeCall({ from: 'alice', to: '7000' });
    const f = await c.waitFor((x) => x.headers['Content-Type'] === 'text/event-plain');
    expect(f.body).toContain('Channel-Name: sofia/internal/alice%40127.0.0.1%3A5170\n');
    expect(f.body).toMatch(/Event-Date-GMT: \w{3},%20\d\d%20\w{3}%20\d{4}%20/);
    expect(f.headerOrder).toEqual(['Content-Length', 'Content-Type']);
  });
});
