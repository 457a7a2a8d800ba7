import type { Server } from 'node:net';
import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms, normalizeShowJson, outboundListener } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/**
 * Connection handling: esl-reconnect (half-close → disconnect notice, call unaffected; a new
 * connection resyncs with `show channels|calls as json`) and outbound-socket (the sim's `socket`
 * app connects out to a raw listener playing callplane: connect → CHANNEL_DATA reply headers,
 * myevents, linger, sendmsg without uuid, linger notice, exit).
 */
describe('FreeswitchSim conformance: connections', () => {
  let sut: FreeswitchSim;
  let listener: Server | undefined;

  afterEach(async () => {
    await sut.close();
    listener?.close();
  });

  it('esl-reconnect', async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0 });
    const result = await replayScenario('esl-reconnect', sut, { normalizeBody: normalizeShowJson });
    expect(result.connections).toHaveLength(2);
    expectConforms(result);
  });

  it('outbound-socket', async () => {
    const out = await outboundListener();
    listener = out.server;
    sut = await FreeswitchSim.start({
      mediaTimeScale: 0.05, heartbeatMs: 0, outboundSocket: { host: '127.0.0.1', port: out.port, dids: ['8001'] },
    });
    const result = await replayScenario('outbound-socket', sut, {
      nextOutbound: out.next,
      aliases: [[`127.0.0.1:${out.port}`, '127.0.0.1:8084']],
    });
    expect(result.connections.map((c) => c.kind)).toEqual(['outbound', 'inbound']);
    expectConforms(result);
  });

  it('hangs the call up (NORMAL_TEMPORARY_FAILURE, the lab dialplan) when the outbound listener refuses', async () => {
    const out = await outboundListener();
    const port = out.port;
    out.server.close();
    sut = await FreeswitchSim.start({ heartbeatMs: 0, outboundSocket: { host: '127.0.0.1', port, dids: ['8001'] } });
    await expect(sut.placeCall({ from: 'sipp', to: '8001' })).rejects.toThrow('NORMAL_TEMPORARY_FAILURE');
    expect(sut.channels()).toEqual([]);
  });
});
