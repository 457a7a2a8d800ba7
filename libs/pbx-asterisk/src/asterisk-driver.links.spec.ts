import { createServer, type AddressInfo } from 'node:net';
import { AsteriskSim } from '@callplane/pbx-sim';
import { EventLog, sleep, waitFor } from '@callplane/testing';
import { FAST_RECONNECT, inboundCall, startHarness, type Harness } from './testing/driver.harness';
import { AsteriskDriver } from './asterisk.driver';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe(`${AsteriskDriver.name} links`, () => {
  let h: Harness | undefined;

  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('reconnects after a drop and ends the call that hung up while it was away, once', async () => {
    h = await startHarness();
    const live = await inboundCall(h);
    const ended = await inboundCall(h);
    // Same tick: the hangup's events die with the sockets.
    h.sim.dropConnections();
    h.sim.hangup(ended, 17);
    await h.log.next('driver.disconnected');
    const connected = await h.log.next('driver.connected', (e) => e.reconnect, 15_000);
    expect(connected.snapshot.channels.map((c) => c.id)).toEqual([live]);
    expect(connected.snapshot.channels[0]).toMatchObject({ direction: 'inbound', state: 'up' });
    await h.log.next('channel.hangup', (e) => e.channelId === ended);
    await waitFor(() => h!.sut.health().status === 'up', 'both links up', 15_000);
    h.sim.sendDtmf(live, '3');
    await h.log.next('channel.dtmf', (e) => e.channelId === live && e.digit === '3');
    expect(h.log.all('channel.hangup', (e) => e.channelId === ended)).toHaveLength(1);
    expect(h.log.all('channel.hangup', (e) => e.channelId === live)).toHaveLength(0);
  });

  it('reports registrations that changed while the links were down', async () => {
    h = await startHarness();
    h.sim.registerEndpoint('3003');
    await h.log.next('endpoint.state', (e) => e.endpoint === '3003' && e.state === 'online');
    // Same tick: the registration events die with the sockets.
    h.sim.dropConnections();
    h.sim.unregisterEndpoint('3003');
    h.sim.registerEndpoint('3004');
    await h.log.next('driver.connected', (e) => e.reconnect, 15_000);
    await h.log.next('endpoint.state', (e) => e.endpoint === '3003' && e.state === 'offline');
    await h.log.next('endpoint.state', (e) => e.endpoint === '3004' && e.state === 'online');
  });

  it('keeps the AMI Hangup cause of a call that ended while only the ARI socket was down', async () => {
    h = await startHarness();
    h.sim.registerEndpoint('3002', { answerAfterMs: 10 });
    const agent = await h.sut.originate({ endpoint: '3002', timeoutS: 5 });
    await h.log.next('channel.state', (e) => e.channelId === agent.id && e.state === 'up');
    // Same tick: the ARI events of this hangup die with the socket; AMI still reports Cause 21.
    h.sim.dropAriWebSockets();
    h.sim.hangup(agent.id, 21);
    await h.log.next('driver.connected', (e) => e.reconnect, 15_000);
    const hangup = await h.log.next('channel.hangup', (e) => e.channelId === agent.id);
    expect(hangup.cause).toBe(21);
    expect(h.log.all('driver.disconnected', (e) => e.reason.startsWith('ari'))).toHaveLength(1);
  });

  it('resyncs after an Asterisk restart: calls gone, each hung up once, empty snapshot', async () => {
    h = await startHarness();
    const channelId = await inboundCall(h);
    const bridgeId = await h.sut.createBridge('holding');
    await h.sut.addToBridge(bridgeId, [channelId]);
    await h.log.next('bridge.entered', (e) => e.bridgeId === bridgeId);
    h.sim.restart();
    const connected = await h.log.next('driver.connected', (e) => e.reconnect && e.snapshot.channels.length === 0, 15_000);
    expect(connected.snapshot.bridges).toEqual([]);
    await h.log.next('channel.hangup', (e) => e.channelId === channelId);
    await h.log.next('bridge.destroyed', (e) => e.bridgeId === bridgeId);
    await sleep(300);
    expect(h.log.all('channel.hangup', (e) => e.channelId === channelId)).toHaveLength(1);
  });

  it('starts while the PBX is down, keeps retrying, and connects when it comes up on that port', async () => {
    const [ariPort, amiPort] = [await freePort(), await freePort()];
    const connection = { type: 'asterisk' as const, ariUrl: `http://127.0.0.1:${ariPort}`, ariUsername: 'callplane', ariPassword: 'callplane', app: 'callplane', amiHost: '127.0.0.1', amiPort, amiUsername: 'callplane', amiSecret: 'callplane' };
    const sut = new AsteriskDriver({ id: 'late', name: 'Late Asterisk', connection }, FAST_RECONNECT);
    const log = new EventLog().attach(sut);
    await sut.start();
    expect(sut.health()).toMatchObject({ status: 'connecting', links: { ari: 'connecting', ami: 'connecting' } });
    expect(sut.health().lastError).toMatch(/ECONNREFUSED/);
    await sleep(600);
    const sim = await AsteriskSim.start({ ariPort, amiPort, rtcpIntervalMs: 0 });
    try {
      const connected = await log.next('driver.connected', undefined, 15_000);
      expect(connected.reconnect).toBe(false);
      await waitFor(() => sut.health().status === 'up', 'health up', 15_000);
      const channelId = await sim.placeCall({ from: '1', to: '7000' });
      await log.next('channel.offered', (e) => e.channel.id === channelId);
    } finally {
      log.close();
      await sut.stop();
      await sim.close();
    }
  });

  it('logs and skips malformed ARI events and AMI frames, and keeps working', async () => {
    h = await startHarness();
    const channelId = await inboundCall(h);
    h.sim.injectRawAriEvent('{not json');
    h.sim.injectRawAriEvent('{"type":"SomeFutureEvent","x":1}');
    h.sim.injectRawAriEvent('{"type":"StasisStart","application":"callplane"}');
    h.sim.injectRawAriEvent('[1,2,3]');
    h.sim.injectRawAmi('this is not an AMI frame\r\n\r\n');
    h.sim.injectRawAmi('Event: Hangup\r\nCause: 16\r\n\r\n');
    h.sim.injectRawAmi('Event: ContactStatus\r\nURI: sip:x@y\r\n\r\n');
    h.sim.sendDtmf(channelId, '9');
    await h.log.next('channel.dtmf', (e) => e.channelId === channelId && e.digit === '9');
    h.sim.registerEndpoint('3001');
    await h.log.next('endpoint.state', (e) => e.endpoint === '3001' && e.state === 'online');
    expect(h.log.all('driver.disconnected')).toHaveLength(0);
    expect(h.sut.health().status).toBe('up');
    await h.sut.hangup(channelId);
    expect((await h.log.next('channel.hangup', (e) => e.channelId === channelId)).cause).toBe(16);
  });

  it('reports refused credentials as auth-failed per link and keeps retrying with backoff', async () => {
    h = await startHarness({}, { connection: { ariPassword: 'wrong', amiSecret: 'wrong' } });
    expect(h.sut.health()).toMatchObject({ status: 'down', links: { ari: 'auth-failed', ami: 'auth-failed' } });
    const attempts = (): number => h!.sim.requests().filter((r) => r.protocol === 'ami' && r.method.toLowerCase() === 'login').length;
    await waitFor(() => attempts() >= 3, 'three AMI login attempts', 15_000);
    await waitFor(() => h!.sim.requests().filter((r) => r.path === '/ari/applications').length >= 3, 'three ARI attempts', 15_000);
    expect(h.log.all('driver.connected')).toHaveLength(0);
  });

  it('stops for good: no reconnect attempts and no events after stop()', async () => {
    h = await startHarness();
    await h.sut.stop();
    const before = h.sim.requests().length;
    h.sim.dropConnections();
    await sleep(500);
    expect(h.sim.requests().length).toBe(before);
    expect(h.sut.health().status).toBe('down');
  });
});
