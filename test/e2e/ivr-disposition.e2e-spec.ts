import type { PbxType } from '@callplane/pbx';
import type { SimRequest } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { ControlPlaneHarness } from '../support/control-plane.harness';

/**
 * Issue 12 ("IVR-served calls are recorded ABANDONED"): the call row of a call an IVR served says
 * what happened — answered by the IVR (`answeredAt`), ended by the flow (`IVR_COMPLETED`), left by
 * the caller inside the flow (`IVR_ABANDONED`) — and only a caller who gave up in a queue is
 * `ABANDONED`. The whole control plane against pbx-sim on real sockets and a real database.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];
const cases = PBX_TYPES.flatMap((pbx) => testDatabaseKinds().map((db) => [pbx, db] as const));

describe.each(cases)('IVR call dispositions on %s with %s', (pbx, db) => {
  let h: ControlPlaneHarness;

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db, soundDurationsMs: { 'main-menu': 30_000, welcome: 200 } });
  });

  afterEach(async () => {
    await h?.close();
  });

  // Prompt requests only: publishing also asks FreeSWITCH `file_exists …/<sound>.wav` (the prompt check).
  const mentions = (text: string): SimRequest[] => h.sim.requests().filter((r) => !r.path.startsWith('api file_exists') && JSON.stringify(r).includes(text));
  const endedRow = async (caller: string) =>
    waitFor(async () => {
      const item = (await h.http().get('/calls').expect(200)).body.items.find((c: { callerNumber: string }) => c.callerNumber === caller);
      return item?.status === 'ended' ? item : undefined;
    }, `ended call row of ${caller}`);
  const route = async (did: string, definition: unknown): Promise<string> => {
    const flow = await h.http().post('/ivr/flows').send({ name: `flow-${did}`, definition }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did, targetType: 'ivr', targetId: flow.body.id }).expect(201);
    return flow.body.id;
  };

  it('a flow that hangs up itself: IVR_COMPLETED, answered by the IVR, cause 16; the REST filter finds it', async () => {
    const flowId = await route('7610', { nodes: [{ id: 'hi', type: 'play', prompts: ['sound:welcome'], next: 'bye' }, { id: 'bye', type: 'hangup', cause: 16 }] });
    await h.sim.placeCall({ from: '5556101', to: '7610' });

    const row = await endedRow('5556101');
    expect(row).toMatchObject({ disposition: 'IVR_COMPLETED', hangupCause: 16, ivrFlowId: flowId, queueId: null, agentId: null });
    expect(row.answeredAt).not.toBeNull();
    expect(Date.parse(row.answeredAt)).toBeGreaterThanOrEqual(Date.parse(row.offeredAt));
    expect(Date.parse(row.answeredAt)).toBeLessThanOrEqual(Date.parse(row.endedAt));
    // The time in the IVR (the 200 ms prompt at least) is time served, not waiting.
    expect(row.talkS).toBeGreaterThanOrEqual(0.15);
    const filtered = (await h.http().get('/calls?disposition=IVR_COMPLETED').expect(200)).body.items;
    expect(filtered.map((c: { id: string }) => c.id)).toEqual([row.id]);
    expect((await h.http().get('/calls?disposition=ABANDONED').expect(200)).body.items).toEqual([]);
  });

  it('the caller hangs up during a menu prompt: IVR_ABANDONED (not a queue abandon), answeredAt set', async () => {
    await route('7620', { nodes: [{ id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 5000, options: [{ digit: '1', next: 'bye' }] }, { id: 'bye', type: 'hangup' }] });
    const caller = await h.sim.placeCall({ from: '5556201', to: '7620' });
    await waitFor(() => mentions('main-menu').length > 0, 'menu prompt requested');
    h.sim.hangup(caller, 16);

    const row = await endedRow('5556201');
    expect(row).toMatchObject({ disposition: 'IVR_ABANDONED', hangupCause: 16, queueId: null });
    expect(row.answeredAt).not.toBeNull();
  });

  it('IVR → queue, the caller gives up waiting: ABANDONED, the wait runs to the hangup', async () => {
    const queue = (await h.http().post('/queues').send({ name: 'nobody-home', strategy: 'ring-all', ringTimeoutS: 20, maxWaitS: 60, wrapUpS: 1 }).expect(201)).body.id;
    await route('7630', { nodes: [{ id: 'q', type: 'queue', queue }] });
    const caller = await h.sim.placeCall({ from: '5556301', to: '7630' });
    await waitFor(async () => (await h.http().get('/calls').expect(200)).body.items.find((c: { queueId: string | null }) => c.queueId === queue), 'call queued');
    await new Promise((r) => setTimeout(r, 300));
    h.sim.hangup(caller, 16);

    const row = await endedRow('5556301');
    expect(row).toMatchObject({ disposition: 'ABANDONED', queueId: queue, agentId: null, talkS: 0 });
    expect(row.waitS).toBeGreaterThanOrEqual(0.3);
  });
});
