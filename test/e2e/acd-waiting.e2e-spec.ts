import type { PbxType } from '@callplane/pbx';
import { waitFor } from '@callplane/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { seedQueue } from '../support/seed';

/**
 * Issue 7, the waiting caller, as main.ts wires callplane (queues configured over REST, agents over
 * Socket.IO, IVR flows published): overflow into an IVR flow after max wait, the leave key into
 * another queue answered there, a callback served end to end. The finer cases (announcements, races,
 * restart) are in libs/acd/src/acd-waiting.spec.ts.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];

describe.each(PBX_TYPES)('waiting callers on %s', (pbx) => {
  let h: ControlPlaneHarness;
  let clients: AgentClient[] = [];

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db: 'sqlite', soundDurationsMs: { 'queue-greeting': 100, 'vm-goodbye': 100, 'queue-thankyou': 100 } });
  });

  afterEach(async () => {
    clients.forEach((c) => c.close());
    clients = [];
    await h?.close();
  });

  const callByNumber = (number: string, done: (row: any) => boolean) =>
    waitFor(async () => {
      const list = await h.http().get('/calls').expect(200);
      const row = list.body.items.find((c: { callerNumber: string }) => c.callerNumber === number);
      if (!row) return undefined;
      const full = (await h.http().get(`/calls/${row.id}`).expect(200)).body;
      return done(full) ? full : undefined;
    }, `call from ${number}`, 15_000);
  const eventTypes = (row: { events: { type: string }[] }) => row.events.map((e) => e.type);

  it('max wait → the IVR flow the queue overflows to takes the caller', async () => {
    const flow = await h.http().post('/ivr/flows').send({ name: 'after-hours', definition: { nodes: [{ id: 'bye', type: 'hangup', cause: 16, prompts: ['sound:vm-goodbye'] }] } }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    const queue = await h.http().post('/queues').send({ name: 'overflowing', strategy: 'ring-all', maxWaitS: 1, overflowTargetType: 'ivr', overflowTargetId: flow.body.id, greetingPrompt: 'sound:queue-greeting' }).expect(201);
    await h.http().post('/inbound-routes').send({ did: '7400', targetType: 'queue', targetId: queue.body.id }).expect(201);

    await h.sim.placeCall({ from: '5550400', to: '7400' });
    const row = await callByNumber('5550400', (r) => r.status === 'ended' && eventTypes(r).includes('ended'));

    // The flow's hangup node ended the call: the IVR's outcome, not the queue's NO_ANSWER.
    expect(row).toMatchObject({ disposition: 'IVR_COMPLETED', queueId: queue.body.id, ivrFlowId: flow.body.id });
    expect(eventTypes(row)).toEqual(expect.arrayContaining(['queue.entered', 'queue.overflow', 'ended']));
    expect(row.events.find((e: { type: string }) => e.type === 'queue.overflow').data).toMatchObject({ reason: 'max-wait', targetType: 'ivr', targetId: flow.body.id });
    expect(h.sim.requests().some((r) => JSON.stringify(r).includes('vm-goodbye'))).toBe(true);
  });

  it('leave key → the overflow queue, where an agent answers', async () => {
    const target = await seedQueue(h, { did: '7411', endpoints: ['1001'] });
    h.sim.registerEndpoint('1001', { ringAfterMs: 50, answerAfterMs: 200 });
    clients = [await AgentClient.connect(h.url, target.agents[0].token)];
    const queue = await h.http().post('/queues').send({ name: 'first-line', strategy: 'ring-all', maxWaitS: 60, leaveKey: '0', overflowTargetType: 'queue', overflowTargetId: target.queueId }).expect(201);
    await h.http().post('/inbound-routes').send({ did: '7410', targetType: 'queue', targetId: queue.body.id }).expect(201);
    expect(await clients[0].command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });

    const caller = await h.sim.placeCall({ from: '5550410', to: '7410' });
    await callByNumber('5550410', (r) => eventTypes(r).includes('queue.entered'));
    h.sim.sendDtmf(caller, '0');
    await waitFor(() => clients[0].received('call.answered').length === 1, 'answered in the overflow queue', 10_000);
    h.sim.hangup(caller, 16);
    const row = await callByNumber('5550410', (r) => r.status === 'ended');

    expect(row).toMatchObject({ disposition: 'ANSWERED', queueId: target.queueId, agentId: target.agents[0].agentId });
    expect(row.events.find((e: { type: string }) => e.type === 'queue.overflow').data).toMatchObject({ reason: 'leave-key', targetType: 'queue', targetId: target.queueId });
  });

  it('callback key → the caller hangs up, is called back when an agent is free, and is bridged with that agent', async () => {
    const seeded = await seedQueue(h, { did: '7420', endpoints: ['1001'] });
    await h.http().patch(`/queues/${seeded.queueId}`).send({ callbackKey: '5' }).expect(200);
    h.sim.registerEndpoint('1001', { ringAfterMs: 50, answerAfterMs: 200 });
    h.sim.registerEndpoint('5550420', { ringAfterMs: 50, answerAfterMs: 300 });
    clients = [await AgentClient.connect(h.url, seeded.agents[0].token)];

    const caller = await h.sim.placeCall({ from: '5550420', to: '7420' });
    await callByNumber('5550420', (r) => eventTypes(r).includes('queue.entered'));
    h.sim.sendDtmf(caller, '5');
    const origin = await callByNumber('5550420', (r) => r.status === 'ended');
    expect(origin).toMatchObject({ disposition: 'NO_ANSWER' });
    expect(eventTypes(origin)).toContain('queue.callback-requested');

    expect(await clients[0].command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
    await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.length === 2), 'agent and caller bridged', 15_000);
    const callerLeg = h.sim.channels().find((c) => c.endpoint === '5550420');
    expect(callerLeg).toBeDefined();
    h.sim.hangup(callerLeg!.id, 16);
    const back = await waitFor(async () => {
      const list = await h.http().get('/calls').expect(200);
      return list.body.items.find((c: { direction: string; status: string }) => c.direction === 'outbound' && c.status === 'ended');
    }, 'callback call ended', 10_000);
    expect(back).toMatchObject({ disposition: 'ANSWERED', queueId: seeded.queueId, agentId: seeded.agents[0].agentId, callerNumber: '5550420' });
  });
});
