import * as ari from 'ari-client';
import { waitFor } from '@callplane/testing';
import { AsteriskSim } from './asterisk-sim';

/** The real ari-client@2.2.0 against the simulator: it must load the generated api-docs and work end to end. */
describe(`${AsteriskSim.name} with ari-client`, () => {
  let sut: AsteriskSim;
  let client: ari.Client;
  const events: Array<{ type: string; [k: string]: unknown }> = [];
  const seenTypes = new Set<string>();

  beforeAll(async () => {
    sut = await AsteriskSim.start({ soundDurationsMs: { 'hello-world': 50 } });
    const c = sut.connection;
    client = await ari.connect(c.ariUrl, c.ariUsername, c.ariPassword);
    client.on('*' as never, (e: { type: string }) => {
      events.push(e);
      seenTypes.add(e.type);
    });
    await client.start(c.app);
  });

  afterAll(async () => {
    client?.stop();
    await sut.close();
  });

  it('lists channels, gets StasisStart, answers, plays and hangs up through ari-client', async () => {
    expect(await client.channels.list()).toEqual([]);
    const started = new Promise<ari.Channel>((resolve) => client.once('StasisStart', (_e, ch) => resolve(ch)));
    const id = await sut.placeCall({ from: 'sipp', fromName: 'SIPp', to: '7000' });
    const channel = await started;
    expect(channel.id).toBe(id);
    expect(channel.state).toBe('Ring');

    await channel.answer();
    expect(sut.channels()[0].state).toBe('Up');

    const playback = client.Playback();
    const finished = new Promise<ari.Playback>((resolve) => playback.once('PlaybackFinished', (_e, pb) => resolve(pb)));
    await channel.play({ media: 'sound:hello-world' }, playback);
    expect((await finished).state).toBe('done');

    await channel.hangup();
    await waitFor(() => events.some((e) => e.type === 'StasisEnd'), 'StasisEnd');
    expect(events.map((e) => e.type)).toEqual([
      'StasisStart', 'ChannelStateChange', 'PlaybackStarted', 'PlaybackFinished',
      'ChannelVarset', 'ChannelVarset', 'ChannelVarset', 'ChannelVarset', 'ChannelVarset',
      'ChannelHangupRequest', 'StasisEnd',
    ]);
    await expect(client.channels.get({ channelId: id })).rejects.toThrow(/Channel not found/);
  });

  it('creates and dials a registered endpoint, which answers', async () => {
    events.length = 0;
    sut.registerEndpoint('1001', { ringAfterMs: 5, answerAfterMs: 30 });
    const leg = await client.channels.create({ endpoint: 'PJSIP/1001', app: sut.connection.app });
    expect(leg.state).toBe('Down');
    await waitFor(() => events.some((e) => e.type === 'StasisStart'), 'StasisStart of the leg');
    await client.channels.dial({ channelId: leg.id, timeout: 20 });
    await waitFor(() => events.some((e) => e.type === 'Dial' && e.dialstatus === 'ANSWER'), 'Dial ANSWER');
    expect(sut.channels().find((c) => c.id === leg.id)?.state).toBe('Up');
    const dials = events.filter((e) => e.type === 'Dial').map((e) => e.dialstatus);
    expect(dials).toEqual(['', 'RINGING', 'ANSWER']);
    await client.channels.hangup({ channelId: leg.id });
    await waitFor(() => events.some((e) => e.type === 'ChannelDestroyed'), 'ChannelDestroyed');
  });

  it('rejects an originate to an unregistered endpoint with 500 Allocation failed', async () => {
    await expect(client.channels.originate({ endpoint: 'PJSIP/1003', app: sut.connection.app })).rejects.toThrow(/Allocation failed/);
  });

  it('serves api-docs generated from its route table, with every event type it sent declared in events.json', async () => {
    const c = sut.connection;
    const auth = { headers: { Authorization: `Basic ${Buffer.from('callplane:callplane').toString('base64')}` } };
    const resources = (await (await fetch(`${c.ariUrl}/ari/api-docs/resources.json`, auth)).json()) as { basePath: string; swaggerVersion: string };
    expect(resources).toMatchObject({ basePath: `${c.ariUrl}/ari`, swaggerVersion: '1.1' });
    const channels = (await (await fetch(`${c.ariUrl}/ari/api-docs/channels.json`, auth)).json()) as { apis: Array<{ path: string; operations: Array<{ httpMethod: string; nickname: string }> }> };
    const documented = channels.apis.flatMap((a) => a.operations.map((o) => `${o.httpMethod} ${a.path} ${o.nickname}`)).sort();
    const routed = sut.routes().filter((r) => r.path.startsWith('/channels')).map((r) => `${r.method} ${r.path} ${r.nickname}`).sort();
    expect(documented).toEqual(routed);
    const models = ((await (await fetch(`${c.ariUrl}/ari/api-docs/events.json`, auth)).json()) as { models: Record<string, unknown> }).models;
    expect(seenTypes.size).toBeGreaterThan(8);
    for (const type of seenTypes) expect(models).toHaveProperty(type);
  });
});
