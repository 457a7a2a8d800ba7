import { testDatabaseKinds } from '@callplane/persistence/testing';
import { IvrFlowEntity } from '@callplane/persistence';
import { DataSource } from 'typeorm';
import { startHttpTestApp, HttpTestApp } from './testing/http-test-app';

const ASTERISK = {
  ariUrl: 'http://127.0.0.1:8088', ariUsername: 'callplane', ariPassword: 'ari-secret-1', app: 'callplane',
  amiHost: '127.0.0.1', amiPort: 5038, amiUsername: 'callplane', amiSecret: 'ami-secret-1',
};

describe.each(testDatabaseKinds())('REST configuration CRUD on %s', (kind) => {
  let sut: HttpTestApp;
  const as = (t: HttpTestApp) => ({ Authorization: `Bearer ${t.adminToken}` });
  const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();

  beforeAll(async () => {
    sut = await startHttpTestApp(kind);
  });
  afterAll(async () => {
    await sut?.close();
  });

  describe('PBX nodes', () => {
    it('creates a node, starts its driver, and never returns secrets', async () => {
      const res = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-a', type: 'asterisk', connection: ASTERISK }).expect(201);
      expect(res.body).toMatchObject({ name: 'pbx-a', type: 'asterisk', enabled: true, connection: { type: 'asterisk', ariUrl: ASTERISK.ariUrl, amiPort: 5038 } });
      expect(JSON.stringify(res.body)).not.toMatch(/ari-secret-1|ami-secret-1|ariPassword|amiSecret/);
      expect(sut.asterisk.started.at(-1)).toEqual({ id: res.body.id, name: 'pbx-a', connection: { ...ASTERISK, type: 'asterisk' } });
      expect(sut.drivers.driver(res.body.id).nodeId).toBe(res.body.id);
      expect(res.body.health).toMatchObject({ nodeId: res.body.id, status: 'up' });
      const list = await sut.http().get('/pbx-nodes').set(as(sut)).expect(200);
      expect(JSON.stringify(list.body)).not.toMatch(/secret-1/);
      expect(list.body.map((n: { name: string }) => n.name)).toContain('pbx-a');
    });

    it('patches merge into the stored connection (secrets kept), restart the driver, and disabling stops it', async () => {
      const created = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-b', type: 'asterisk', connection: ASTERISK }).expect(201);
      const id = created.body.id;
      const patched = await sut.http().patch(`/pbx-nodes/${id}`).set(as(sut)).send({ connection: { amiPort: 5039 } }).expect(200);
      expect(patched.body.connection.amiPort).toBe(5039);
      expect(sut.asterisk.started.at(-1)?.connection).toEqual({ ...ASTERISK, amiPort: 5039, type: 'asterisk' });
      expect(sut.asterisk.stopped).toContain(id); // replaced driver stopped
      const disabled = await sut.http().patch(`/pbx-nodes/${id}`).set(as(sut)).send({ enabled: false }).expect(200);
      expect(disabled.body).toMatchObject({ enabled: false, health: null });
      expect(() => sut.drivers.driver(id)).toThrow();
      await sut.http().delete(`/pbx-nodes/${id}`).set(as(sut)).expect(204);
      await sut.http().get(`/pbx-nodes/${id}`).set(as(sut)).expect(404);
    });

    it('keeps a node whose driver cannot start (no driver for its type here) and reports it without health', async () => {
      const res = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'fs-1', type: 'freeswitch', connection: { eslHost: '127.0.0.1', eslPort: 8021, eslPassword: 'ClueCon-not' } }).expect(201);
      expect(res.body).toMatchObject({ type: 'freeswitch', enabled: true, health: null, connection: { type: 'freeswitch', eslHost: '127.0.0.1', eslPort: 8021 } });
      expect(res.body.connection).not.toHaveProperty('eslPassword');
      expect(() => sut.drivers.driver(res.body.id)).toThrow();
      await sut.http().delete(`/pbx-nodes/${res.body.id}`).set(as(sut)).expect(204);
    });

    it('400 names connection fields, 409 on a duplicate name, 404 on unknown ids', async () => {
      const bad = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-c', type: 'asterisk', connection: { ...ASTERISK, ariUrl: 'not a url', amiPort: 70000 } }).expect(400);
      expect(bad.body.code).toBe('validation-failed');
      expect(fieldsOf(bad.body)).toEqual(['connection.amiPort', 'connection.ariUrl']);
      const missing = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-c', type: 'freeswitch', connection: { eslHost: '127.0.0.1' } }).expect(400);
      expect(fieldsOf(missing.body)).toEqual(['connection.eslPassword', 'connection.eslPort']);
      const badType = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-c', type: 'yate', connection: {} }).expect(400);
      expect(fieldsOf(badType.body)).toEqual(['type']);
      await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-dup', type: 'asterisk', connection: ASTERISK }).expect(201);
      expect((await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-dup', type: 'asterisk', connection: ASTERISK }).expect(409)).body.code).toBe('conflict');
      await sut.http().get('/pbx-nodes/00000000-0000-4000-8000-000000000000').set(as(sut)).expect(404);
      expect(fieldsOf((await sut.http().get('/pbx-nodes/nope').set(as(sut)).expect(400)).body)).toEqual(['id']);
    });
  });

  describe('agents', () => {
    it('round-trips an agent (offline at creation) and updates it', async () => {
      const created = await sut.http().post('/agents').set(as(sut)).send({ name: 'Alice', endpoint: '1001', skills: { fr: 70 } }).expect(201);
      expect(created.body).toMatchObject({ name: 'Alice', endpoint: '1001', state: 'offline', skills: { fr: 70 }, userId: null, pbxNodeId: null, lastCallEndedAt: null });
      const got = await sut.http().get(`/agents/${created.body.id}`).set(as(sut)).expect(200);
      expect(got.body).toEqual(created.body);
      const updated = await sut.http().patch(`/agents/${created.body.id}`).set(as(sut)).send({ endpoint: '1002', skills: {} }).expect(200);
      expect(updated.body).toMatchObject({ endpoint: '1002', skills: {} });
      await sut.http().delete(`/agents/${created.body.id}`).set(as(sut)).expect(204);
      await sut.http().get(`/agents/${created.body.id}`).set(as(sut)).expect(404);
    });

    it('400 names the field: agent without endpoint, bad endpoint, unknown property, unknown user', async () => {
      const noEndpoint = await sut.http().post('/agents').set(as(sut)).send({ name: 'NoPhone' }).expect(400);
      expect(noEndpoint.body).toMatchObject({ statusCode: 400, code: 'validation-failed' });
      expect(fieldsOf(noEndpoint.body)).toEqual(['endpoint']);
      expect(noEndpoint.body.message).toMatch(/endpoint/);
      expect(fieldsOf((await sut.http().post('/agents').set(as(sut)).send({ name: 'X', endpoint: 'PJSIP/1001' }).expect(400)).body)).toEqual(['endpoint']);
      expect(fieldsOf((await sut.http().post('/agents').set(as(sut)).send({ name: 'X', endpoint: '1001', state: 'available' }).expect(400)).body)).toEqual(['state']);
      expect(fieldsOf((await sut.http().post('/agents').set(as(sut)).send({ name: 'X', endpoint: '1001', skills: { ok: 7, bad: 'high' } }).expect(400)).body)).toEqual(['skills']);
      const unknownUser = await sut.http().post('/agents').set(as(sut)).send({ name: 'X', endpoint: '1001', userId: '00000000-0000-4000-8000-000000000000' }).expect(400);
      expect(fieldsOf(unknownUser.body)).toEqual(['userId']);
    });
  });

  describe('queues and members', () => {
    it('creates a queue with defaults, updates it, and lists members with penalties', async () => {
      const q = await sut.http().post('/queues').set(as(sut)).send({ name: 'sales', strategy: 'ring-all', greetingPrompt: 'sound:queue-greeting' }).expect(201);
      expect(q.body).toMatchObject({ name: 'sales', strategy: 'ring-all', ringTimeoutS: 20, maxWaitS: 120, wrapUpS: 10, mohClass: 'default', greetingPrompt: 'sound:queue-greeting', noAnswerPrompt: null });
      const u = await sut.http().patch(`/queues/${q.body.id}`).set(as(sut)).send({ strategy: 'longest-idle', wrapUpS: 0, greetingPrompt: null }).expect(200);
      expect(u.body).toMatchObject({ strategy: 'longest-idle', wrapUpS: 0, greetingPrompt: null });
      expect(Date.parse(u.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(q.body.updatedAt));

      const a1 = await sut.http().post('/agents').set(as(sut)).send({ name: 'M1', endpoint: '3001' }).expect(201);
      const a2 = await sut.http().post('/agents').set(as(sut)).send({ name: 'M2', endpoint: '3002' }).expect(201);
      await sut.http().post(`/queues/${q.body.id}/members`).set(as(sut)).send({ agentId: a1.body.id, penalty: 5 }).expect(201);
      await sut.http().post(`/queues/${q.body.id}/members`).set(as(sut)).send({ agentId: a2.body.id }).expect(201);
      expect((await sut.http().post(`/queues/${q.body.id}/members`).set(as(sut)).send({ agentId: a2.body.id }).expect(409)).body.code).toBe('conflict');
      await sut.http().patch(`/queues/${q.body.id}/members/${a2.body.id}`).set(as(sut)).send({ penalty: 9 }).expect(200);
      const members = await sut.http().get(`/queues/${q.body.id}/members`).set(as(sut)).expect(200);
      expect(members.body.map((m: { agentId: string; penalty: number }) => [m.agentId, m.penalty])).toEqual([[a1.body.id, 5], [a2.body.id, 9]]);
      await sut.http().delete(`/queues/${q.body.id}/members/${a1.body.id}`).set(as(sut)).expect(204);
      await sut.http().delete(`/agents/${a2.body.id}`).set(as(sut)).expect(204);
      expect((await sut.http().get(`/queues/${q.body.id}/members`).set(as(sut)).expect(200)).body).toEqual([]);
    });

    it('concurrent creates of one name: exactly one wins, the others get 409 conflict', async () => {
      const results = await Promise.all(Array.from({ length: 6 }, () => sut.http().post('/queues').set(as(sut)).send({ name: 'race', strategy: 'ring-all' })));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'conflict')).toBe(true);
      expect((await sut.http().get('/queues').set(as(sut))).body.filter((q: { name: string }) => q.name === 'race')).toHaveLength(1);
    });

    it("400 names the field: strategy 'foo', negative wrap-up, bad prompt URI", async () => {
      const res = await sut.http().post('/queues').set(as(sut)).send({ name: 'bad', strategy: 'foo' }).expect(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation-failed' });
      expect(res.body.fields).toEqual([{ field: 'strategy', errors: [expect.stringContaining('strategy must be one of the following values: ring-all, longest-idle')] }]);
      expect(fieldsOf((await sut.http().post('/queues').set(as(sut)).send({ name: 'bad', strategy: 'ring-all', wrapUpS: -1, greetingPrompt: 'queue-greeting.wav' }).expect(400)).body)).toEqual(['greetingPrompt', 'wrapUpS']);
      expect(fieldsOf((await sut.http().post('/queues').set(as(sut)).send({ name: 'bad', strategy: 'ring-all', ringTimeoutS: '20' }).expect(400)).body)).toEqual(['ringTimeoutS']);
      expect((await sut.http().get('/queues').set(as(sut))).body.map((q: { name: string }) => q.name)).not.toContain('bad');
    });
  });

  describe('inbound routes', () => {
    it('routes a DID to a queue or an IVR flow, one per (did, node)', async () => {
      const q = await sut.http().post('/queues').set(as(sut)).send({ name: 'support', strategy: 'ring-all' }).expect(201);
      const route = await sut.http().post('/inbound-routes').set(as(sut)).send({ did: '+4930123456', targetType: 'queue', targetId: q.body.id }).expect(201);
      expect(route.body).toMatchObject({ did: '+4930123456', pbxNodeId: null, targetType: 'queue', targetId: q.body.id });
      const dup = await sut.http().post('/inbound-routes').set(as(sut)).send({ did: '+4930123456', targetType: 'queue', targetId: q.body.id }).expect(409);
      expect(dup.body.code).toBe('conflict');

      const node = await sut.http().post('/pbx-nodes').set(as(sut)).send({ name: 'pbx-routes', type: 'asterisk', connection: ASTERISK }).expect(201);
      await sut.http().post('/inbound-routes').set(as(sut)).send({ did: '+4930123456', pbxNodeId: node.body.id, targetType: 'queue', targetId: q.body.id }).expect(201);

      const flow = await sut.app.get(DataSource).getRepository(IvrFlowEntity).save({ name: `main-${kind}`, draft: { start: 'x' }, publishedVersion: 1 });
      const toIvr = await sut.http().patch(`/inbound-routes/${route.body.id}`).set(as(sut)).send({ targetType: 'ivr', targetId: flow.id }).expect(200);
      expect(toIvr.body).toMatchObject({ targetType: 'ivr', targetId: flow.id, targetState: 'ok' });
      const wrongTarget = await sut.http().patch(`/inbound-routes/${route.body.id}`).set(as(sut)).send({ targetType: 'queue' }).expect(400);
      expect(fieldsOf(wrongTarget.body)).toEqual(['targetId']);
      expect(fieldsOf((await sut.http().post('/inbound-routes').set(as(sut)).send({ did: '12 34', targetType: 'menu', targetId: 'x' }).expect(400)).body)).toEqual(['did', 'targetId', 'targetType']);
      await sut.http().delete(`/inbound-routes/${route.body.id}`).set(as(sut)).expect(204);
      const routes = (await sut.http().get('/inbound-routes').set(as(sut)).expect(200)).body;
      expect(routes).toHaveLength(1);
      const inUse = await sut.http().delete(`/queues/${q.body.id}`).set(as(sut)).expect(409);
      expect(inUse.body).toMatchObject({ code: 'queue-in-use', details: { routeIds: [routes[0].id] } });
      await sut.http().delete(`/inbound-routes/${routes[0].id}`).set(as(sut)).expect(204);
      await sut.http().delete(`/queues/${q.body.id}`).set(as(sut)).expect(204);
    });
  });
});
