import { DataSource } from 'typeorm';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { AgentEntity, CallEntity, CallEventEntity, CallLegEntity } from '@callplane/persistence';
import type { CallDisposition } from '@callplane/contracts';
import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';

const NODE = '00000000-0000-4000-8000-0000000000aa';
const QUEUE_A = '00000000-0000-4000-8000-00000000000a';
const QUEUE_B = '00000000-0000-4000-8000-00000000000b';
const t0 = Date.UTC(2026, 10, 20, 9, 0, 0, 0);

describe.each(testDatabaseKinds())('CallsController on %s', (kind) => {
  let sut: HttpTestApp;
  let agentA: string;
  let agentB: string;
  const as = (token: string) => ({ Authorization: `Bearer ${token}` });
  const ids: string[] = [];

  beforeAll(async () => {
    sut = await startHttpTestApp(kind);
    const ds = sut.app.get(DataSource);
    agentA = (await ds.getRepository(AgentEntity).save({ name: 'A', endpoint: '1001', state: 'offline' as const, stateChangedAt: new Date(), skills: {} })).id;
    agentB = (await ds.getRepository(AgentEntity).save({ name: 'B', endpoint: '1002', state: 'offline' as const, stateChangedAt: new Date(), skills: {} })).id;
    // 30 calls, one a minute: i % 3 picks the disposition, odd i go to queue B, i % 4 == 0 to agent B.
    const dispositions: CallDisposition[] = ['ANSWERED', 'ABANDONED', 'NO_ANSWER'];
    const calls = ds.getRepository(CallEntity);
    for (let i = 0; i < 30; i++) {
      const offeredAt = new Date(t0 + i * 60_000 + 123);
      const disposition = dispositions[i % 3];
      const saved = await calls.save(calls.create({
        pbxNodeId: NODE, channelId: `1795288206.${i}`, direction: 'inbound', callerNumber: i < 5 ? `+49301_${i}` : `+1555000${String(i).padStart(2, '0')}`,
        callerName: `Caller ${i}`, calledNumber: '100', calledName: null, queueId: i % 2 ? QUEUE_B : QUEUE_A,
        agentId: disposition === 'ANSWERED' ? (i % 4 === 0 ? agentB : agentA) : null, ivrFlowId: null, ivrFlowVersion: null,
        status: i === 29 ? 'active' : 'ended', offeredAt, answeredAt: null, endedAt: i === 29 ? null : new Date(offeredAt.getTime() + 30_000),
        waitS: 2.5, talkS: disposition === 'ANSWERED' ? 27.5 : null, disposition: i === 29 ? null : disposition, hangupCause: i === 29 ? null : 16,
      }));
      ids.push(saved.id);
    }
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('pages newest first with total, page and pageSize', async () => {
    const p1 = await sut.http().get('/calls?page=1&pageSize=12').set(as(sut.adminToken)).expect(200);
    expect(p1.body).toMatchObject({ total: 30, page: 1, pageSize: 12 });
    expect(p1.body.items).toHaveLength(12);
    expect(p1.body.items[0].channelId).toBe('1795288206.29');
    expect(p1.body.items[0].offeredAt).toBe(new Date(t0 + 29 * 60_000 + 123).toISOString());
    const p3 = await sut.http().get('/calls?page=3&pageSize=12').set(as(sut.adminToken)).expect(200);
    expect(p3.body.items.map((c: { channelId: string }) => c.channelId)).toEqual([5, 4, 3, 2, 1, 0].map((i) => `1795288206.${i}`));
    const beyond = await sut.http().get('/calls?page=9&pageSize=12').set(as(sut.adminToken)).expect(200);
    expect(beyond.body).toMatchObject({ items: [], total: 30 });
    expect((await sut.http().get('/calls').set(as(sut.adminToken)).expect(200)).body.pageSize).toBe(50);
  });

  it('filters by offeredAt range (ms-exact), queue, agent, disposition, status and caller number', async () => {
    const from = new Date(t0 + 10 * 60_000 + 123).toISOString(); // inclusive: call 10
    const to = new Date(t0 + 20 * 60_000 + 123).toISOString(); // exclusive: not call 20
    const range = await sut.http().get('/calls').query({ from, to, pageSize: 200 }).set(as(sut.adminToken)).expect(200);
    expect(range.body.items.map((c: { channelId: string }) => Number(c.channelId.split('.')[1])).sort((a: number, b: number) => a - b)).toEqual([10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
    const justAfter = await sut.http().get('/calls').query({ from: new Date(t0 + 10 * 60_000 + 124).toISOString(), to }).set(as(sut.adminToken)).expect(200);
    expect(justAfter.body.total).toBe(9);

    expect((await sut.http().get('/calls').query({ queueId: QUEUE_B }).set(as(sut.adminToken))).body.total).toBe(15);
    const answered = await sut.http().get('/calls').query({ disposition: 'ANSWERED', pageSize: 200 }).set(as(sut.adminToken)).expect(200);
    expect(answered.body.total).toBe(10);
    expect(answered.body.items.every((c: { disposition: string; talkS: number }) => c.disposition === 'ANSWERED' && c.talkS === 27.5)).toBe(true);
    expect((await sut.http().get('/calls').query({ agentId: agentB }).set(as(sut.adminToken))).body.total).toBe(3); // i = 0, 12, 24
    expect((await sut.http().get('/calls').query({ status: 'active' }).set(as(sut.adminToken))).body.items.map((c: { channelId: string }) => c.channelId)).toEqual(['1795288206.29']);
    const combined = await sut.http().get('/calls').query({ queueId: QUEUE_A, disposition: 'ANSWERED', from, to }).set(as(sut.adminToken)).expect(200);
    expect(combined.body.items.map((c: { channelId: string }) => c.channelId).sort()).toEqual(['1795288206.12', '1795288206.18']);
    // Substring match, with LIKE wildcards taken literally: "_" matches only the 5 numbers that contain it.
    expect((await sut.http().get('/calls').query({ callerNumber: '1_' }).set(as(sut.adminToken))).body.total).toBe(5);
    expect((await sut.http().get('/calls').query({ callerNumber: '555000' }).set(as(sut.adminToken))).body.total).toBe(25);
    expect((await sut.http().get('/calls').query({ callerNumber: '%' }).set(as(sut.adminToken))).body.total).toBe(0);
  });

  it('400 names the failing query fields', async () => {
    const res = await sut.http().get('/calls').query({ pageSize: 201, page: 0, disposition: 'MAYBE', from: 'yesterday', status: 'x' }).set(as(sut.adminToken)).expect(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['disposition', 'from', 'page', 'pageSize', 'status']);
    expect((await sut.http().get('/calls').query({ bogus: 1 }).set(as(sut.adminToken)).expect(400)).body.fields[0].field).toBe('bogus');
  });

  it('GET /calls/:id returns the call with legs and events ordered by time', async () => {
    const ds = sut.app.get(DataSource);
    const callId = ids[3];
    await ds.getRepository(CallLegEntity).insert([
      { callId, pbxNodeId: NODE, channelId: 'agent.2', role: 'agent', endpoint: '1002', createdAt: new Date(t0 + 2000) },
      { callId, pbxNodeId: NODE, channelId: '1795288206.3', role: 'caller', createdAt: new Date(t0 + 1000) },
    ]);
    await ds.getRepository(CallEventEntity).insert([
      { callId, at: new Date(t0 + 3), type: 'queued', data: { queueId: QUEUE_B } },
      { callId, at: new Date(t0 + 1), type: 'offered', data: { did: '100' } },
      { callId, at: new Date(t0 + 2), type: 'routed', data: null },
      { callId: ids[4], at: new Date(t0), type: 'offered', data: null },
    ]);
    const res = await sut.http().get(`/calls/${callId}`).set(as(sut.adminToken)).expect(200);
    expect(res.body).toMatchObject({ id: callId, channelId: '1795288206.3', disposition: 'ANSWERED', hangupCause: 16, waitS: 2.5 });
    expect(res.body.legs.map((l: { role: string }) => l.role)).toEqual(['caller', 'agent']);
    expect(res.body.events.map((e: { type: string }) => e.type)).toEqual(['offered', 'routed', 'queued']);
    expect(res.body.events[0]).toMatchObject({ at: new Date(t0 + 1).toISOString(), data: { did: '100' } });
    await sut.http().get('/calls/00000000-0000-4000-8000-000000000000').set(as(sut.adminToken)).expect(404);
  });

  it('agents see only their own calls', async () => {
    const email = `agent-a-${Date.now()}@example.com`;
    const user = await sut.http().post('/users').set(as(sut.adminToken)).send({ email, password: 'correct horse', role: 'agent' }).expect(201);
    await sut.http().patch(`/agents/${agentA}`).set(as(sut.adminToken)).send({ userId: user.body.id }).expect(200);
    const token = (await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200)).body.accessToken;
    const own = await sut.http().get('/calls').query({ agentId: agentB, pageSize: 200 }).set(as(token)).expect(200);
    expect(own.body.total).toBe(7);
    expect(own.body.items.every((c: { agentId: string }) => c.agentId === agentA)).toBe(true);
    await sut.http().get(`/calls/${ids[0]}`).set(as(token)).expect(403); // agent B's call
    await sut.http().get(`/calls/${ids[3]}`).set(as(token)).expect(200);
  });
});
