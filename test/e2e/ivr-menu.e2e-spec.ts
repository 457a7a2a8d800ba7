import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PbxType } from '@callplane/pbx';
import type { SimRequest } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { CrmLookupModule } from '../../examples/ivr-crm-lookup/src';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { testDatabaseKinds } from '@callplane/persistence/testing';

/**
 * Issue 4 end to end: a caller dials a DID bound to an IVR flow (pbx-sim on real sockets,
 * callplane as main.ts wires it, a real database), presses digits as RFC 2833 DTMF, reaches the
 * right ACD queue; the call row shows the flow version and the path.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];
const cases = PBX_TYPES.flatMap((pbx) => testDatabaseKinds().map((db) => [pbx, db] as const));

const TWO_LEVEL_YAML = (q: Record<string, string>) => `
name: main-menu
start: main
nodes:
  - id: main
    type: menu
    prompts: [sound:main-menu]
    invalidPrompts: [sound:invalid]
    timeoutPrompts: [sound:no-input]
    timeoutMs: 1500
    options:
      - { digit: "1", next: sales }
      - { digit: "2", next: support }
    default: bye
  - id: support
    type: menu
    prompts: [sound:support-menu]
    invalidPrompts: [sound:invalid]
    timeoutPrompts: [sound:no-input]
    timeoutMs: 1000
    options:
      - { digit: "1", next: hardware }
      - { digit: "2", next: software }
    default: bye
  - { id: sales, type: queue, queue: ${q.sales} }
  - { id: hardware, type: queue, queue: ${q.hardware}, priority: 5 }
  - { id: software, type: queue, queue: ${q.software} }
  - { id: bye, type: hangup, prompts: [sound:goodbye] }
`;

describe.each(cases)('IVR menu call on %s with %s', (pbx, db) => {
  let h: ControlPlaneHarness;
  let crm: Server;
  let crmUrl: string;

  beforeAll(async () => {
    crm = createServer((req, res) => {
      const phone = new URL(req.url!, 'http://x').searchParams.get('phone');
      if (phone !== '5550100') return void res.writeHead(404).end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ name: 'Ada', tier: 'gold' }));
    });
    await new Promise<void>((r) => crm.listen(0, '127.0.0.1', r));
    crmUrl = `http://127.0.0.1:${(crm.address() as AddressInfo).port}/contacts?phone={{callerNumber}}`;
  });

  afterAll(async () => {
    crm.closeAllConnections();
    await new Promise((r) => crm.close(r));
  });

  beforeEach(async () => {
    // A 3 s main-menu prompt: a digit sent when its play request is seen lands inside it even on a loaded box.
    h = await ControlPlaneHarness.start({ pbx, db, extensions: [CrmLookupModule.forRoot({ url: crmUrl, timeoutMs: 2000 })], soundDurationsMs: { 'main-menu': 3000 } });
  });

  afterEach(async () => {
    await h?.close();
  });

  const createQueue = async (name: string): Promise<string> =>
    (await h.http().post('/queues').send({ name, strategy: 'ring-all', ringTimeoutS: 20, maxWaitS: 60, wrapUpS: 1 }).expect(201)).body.id;
  // Prompt requests only: publishing also asks FreeSWITCH `file_exists …/<sound>.wav` (the prompt check).
  const mentions = (text: string): SimRequest[] => h.sim.requests().filter((r) => !r.path.startsWith('api file_exists') && JSON.stringify(r).includes(text));
  const waitForPrompt = (name: string, n = 1) => waitFor(() => mentions(name).length >= n, `prompt ${name} requested (#${n})`);
  const stopRequests = () => h.sim.requests().filter((r) => (r.protocol === 'ari' && r.method === 'DELETE' && r.path.startsWith('/ari/playbacks/')) || (r.protocol === 'esl' && /\buuid_break\b/.test(r.path)));
  const callRow = async (caller: string, check: (row: any) => boolean) =>
    waitFor(async () => {
      const list = await h.http().get('/calls').expect(200);
      const item = list.body.items.find((c: { callerNumber: string }) => c.callerNumber === caller);
      if (!item) return undefined;
      const row = (await h.http().get(`/calls/${item.id}`).expect(200)).body;
      return check(row) ? row : undefined;
    }, `call row of ${caller}`);

  it('routes through a two-level menu (barge-in, one invalid digit, one timeout) to the right queue; the row shows the path', async () => {
    const queues = { sales: await createQueue('ivr-sales'), hardware: await createQueue('ivr-hardware'), software: await createQueue('ivr-software') };
    const flow = await h.http().post('/ivr/flows').set('Content-Type', 'application/yaml').send(TWO_LEVEL_YAML(queues)).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did: '7100', targetType: 'ivr', targetId: flow.body.id }).expect(201);

    const caller = await h.sim.placeCall({ from: '5551234', to: '7100' });
    await waitForPrompt('main-menu');
    h.sim.sendDtmf(caller, '9');
    await waitFor(() => stopRequests().length >= 1, 'barge-in stop request');
    await waitForPrompt('main-menu', 2);
    h.sim.sendDtmf(caller, '2');
    await waitForPrompt('support-menu');
    await waitForPrompt('no-input');
    await waitForPrompt('support-menu', 2);
    h.sim.sendDtmf(caller, '1');

    const row = await callRow('5551234', (r) => r.queueId === queues.hardware);
    expect(row).toMatchObject({ ivrFlowId: flow.body.id, ivrFlowVersion: 1, status: 'active' });
    const steps = await waitFor(async () => {
      const detail = (await h.http().get(`/calls/${row.id}`).expect(200)).body;
      const s = detail.events.filter((e: { type: string }) => e.type === 'ivr.node').map((e: { data: Record<string, unknown> }) => e.data);
      return s.length === 3 ? s : undefined;
    }, 'three ivr.node events');
    expect(steps.map((s: Record<string, unknown>) => [s.nodeId, s.type, s.digits, s.result])).toEqual([
      ['main', 'menu', '92', 'digit-2 (after invalid-9)'],
      ['support', 'menu', '1', 'digit-1 (after timeout)'],
      ['hardware', 'queue', '', `queue-${queues.hardware}`],
    ]);
    expect(steps.every((s: { ms: number }) => s.ms >= 0)).toBe(true);
    h.sim.hangup(caller, 16);
    await callRow('5551234', (r) => r.status === 'ended');
  });

  it('runs a flow using the example extension node (crm-lookup) from an extension module', async () => {
    const vip = await createQueue('vip');
    const general = await createQueue('general');
    const flow = await h.http().post('/ivr/flows').send({
      name: 'crm',
      definition: {
        nodes: [
          { id: 'lookup', type: 'crm-lookup', fields: { tier: 'tier' }, onFound: 'tier', onNotFound: 'general', onError: 'general' },
          { id: 'tier', type: 'branch', conditions: [{ when: { variable: 'tier', equals: 'gold' }, next: 'vip' }], default: 'general' },
          { id: 'vip', type: 'queue', queue: vip },
          { id: 'general', type: 'queue', queue: general },
        ],
      },
    }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did: '7200', targetType: 'ivr', targetId: flow.body.id }).expect(201);

    const known = await h.sim.placeCall({ from: '5550100', to: '7200' });
    const unknown = await h.sim.placeCall({ from: '5550200', to: '7200' });
    await callRow('5550100', (r) => r.queueId === vip);
    await callRow('5550200', (r) => r.queueId === general);
    h.sim.hangup(known, 16);
    h.sim.hangup(unknown, 16);
  });

  it('keeps a call inside v1 on v1 when v2 is published; the next call runs v2', async () => {
    const q1 = await createQueue('v1-queue');
    const q2 = await createQueue('v2-queue');
    const def = (queue: string) => ({ nodes: [{ id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 5000, options: [{ digit: '1', next: 'q' }] }, { id: 'q', type: 'queue', queue }] });
    const flow = await h.http().post('/ivr/flows').send({ name: 'versioned', definition: def(q1) }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did: '7300', targetType: 'ivr', targetId: flow.body.id }).expect(201);

    const first = await h.sim.placeCall({ from: '5550301', to: '7300' });
    await waitForPrompt('main-menu');
    await h.http().patch(`/ivr/flows/${flow.body.id}`).send({ definition: def(q2) }).expect(200);
    expect((await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200)).body.version).toBe(2);
    h.sim.sendDtmf(first, '1');
    const firstRow = await callRow('5550301', (r) => r.queueId !== null);
    expect(firstRow).toMatchObject({ queueId: q1, ivrFlowVersion: 1 });

    const second = await h.sim.placeCall({ from: '5550302', to: '7300' });
    await waitForPrompt('main-menu', 2);
    h.sim.sendDtmf(second, '1');
    const secondRow = await callRow('5550302', (r) => r.queueId !== null);
    expect(secondRow).toMatchObject({ queueId: q2, ivrFlowVersion: 2 });
    h.sim.hangup(first, 16);
    h.sim.hangup(second, 16);
  });

  it('takes a call inside a menu back after a control-plane restart; the flow restarts on its version', async () => {
    const q = await createQueue('after-restart');
    const flow = await h.http().post('/ivr/flows').send({ name: 'restart', definition: { nodes: [{ id: 'm', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 10_000, options: [{ digit: '1', next: 'q' }] }, { id: 'q', type: 'queue', queue: q }] } }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did: '7400', targetType: 'ivr', targetId: flow.body.id }).expect(201);
    const caller = await h.sim.placeCall({ from: '5550401', to: '7400' });
    await waitForPrompt('main-menu');
    await callRow('5550401', (r) => r.ivrFlowVersion === 1);

    await h.restart();
    await waitFor(async () => (await h.http().get('/health')).body.pbx?.[0]?.status === 'up', 'PBX links up after restart', 15_000);
    await waitForPrompt('main-menu', 2);
    h.sim.sendDtmf(caller, '1');
    const row = await callRow('5550401', (r) => r.queueId === q);
    // IVR steps are written behind the hand-off (not awaited between nodes): wait for the event rows.
    const types = await waitFor(async () => {
      const detail = (await h.http().get(`/calls/${row.id}`).expect(200)).body;
      const t: string[] = detail.events.map((e: { type: string }) => e.type);
      return t.includes('ivr.node') ? t : undefined;
    }, 'ivr.node event of the adopted call');
    expect(types).toEqual(expect.arrayContaining(['adopted', 'ivr.started', 'ivr.node']));
    h.sim.hangup(caller, 16);
  });

  it('records a voicemail and ends the call row with disposition VOICEMAIL', async () => {
    const flow = await h.http().post('/ivr/flows').send({ name: 'vm', definition: { nodes: [{ id: 'vm', type: 'voicemail', mailbox: 'general', greeting: ['sound:leave-a-message'], maxDurationS: 60 }] } }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did: '7500', targetType: 'ivr', targetId: flow.body.id }).expect(201);
    const caller = await h.sim.placeCall({ from: '5550501', to: '7500' });
    await waitFor(() => mentions('vm-general-').length > 0, 'voicemail recording started');
    h.sim.hangup(caller, 16);
    // The call engine ends the row on the hangup; the IVR writes `ivr.ended` independently of it.
    const row = await callRow('5550501', (r) => r.status === 'ended' && r.events.some((e: { type: string }) => e.type === 'ivr.ended'));
    expect(row).toMatchObject({ disposition: 'VOICEMAIL', ivrFlowId: flow.body.id });
    expect(row.events.find((e: { type: string }) => e.type === 'ivr.ended')?.data).toMatchObject({ reason: 'voicemail' });
  });
});
