import { FreeswitchSim } from '@callplane/pbx-sim';
import { EventLog, sleep, waitFor } from '@callplane/testing';
import { FreeswitchDriver } from './freeswitch.driver';
import { freePort, startHarness, TEST_OPTIONS } from './test/fs-harness';
import type { FsHarness } from './test/fs-harness';

/** Connection life cycle: reconnect + resync, PBX down at start, auth failure, malformed frames. */
describe(`${FreeswitchDriver.name} links`, () => {
  let h: FsHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  async function answeredCall(x: FsHarness): Promise<string> {
    const id = await x.sim.placeCall({ from: '5551234', to: '7000' });
    await x.log.next('channel.offered', (e) => e.channel.id === id);
    await x.sut.answer(id);
    return id;
  }

  it('reconnects after the PBX drops the connection: driver.connected reconnect:true with the live call, events flow again', async () => {
    h = await startHarness();
    const first = await h.log.next('driver.connected');
    expect(first.reconnect).toBe(false);
    const id = await answeredCall(h);
    h.sim.dropConnections();
    const lost = await h.log.next('driver.disconnected');
    expect(lost.reason).toMatch(/disconnect|closed/i);
    const again = await h.log.next('driver.connected', (e) => e.reconnect);
    expect(again.snapshot.channels.map((c) => c.id)).toContain(id);
    expect(again.snapshot.channels.find((c) => c.id === id)).toMatchObject({ state: 'up', direction: 'inbound', dialed: '7000' });
    expect(h.sut.health()).toMatchObject({ status: 'up', links: { esl: 'up' } });
    // Re-subscribed with an explicit list, CUSTOM last (never `event ALL`).
    const subs = h.sim.requests().filter((r) => r.method === 'event').map((r) => r.path);
    expect(subs).toHaveLength(2);
    for (const s of subs) expect(s).toMatch(/^event json CHANNEL_CREATE .* CUSTOM sofia::register sofia::unregister sofia::expire/);
    h.sim.sendDtmf(id, '7');
    await h.log.next('channel.dtmf', (e) => e.channelId === id && e.digit === '7');
    await h.sut.hangup(id);
    await h.log.next('channel.hangup', (e) => e.channelId === id);
    await sleep(300);
    expect(h.log.all('channel.offered', (e) => e.channel.id === id)).toHaveLength(1);
  });

  it('offers a call parked while the link was down once it is back', async () => {
    h = await startHarness();
    await h.log.next('driver.connected');
    h.sim.setAuthFailure(true);
    h.sim.dropConnections();
    await h.log.next('driver.disconnected');
    const id = await h.sim.placeCall({ from: '5550000', to: '7000' });
    h.sim.setAuthFailure(false);
    const offered = await h.log.next('channel.offered', (e) => e.channel.id === id);
    expect(offered.channel.dialed).toBe('7000');
    const connected = h.log.all('driver.connected', (e) => e.reconnect)[0];
    expect(connected.snapshot.channels.map((c) => c.id)).not.toContain(id);
  });

  it('a restarted callplane adopts the live bridged call with its bridge id and no new offer', async () => {
    h = await startHarness({ originateTimeScale: 0.05 });
    const caller = await answeredCall(h);
    h.sim.registerEndpoint('1000', { answerAfterMs: 10 });
    const agent = await h.sut.originate({ endpoint: '1000', timeoutS: 5 });
    await h.log.next('channel.state', (e) => e.channelId === agent.id && e.state === 'up');
    await h.sut.addToBridge(await h.sut.createBridge('mixing', 'bridge-1'), [caller, agent.id]);
    await waitFor(() => h!.sim.bridges().some((b) => b.channelIds.includes(caller)), 'bridged in the sim');
    await h.sut.stop();

    const restarted = new FreeswitchDriver({ id: 'fs-1', name: 'fs-test', connection: h.sim.connection }, TEST_OPTIONS);
    const log = new EventLog().attach(restarted);
    try {
      await restarted.start();
      const connected = await log.next('driver.connected');
      expect(connected.reconnect).toBe(false);
      expect(connected.snapshot.bridges).toEqual([{ id: 'bridge-1', type: 'mixing', channelIds: [caller, agent.id] }]);
      expect(connected.snapshot.channels.map((c) => [c.id, c.direction, c.bridgeId])).toEqual(
        expect.arrayContaining([[caller, 'inbound', 'bridge-1'], [agent.id, 'outbound', 'bridge-1']]),
      );
      h.sim.hangup(caller);
      await log.next('channel.hangup', (e) => e.channelId === caller);
      await log.next('bridge.left', (e) => e.bridgeId === 'bridge-1' && e.channelId === caller);
      expect(log.all('channel.offered')).toHaveLength(0);
    } finally {
      log.close();
      await restarted.stop();
    }
  });

  it('starts while the PBX is down, reports connecting, connects when it comes up (reconnect:false)', async () => {
    const port = await freePort();
    const sut = new FreeswitchDriver(
      { id: 'fs-down', name: 'fs-down', connection: { type: 'freeswitch', eslHost: '127.0.0.1', eslPort: port, eslPassword: 'ClueCon' } },
      TEST_OPTIONS,
    );
    const log = new EventLog().attach(sut);
    await sut.start();
    expect(sut.health()).toMatchObject({ status: 'connecting', links: { esl: 'connecting' } });
    expect(sut.health().lastError).toMatch(/ECONNREFUSED|closed/);
    const sim = await FreeswitchSim.start({ port, heartbeatMs: 0 });
    try {
      const connected = await log.next('driver.connected');
      expect(connected).toMatchObject({ reconnect: false, snapshot: { channels: [], bridges: [] } });
      expect(sut.health().status).toBe('up');
    } finally {
      log.close();
      await sut.stop();
      await sim.close();
    }
  });

  it('reports an ESL auth failure in health and keeps retrying with backoff', async () => {
    const sim = await FreeswitchSim.start({ heartbeatMs: 0, authFails: true });
    const sut = new FreeswitchDriver({ id: 'fs-auth', name: 'fs-auth', connection: sim.connection }, TEST_OPTIONS);
    const log = new EventLog().attach(sut);
    try {
      await sut.start();
      expect(sut.health()).toMatchObject({ status: 'down', links: { esl: 'auth-failed' } });
      expect(sut.health().lastError).toMatch(/refused the ESL password/);
      await waitFor(() => sim.requests().filter((r) => r.method === 'auth').length >= 3, 'three auth attempts');
      sim.setAuthFailure(false);
      await log.next('driver.connected');
      expect(sut.health()).toMatchObject({ status: 'up', links: { esl: 'up' } });
      expect(sut.health().lastError).toBeUndefined();
    } finally {
      log.close();
      await sut.stop();
      await sim.close();
    }
  });

  it.each([
    ['bad Content-Length', 'Content-Length: abc\nContent-Type: text/event-json\n\n{"Event-Name":"DTMF"}'],
    ['truncated body', 'Content-Length: 5000\nContent-Type: text/event-json\n\n{"Event-Name":"CHANNEL_ANSWER","Unique-ID":"x'],
    ['unknown content-type', 'Content-Length: 11\nContent-Type: text/bogus\n\nhello world'],
    ['invalid JSON body', 'Content-Length: 9\nContent-Type: text/event-json\n\n{"Event-N'],
    ['a literal % in a header', 'Content-Type: command/reply\nReply-Text: 100%\n\n'],
  ])('logs and skips a malformed frame (%s) without losing the connection or the call', async (_name, raw) => {
    h = await startHarness();
    const id = await answeredCall(h);
    h.sim.injectRaw(raw);
    h.sim.sendDtmf(id, '4');
    await h.log.next('channel.dtmf', (e) => e.channelId === id && e.digit === '4');
    await expect(h.sut.getVariable(id, 'uuid')).resolves.toBe(id);
    await h.sut.hangup(id);
    await h.log.next('channel.hangup', (e) => e.channelId === id);
    expect(h.log.all('driver.disconnected')).toHaveLength(0);
    expect(h.sut.health().status).toBe('up');
  });
});
