import { sleep } from '@callplane/testing';
import { AsteriskDriver } from './asterisk.driver';
import { inboundCall, startHarness, type Harness } from './testing/driver.harness';

/**
 * Defects the live suite found on a real Asterisk 22.10.1 (test/live) that the simulator now
 * reproduces (issue 12 item 5): each test here failed against the driver before its fix.
 */
describe(`${AsteriskDriver.name} against behaviour seen on a real Asterisk`, () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });

  afterEach(() => h.close());

  it('reports one RFC 4733 digit on an inbound channel as exactly one channel.dtmf', async () => {
    // Real Asterisk 22.10.1: while the app was subscribed to `endpoint:PJSIP`, every event of every
    // channel on a PJSIP endpoint also came through the endpoint topic: one digit gave two
    // ChannelDtmfReceived ~40 ms apart and was consumed by two IVR menus in turn.
    const channelId = await inboundCall(h);
    h.sim.sendDtmf(channelId, '2');
    await h.log.next('channel.dtmf', (e) => e.channelId === channelId);
    await sleep(300); // well past the ~40 ms after which the endpoint-forwarded copy arrives
    expect(h.log.all('channel.dtmf', (e) => e.channelId === channelId).map((e) => e.digit)).toEqual(['2']);
  });

  it('shows the caller id of an originate on the phone it rings', async () => {
    // Real Asterisk 22.10.1 + baresip: agent legs created with `CALLERID(all)` alone rang as
    // "Anonymous": chan_pjsip builds the INVITE's From from the leg's CONNECTEDLINE.
    h.sim.registerEndpoint('1001', { answerAfterMs: null });
    await h.sut.originate({ endpoint: '1001', timeoutS: 5, callerId: { name: 'Ann Caller', number: '5550100' } });
    expect(h.sim.phoneDisplay('1001')).toEqual({ name: 'Ann Caller', number: '5550100' });
  });
});
