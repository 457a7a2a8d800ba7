import WebSocket from 'ws';
import { waitFor } from '@callplane/testing';
import { AsteriskSim } from './asterisk/asterisk-sim';
import { runScenario } from './scenario.runner';
import { parseScenario } from './scenario.schema';

describe(runScenario.name, () => {
  let sim: AsteriskSim;
  let ws: WebSocket;
  const events: Array<{ type: string; digit?: string; endpoint?: { resource: string } }> = [];

  beforeAll(async () => {
    sim = await AsteriskSim.start({ rtcpIntervalMs: 0 });
    const c = sim.connection;
    ws = new WebSocket(`${c.ariUrl.replace('http', 'ws')}/ari/events?app=${c.app}&api_key=${c.ariUsername}:${c.ariPassword}&subscribeAll=true`);
    ws.on('message', (d) => events.push(JSON.parse(String(d))));
    await new Promise((r) => ws.once('open', r));
  });

  afterAll(async () => {
    ws.close();
    await sim.close();
  });

  it('registers endpoints, places calls, sends their DTMF and hangs them up', async () => {
    const scenario = parseScenario(`
name: t
endpoints:
  - { resource: "1001", answerAfterMs: 100 }
calls:
  - { at: 0, from: "5551234", to: "7000", dtmf: [{ at: 10, digits: "1" }], hangupAfterMs: 400, repeat: 2, everyMs: 20 }
`);
    const sut = await runScenario(sim, scenario);
    expect(sut).toEqual({ placed: 2, failed: 0, channelIds: [expect.any(String), expect.any(String)] });
    await waitFor(() => events.filter((e) => e.type === 'StasisEnd').length === 2, 'both calls ended');
    expect(events.filter((e) => e.type === 'ChannelDtmfReceived').map((e) => e.digit)).toEqual(['1', '1']);
    expect(events.some((e) => e.type === 'EndpointStateChange' && e.endpoint?.resource === '1001')).toBe(true);
    expect(sim.channels()).toEqual([]);
  });

  it('rejects an invalid scenario naming the field', () => {
    expect(() => parseScenario('calls: [{ from: "1", to: "" }]')).toThrow(/calls\.0\.to/);
  });
});
