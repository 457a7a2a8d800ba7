import { DataSource } from 'typeorm';
import { QUEUE_STRATEGIES } from '@callplane/contracts';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';

const ASTERISK = {
  ariUrl: 'http://127.0.0.1:8088', ariUsername: 'callplane', ariPassword: 'pw', app: 'callplane',
  amiHost: '127.0.0.1', amiPort: 5038, amiUsername: 'callplane', amiSecret: 'pw',
};

describe.each(testDatabaseKinds())('HealthController on %s', (kind) => {
  let sut: HttpTestApp;

  beforeAll(async () => {
    sut = await startHttpTestApp(kind);
  });
  afterAll(async () => {
    await sut?.close();
  });

  const admin = () => ({ Authorization: `Bearer ${sut.adminToken}` });

  it('is public and ok with the DB up and no PBX nodes', async () => {
    const res = await sut.http().get('/health').expect(200);
    expect(res.body).toEqual({ status: 'ok' });
    expect((await sut.http().get('/health').set(admin()).expect(200)).body).toEqual({ status: 'ok', db: { status: 'up' }, pbx: [], prompts: [] });
  });

  it('shows PBX node ids and last errors to admins only (not publicly, not to a supervisor, not with a bad token)', async () => {
    const node = await sut.http().post('/pbx-nodes').set(admin()).send({ name: 'h0', type: 'asterisk', connection: ASTERISK }).expect(201);
    sut.asterisk.status = 'connecting';
    await sut.http().post('/users').set(admin()).send({ email: 'sup-h@x.test', password: 'sup-pass-1', role: 'supervisor' }).expect(201);
    const sup = (await sut.http().post('/auth/login').send({ email: 'sup-h@x.test', password: 'sup-pass-1' }).expect(200)).body.accessToken;
    for (const headers of [{}, { Authorization: `Bearer ${sup}` }, { Authorization: 'Bearer not.a.jwt' }, { 'X-Api-Key': 'nope' }]) {
      const res = await sut.http().get('/health').set(headers).expect(200);
      expect(res.body).toEqual({ status: 'degraded' });
      expect(JSON.stringify(res.body)).not.toContain(node.body.id);
    }
    const detailed = await sut.http().get('/health').set(admin()).expect(200);
    expect(detailed.body.pbx).toEqual([expect.objectContaining({ nodeId: node.body.id, status: 'connecting' })]);
    sut.asterisk.status = 'up';
    await sut.http().delete(`/pbx-nodes/${node.body.id}`).set(admin()).expect(204);
  });

  it('lists each PBX driver and is degraded while one is not up', async () => {
    const node = await sut.http().post('/pbx-nodes').set('Authorization', `Bearer ${sut.adminToken}`).send({ name: 'h1', type: 'asterisk', connection: ASTERISK }).expect(201);
    sut.asterisk.status = 'up';
    const up = await sut.http().get('/health').set(admin()).expect(200);
    expect(up.body.status).toBe('ok');
    expect(up.body.pbx).toEqual([expect.objectContaining({ nodeId: node.body.id, type: 'asterisk', status: 'up', links: { main: 'up' } })]);
    expect(Number.isNaN(Date.parse(up.body.pbx[0].since))).toBe(false);
    sut.asterisk.status = 'connecting';
    const degraded = await sut.http().get('/health').set(admin()).expect(200);
    expect(degraded.body).toMatchObject({ status: 'degraded', db: { status: 'up' }, pbx: [{ status: 'connecting' }] });
    sut.asterisk.status = 'up';
  });

  it('answers 503 down when the database is gone', async () => {
    await sut.app.get(DataSource).destroy();
    expect((await sut.http().get('/health').expect(503)).body).toEqual({ status: 'down' });
  });
});

describe('OpenAPI /docs', () => {
  let sut: HttpTestApp;
  beforeAll(async () => {
    sut = await startHttpTestApp('sqlite');
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('serves the UI and a document with bearer + api-key schemes and the REST paths', async () => {
    await sut.http().get('/docs').redirects(1).expect(200).expect('content-type', /html/);
    const doc = (await sut.http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['api-key', 'bearer']);
    expect(doc.components.securitySchemes['api-key']).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Api-Key' });
    for (const path of ['/auth/login', '/auth/me', '/api-keys', '/users', '/pbx-nodes/{id}', '/agents', '/queues/{id}/members', '/inbound-routes', '/calls', '/calls/{id}', '/health']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.components.schemas.CreateQueueDto.properties.strategy.enum).toEqual([...QUEUE_STRATEGIES]);
    expect(doc.paths['/queues'].post.responses['400'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorBodySchema');
    expect(doc.paths['/queues'].post.security).toEqual([{ bearer: [] }, { 'api-key': [] }]);
  });

  it('maps unknown routes to the error body', async () => {
    const res = await sut.http().get('/nope').set('Authorization', `Bearer ${sut.adminToken}`).expect(404);
    expect(res.body).toMatchObject({ statusCode: 404, code: 'not-found' });
    const bad = await sut.http().post('/auth/login').set('Content-Type', 'application/json').send('{"email":').expect(400);
    expect(bad.body).toMatchObject({ statusCode: 400, code: 'bad-request' });
    const big = await sut.http().post('/auth/login').send({ email: 'a@b.c', password: 'x'.repeat(200_000) }).expect(413);
    expect(big.body).toMatchObject({ statusCode: 413, code: 'payload-too-large' });
  });
});
