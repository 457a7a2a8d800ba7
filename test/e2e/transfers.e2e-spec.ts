import request from 'supertest';
import type { PbxType } from '@callplane/pbx';
import { waitFor } from '@callplane/testing';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { seedQueue, SeededQueue } from '../support/seed';

/**
 * Issue 8 §1: blind and attended transfers end to end on both simulators — a queue call answered
 * by agent 1001, then moved by REST / Socket.IO; every test ends with no channel or bridge left
 * on the simulator.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];
const db = testDatabaseKinds()[0];

describe.each(PBX_TYPES)('transfers on %s', (pbx) => {
  let h: ControlPlaneHarness;
  let seeded: SeededQueue;
  let agents: AgentClient[];

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db });
    seeded = await seedQueue(h, { did: '7000', wrapUpS: 0, endpoints: ['1001', '1002'] });
    h.sim.registerEndpoint('1001', { ringAfterMs: 20, answerAfterMs: 60 });
    h.sim.registerEndpoint('1002', { ringAfterMs: 20, answerAfterMs: 150 });
    h.sim.registerEndpoint('2001', { ringAfterMs: 20, answerAfterMs: 150 });
    h.sim.registerEndpoint('5550100', { ringAfterMs: 20, answerAfterMs: 150 });
    agents = await Promise.all(seeded.agents.map((a) => AgentClient.connect(h.url, a.token)));
    expect(await agents[0].command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterEach(async () => {
    // Whatever a test left up is hung up by its caller; then nothing may remain on the PBX.
    for (const c of h.sim.channels().filter((c) => c.direction === 'inbound')) h.sim.hangup(c.id, 16);
    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'no channel or bridge left on the simulator');
    agents?.forEach((a) => a.close());
    await h?.close();
  });

  const legOf = (endpoint: string) => h.sim.channels().find((c) => c.direction === 'outbound' && c.endpoint === endpoint);
  const bridgeWith = (...ids: (string | undefined)[]) => h.sim.bridges().find((b) => b.type === 'mixing' && ids.every((id) => !!id && b.channelIds.includes(id)));
  const agentApi = (i: number) => {
    const server = h.app.getHttpServer();
    const auth = (t: request.Test) => t.set('Authorization', `Bearer ${seeded.agents[i].token}`);
    return { post: (p: string) => auth(request(server).post(p)), delete: (p: string) => auth(request(server).delete(p)), get: (p: string) => auth(request(server).get(p)) };
  };

  /** A caller in queue 7000 talking to agent 1001. */
  async function connected(): Promise<{ callId: string; caller: string; agentLeg: string }> {
    const caller = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7000' });
    await waitFor(() => bridgeWith(caller, legOf('1001')?.id), 'caller and agent 1001 bridged');
    const callId = (await waitFor(() => agents[0].received('call.offered')[0], 'call.offered')).callId as string;
    await waitFor(() => agents[0].received('call.answered').length === 1, 'call.answered');
    return { callId, caller, agentLeg: legOf('1001')!.id };
  }

  async function transferState(id: string, state: string): Promise<Record<string, unknown>> {
    return waitFor(async () => {
      const res = await h.http().get(`/transfers/${id}`);
      return res.body?.state === state ? res.body : undefined;
    }, `transfer ${state}`);
  }

  async function endCall(caller: string, callId: string): Promise<Record<string, any>> {
    h.sim.hangup(caller, 16);
    return waitFor(async () => {
      const res = await h.http().get(`/calls/${callId}`);
      return res.body?.status === 'ended' ? res.body : undefined;
    }, 'call row ended');
  }

  it('blind to an agent: the transferring agent is released at once, the caller hears MOH, then talks to the target; one call row with a leg chain', async () => {
    const { callId, caller, agentLeg } = await connected();
    // Available only now, so the queue's ring-all did not ring it for the call.
    expect(await agents[1].command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
    const res = await agentApi(0).post('/transfers').send({ callId, flow: 'blind', target: { type: 'agent', id: seeded.agents[1].agentId } }).expect(201);
    expect(res.body).toMatchObject({ flow: 'blind', state: 'dialing', transfererAgentId: seeded.agents[0].agentId, targetAgentId: seeded.agents[1].agentId });
    await waitFor(() => !h.sim.channels().some((c) => c.id === agentLeg), 'agent 1001 released');
    await transferState(res.body.id, 'completed');
    const bridge = await waitFor(() => bridgeWith(caller, legOf('1002')?.id), 'caller and 1002 bridged');
    expect(bridge.channelIds).toHaveLength(2);
    await waitFor(() => agents[1].received('transfer.changed').some((e) => e.type === 'transfer.completed'), 'transfer.completed to the target agent');
    expect(agents[0].received('transfer.changed').map((e) => e.type)).toContain('transfer.started');
    expect((await h.http().get(`/agents/${seeded.agents[1].agentId}/state-log`).expect(200)).body.map((e: { to: string }) => e.to)).toEqual(expect.arrayContaining(['ringing', 'on-call']));
    const row = await endCall(caller, callId);
    expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: seeded.agents[1].agentId });
    expect(row.legs.map((l: { role: string }) => l.role).sort()).toEqual(['agent', 'caller', 'transfer']);
    expect(row.legs.find((l: { role: string }) => l.role === 'transfer')).toMatchObject({ agentId: seeded.agents[1].agentId, endpoint: '1002' });
    const types = row.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['queue.connected', 'queue.completed', 'transfer.started', 'transfer.completed', 'ended']));
    await waitFor(async () => (await h.http().get(`/agents/${seeded.agents[1].agentId}/state-log`)).body.some((e: { to: string }) => e.to === 'wrap-up'), 'target agent wraps up');
  });

  it('blind to a queue: the call joins the queue and its agent answers', async () => {
    const other = await h.http().post('/queues').send({ name: 'sales', strategy: 'ring-all', ringTimeoutS: 20, maxWaitS: 60, wrapUpS: 0 }).expect(201);
    await h.http().post(`/queues/${other.body.id}/members`).send({ agentId: seeded.agents[1].agentId }).expect(201);
    const { callId, caller } = await connected();
    expect(await agents[1].command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
    const res = await h.http().post('/transfers').send({ callId, flow: 'blind', target: { type: 'queue', id: other.body.id } }).expect(201);
    expect(res.body.state).toBe('completed');
    await waitFor(() => bridgeWith(caller, legOf('1002')?.id), 'caller and the sales agent bridged');
    const row = await endCall(caller, callId);
    expect(row).toMatchObject({ queueId: other.body.id, agentId: seeded.agents[1].agentId, disposition: 'ANSWERED' });
  });

  it('blind to an external number', async () => {
    const { callId, caller } = await connected();
    const res = await h.http().post('/transfers').send({ callId, flow: 'blind', target: { type: 'external', id: '5550100' } }).expect(201);
    await transferState(res.body.id, 'completed');
    await waitFor(() => bridgeWith(caller, legOf('5550100')?.id), 'caller and the external party bridged');
    const row = await endCall(caller, callId);
    expect(row.legs.find((l: { role: string }) => l.role === 'transfer')).toMatchObject({ endpoint: '5550100' });
  });

  it('attended: consult (caller on MOH), swap both ways, conference, complete', async () => {
    const { callId, caller, agentLeg } = await connected();
    const started = await agents[0].command('transfer.start', { callId, flow: 'attended', target: { type: 'endpoint', id: '2001' } });
    expect(started).toMatchObject({ ok: true, data: { state: 'consult-ringing' } });
    const id = (started as { data: { id: string } }).data.id;
    // Not answered yet: complete is refused with the current state.
    const early = await h.http().post(`/transfers/${id}/complete`).expect(409);
    expect(early.body).toMatchObject({ code: 'transfer-illegal-transition', details: { state: 'consult-ringing', event: 'complete' } });
    await transferState(id, 'consulting');
    const target = legOf('2001')!.id;
    await waitFor(() => bridgeWith(agentLeg, target), 'agent and target in the consult bridge');
    expect(bridgeWith(caller, agentLeg)).toBeUndefined();
    await waitFor(() => h.sim.channels().find((c) => c.id === caller)?.playing !== undefined, 'caller hears music on hold');

    expect((await h.http().post(`/transfers/${id}/swap`).expect(200)).body.state).toBe('swapped');
    await waitFor(() => bridgeWith(caller, agentLeg), 'agent back with the caller');
    expect(bridgeWith(agentLeg, target)).toBeUndefined();
    expect((await h.http().post(`/transfers/${id}/swap`).expect(200)).body.state).toBe('consulting');
    await waitFor(() => bridgeWith(agentLeg, target), 'agent with the target again');

    expect((await h.http().post(`/transfers/${id}/conference`).expect(200)).body.state).toBe('conference');
    await waitFor(() => bridgeWith(caller, agentLeg, target), 'three-way');
    expect((await agents[0].command('transfer.complete', { transferId: id }))).toMatchObject({ ok: true, data: { state: 'completed' } });
    await waitFor(() => !h.sim.channels().some((c) => c.id === agentLeg), 'agent left');
    await waitFor(() => bridgeWith(caller, target)?.channelIds.length === 2, 'caller and target alone together');
    // Final: every command is 409 now.
    expect((await h.http().delete(`/transfers/${id}`).expect(409)).body.details).toMatchObject({ state: 'completed' });
    const row = await endCall(caller, callId);
    expect(row.legs.map((l: { role: string }) => l.role).sort()).toEqual(['agent', 'caller', 'transfer']);
    const types = row.events.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['transfer.started', 'transfer.consulting', 'transfer.swapped', 'transfer.conference', 'transfer.completed']));
  });

  it('attended cancel: the consult leg is hung up and the agent is back with the caller', async () => {
    const { callId, caller, agentLeg } = await connected();
    const res = await agentApi(0).post('/transfers').send({ callId, flow: 'attended', target: { type: 'endpoint', id: '2001' } }).expect(201);
    await transferState(res.body.id, 'consulting');
    const target = legOf('2001')!.id;
    expect((await agentApi(0).delete(`/transfers/${res.body.id}`).expect(200)).body.state).toBe('cancelled');
    await waitFor(() => !h.sim.channels().some((c) => c.id === target), 'consult leg hung up');
    await waitFor(() => bridgeWith(caller, agentLeg), 'agent back with the caller');
    // The call is the queue agent's again: the agent hanging up ends it.
    h.sim.hangup(agentLeg, 16);
    await waitFor(() => !h.sim.channels().some((c) => c.id === caller), 'caller hung up after the agent left');
  });

  it.each([
    ['busy', { busy: true }, 'target-busy', undefined],
    ['no answer', { ringAfterMs: 20, answerAfterMs: null }, 'target-no-answer', 5],
  ] as const)('attended, target %s: the agent is back with the caller automatically', async (_name, behaviour, reason, timeoutS) => {
    h.sim.setBehaviour('2001', behaviour);
    const { callId, caller, agentLeg } = await connected();
    const res = await h.http().post('/transfers').send({ callId, flow: 'attended', target: { type: 'endpoint', id: '2001' }, ...(timeoutS ? { timeoutS } : {}) }).expect(201);
    const done = await transferState(res.body.id, 'cancelled');
    expect(done.reason).toBe(reason);
    await waitFor(() => bridgeWith(caller, agentLeg), 'agent back with the caller');
    expect(h.sim.channels().find((c) => c.id === caller)?.playing).toBeUndefined();
  }, 20_000);

  it('caller hangs up during the consult: agent and target are hung up, the transfer ends', async () => {
    const { callId, caller, agentLeg } = await connected();
    const res = await agentApi(0).post('/transfers').send({ callId, flow: 'attended', target: { type: 'endpoint', id: '2001' } }).expect(201);
    await transferState(res.body.id, 'consulting');
    const target = legOf('2001')!.id;
    h.sim.hangup(caller, 16);
    await transferState(res.body.id, 'ended');
    await waitFor(() => !h.sim.channels().some((c) => c.id === target || c.id === agentLeg), 'agent and target hung up');
    await waitFor(() => agents[0].received('transfer.changed').some((e) => e.type === 'transfer.ended'), 'the agent is told');
  });

  it('agent hangs up during the consult: the transfer completes, caller and target talk', async () => {
    const { callId, caller, agentLeg } = await connected();
    const res = await agentApi(0).post('/transfers').send({ callId, flow: 'attended', target: { type: 'endpoint', id: '2001' } }).expect(201);
    await transferState(res.body.id, 'consulting');
    const target = legOf('2001')!.id;
    h.sim.hangup(agentLeg, 16);
    await transferState(res.body.id, 'completed');
    await waitFor(() => bridgeWith(caller, target), 'caller and target bridged');
    const row = await endCall(caller, callId);
    expect(row.disposition).toBe('ANSWERED');
  });

  it('refuses: another agent 403, a second transfer 409, an unknown transfer 404, a bad target 400', async () => {
    const { callId } = await connected();
    await agentApi(1).post('/transfers').send({ callId, flow: 'blind', target: { type: 'endpoint', id: '2001' } }).expect(403);
    await h.http().post('/transfers').send({ callId, flow: 'attended', target: { type: 'queue', id: seeded.queueId } }).expect(400);
    await h.http().post('/transfers').send({ callId, flow: 'blind', target: { type: 'endpoint', id: '20\r\n01' } }).expect(400);
    const res = await h.http().post('/transfers').send({ callId, flow: 'attended', target: { type: 'endpoint', id: '2001' } }).expect(201);
    expect((await h.http().post('/transfers').send({ callId, flow: 'blind', target: { type: 'endpoint', id: '2001' } }).expect(409)).body.code).toBe('transfer-in-progress');
    await h.http().post(`/transfers/00000000-0000-4000-8000-000000000000/complete`).expect(404);
    await h.http().post(`/transfers/${res.body.id}/explode`).expect(404);
    expect(await agents[1].command('transfer.cancel', { transferId: res.body.id })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await agents[0].command('transfer.start', { callId: 'x' })).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
  });

  it('callplane restarted during the consult: complete still works afterwards', async () => {
    const { callId, caller, agentLeg } = await connected();
    const res = await agentApi(0).post('/transfers').send({ callId, flow: 'attended', target: { type: 'endpoint', id: '2001' } }).expect(201);
    await transferState(res.body.id, 'consulting');
    const target = legOf('2001')!.id;
    agents.forEach((a) => a.close());
    await h.restart();
    await waitFor(async () => (await h.http().get(`/calls/${callId}`)).body?.events?.some((e: { type: string }) => e.type === 'transfer.adopted'), 'transfer adopted');
    expect((await h.http().post(`/transfers/${res.body.id}/complete`).expect(200)).body.state).toBe('completed');
    await waitFor(() => !h.sim.channels().some((c) => c.id === agentLeg), 'agent left');
    await waitFor(() => bridgeWith(caller, target), 'caller and target bridged');
    const row = await endCall(caller, callId);
    expect(row.disposition).toBe('ANSWERED');
    agents = [];
  });
});
