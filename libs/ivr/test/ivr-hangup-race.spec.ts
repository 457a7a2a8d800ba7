import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runInThisContext } from 'node:vm';
import type { PbxType } from '@callplane/pbx';
import type { SimRequest } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { openTestDataSource, TestDataSource } from '@callplane/persistence/testing';
import { TypeOrmIvrFlowStore } from '../src/flow/typeorm-ivr-flow.store';
import { IvrService } from '../src/ivr.service';
import { startLiveIvr } from './live-ivr.harness';

/**
 * The real `process` (Jest gives test files a copy whose listeners Node never calls). Node's
 * default `--unhandled-rejections=throw` exits at the `unhandledRejection` event even when a
 * handler is attached later, and Jest forgets such a rejection once handled: listen here.
 */
const nodeProcess = runInThisContext('process') as NodeJS.Process;

/**
 * Issue 12 ("callplane crashed under load on FreeSWITCH"): a caller hanging up at the exact
 * moments around prompt/collect transitions must end the flow as `caller-hangup` and never leave
 * a rejected promise nobody handles (Node exits on one). The hangup is sent by the simulator at
 * the moment it receives the request (before it answers it), over real sockets, so the PBX's
 * hangup event overtakes the command's reply exactly as under load on the real PBX.
 */
describe.each<PbxType>(['asterisk', 'freeswitch'])(`${IvrService.name}: caller hangs up mid-transition on %s`, (pbx) => {
  let db: TestDataSource;
  let h: Awaited<ReturnType<typeof startLiveIvr>>;
  let crm: Server;
  let crmUrl: string;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown): void => void unhandled.push(reason);

  beforeAll(async () => {
    // A slow data dip: the caller hangs up while the http node waits for it.
    crm = createServer((_req, res) => void setTimeout(() => res.setHeader('content-type', 'application/json').end('{"tier":"gold"}'), 300));
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/lookup`;
  });

  afterAll(async () => {
    crm.closeAllConnections();
    await new Promise((r) => crm.close(r));
  });

  beforeEach(async () => {
    unhandled.length = 0;
    nodeProcess.on('unhandledRejection', onUnhandled);
    db = await openTestDataSource('sqlite');
    // The slow data dip listens on loopback, which the http node reaches only when listed (issue 13).
    h = await startLiveIvr(pbx, new TypeOrmIvrFlowStore(db.dataSource), { httpAllow: ['127.0.0.1'] });
  });

  afterEach(async () => {
    await h?.close();
    await db?.close();
    nodeProcess.off('unhandledRejection', onUnhandled);
  });

  /** The request that starts playing `sound` on the channel: ARI `POST …/play`, ESL `sendmsg` playback. */
  const isPlayOf = (r: SimRequest, channelId: string, sound: string): boolean =>
    r.protocol === 'ari'
      ? r.method === 'POST' && r.path.startsWith(`/ari/channels/${channelId}/play`) && JSON.stringify(r.params).includes(sound)
      : r.method === 'sendmsg' && r.path.includes(channelId) && (r.params['execute-app-arg'] ?? '').includes(sound);

  /**
   * Hangs the caller up (cause 16) the moment the simulator receives the first request matching
   * `when`, and answers that request 50 ms later (a loaded PBX): the hangup events reach the
   * driver first, in their own socket reads, as under load on the real FreeSWITCH.
   */
  const hangUpOn = (channelId: string, when: (r: SimRequest) => boolean): void => {
    h.sim.delayRequests(when, 50);
    const off = h.sim.onRequest((r) => {
      if (!when(r)) return;
      off();
      h.sim.hangup(channelId, 16);
    });
  };

  /** Lets every socket read, timer and microtask of the hangup run, so a stray rejection is reported. */
  const settle = () => new Promise((r) => setTimeout(r, 300));

  const menuFlow = {
    nodes: [
      { id: 'hello', type: 'play', prompts: ['sound:welcome'], next: 'm' },
      { id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 2000, options: [{ digit: '1', next: 'bye' }] },
      { id: 'bye', type: 'hangup', prompts: ['sound:goodbye'] },
    ],
  };

  it('hangup just before the PBX answers the play request', async () => {
    const call = await h.placeCall();
    hangUpOn(call.channelId, (r) => isPlayOf(r, call.channelId, 'welcome'));
    const result = await h.sut.start(call, await h.kit.flows.publish((await h.kit.flows.create('race-play', menuFlow)).id));
    await settle();
    expect(result).toMatchObject({ reason: 'caller-hangup', nodeId: 'hello' });
    expect(unhandled).toEqual([]);
  });

  it('hangup just before the play request of the next node (the previous prompt finished)', async () => {
    const call = await h.placeCall();
    hangUpOn(call.channelId, (r) => isPlayOf(r, call.channelId, 'main-menu'));
    const result = await h.sut.start(call, await h.kit.flows.publish((await h.kit.flows.create('race-next', menuFlow)).id));
    await settle();
    expect(result).toMatchObject({ reason: 'caller-hangup', nodeId: 'm' });
    expect(unhandled).toEqual([]);
  });

  it('hangup just before the goodbye prompt of a hangup node is accepted (after the digit ended the collect)', async () => {
    const call = await h.placeCall();
    hangUpOn(call.channelId, (r) => isPlayOf(r, call.channelId, 'goodbye'));
    const run = h.sut.start(call, await h.kit.flows.publish((await h.kit.flows.create('race-bye', menuFlow)).id));
    await h.waitForRequest('main-menu');
    h.sim.sendDtmf(call.channelId, '1');
    const result = await run;
    await settle();
    expect(result).toMatchObject({ reason: 'caller-hangup', nodeId: 'bye' });
    expect(unhandled).toEqual([]);
  });

  it('hangup while an http node waits for its data dip, before the next prompt', async () => {
    const flow = await h.kit.flows.create('race-http', {
      nodes: [
        { id: 'dip', type: 'http', url: crmUrl, method: 'GET', timeoutMs: 2000, responseMap: { tier: 'tier' }, next: 'm', onError: 'm' },
        { id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 2000, options: [{ digit: '1', next: 'm' }] },
      ],
    });
    const call = await h.placeCall();
    const run = h.sut.start(call, await h.kit.flows.publish(flow.id));
    await new Promise((r) => setTimeout(r, 100));
    h.sim.hangup(call.channelId, 16);
    const result = await run;
    await settle();
    expect(result.reason).toBe('caller-hangup');
    expect(h.requestsWith('main-menu')).toEqual([]);
    expect(unhandled).toEqual([]);
  });

  it('many callers hanging up at random moments of a menu leave no unhandled rejection and no running flow', async () => {
    const version = await h.kit.flows.publish((await h.kit.flows.create('race-many', menuFlow)).id);
    const runs = [];
    for (let i = 0; i < 12; i++) {
      const call = await h.placeCall(`55500${String(i).padStart(2, '0')}`);
      runs.push(h.sut.start(call, version));
      // 0-140 ms: before, during and after the 100 ms welcome prompt and the menu's play request.
      setTimeout(() => h.sim.hangup(call.channelId, 16), (i * 37) % 150);
    }
    const results = await Promise.all(runs);
    await settle();
    expect(results.every((r) => r.reason === 'caller-hangup')).toBe(true);
    await waitFor(() => h.sut.activeCalls === 0, 'no flow running');
    expect(unhandled).toEqual([]);
  });
});
