import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { PbxDrivers } from '@callplane/pbx';
import { DataSource } from 'typeorm';
import { PersistenceModule, QueueEntity } from '@callplane/persistence';
import { twoLevelMenuFlow } from '@callplane/ivr';
import { createTestDatabase, TestDatabase, testDatabaseKinds } from '@callplane/persistence/testing';
import { HTTP_APP_OPTIONS, setupHttpApp } from '../setup-http-app';
import { IvrFlowsController } from './ivr-flows.controller';
import { IvrHttpModule } from './ivr-http.module';

/** The port with no PBX node running: the REST edge of the IVR needs none. */
@Global()
@Module({ providers: [{ provide: PbxDrivers, useValue: new PbxDrivers([], { reconnectMinMs: 50, reconnectMaxMs: 100, requestTimeoutMs: 1000 }) }], exports: [PbxDrivers] })
class NoPbxModule {}

const YAML_FLOW = `
name: yaml-menu
start: main
nodes:
  - id: main
    type: menu
    prompts: [sound:main-menu]
    options:
      - { digit: "1", next: sales }
  - id: sales
    type: queue
    queue: q-sales
`;

describe.each(testDatabaseKinds())(`${IvrFlowsController.name} on %s`, (kind) => {
  let db: TestDatabase;
  let app: INestApplication;
  const http = () => request(app.getHttpServer());

  beforeAll(async () => {
    db = await createTestDatabase(kind);
    const moduleRef = await Test.createTestingModule({ imports: [PersistenceModule.forRoot({ DATABASE_URL: db.url, DATA_DIR: '/tmp' }), NoPbxModule, IvrHttpModule] }).compile();
    app = moduleRef.createNestApplication({ ...HTTP_APP_OPTIONS, logger: false });
    setupHttpApp(app);
    await app.init();
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  const queueIds = async (...names: string[]): Promise<string[]> => {
    const repo = app.get(DataSource).getRepository(QueueEntity);
    return Promise.all(names.map(async (name) => (await repo.save(repo.create({ name: `${name}-${Math.random().toString(36).slice(2, 8)}`, strategy: 'ring-all' }))).id));
  };

  it('creates, reads, updates, publishes and deletes a flow', async () => {
    const [sales, hardware, software] = await queueIds('sales', 'hardware', 'software');
    const created = await http().post('/ivr/flows').send({ name: 'main', definition: twoLevelMenuFlow({ sales, hardware, software }) }).expect(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({ name: 'main', publishedVersion: null });
    expect((await http().get('/ivr/flows').expect(200)).body.map((f: { id: string }) => f.id)).toContain(id);

    const v1 = await http().post(`/ivr/flows/${id}/publish`).expect(200);
    expect(v1.body).toEqual({ flowId: id, version: 1, warnings: [] });
    await http().patch(`/ivr/flows/${id}`).send({ name: 'main-renamed' }).expect(200);
    expect((await http().post(`/ivr/flows/${id}/publish`).expect(200)).body.version).toBe(2);

    const got = await http().get(`/ivr/flows/${id}`).expect(200);
    expect(got.body).toMatchObject({ name: 'main-renamed', publishedVersion: 2, versions: [{ version: 1 }, { version: 2 }] });

    await http().delete(`/ivr/flows/${id}`).expect(204);
    await http().get(`/ivr/flows/${id}`).expect(404);
  });

  it('refuses to publish a flow whose queue node names a missing queue (409 naming node and queue)', async () => {
    const [sales] = await queueIds('sales');
    const created = await http().post('/ivr/flows').send({ name: 'missing-queue', definition: twoLevelMenuFlow({ sales, hardware: 'no-such-queue', software: sales }) }).expect(201);
    const res = await http().post(`/ivr/flows/${created.body.id}/publish`).expect(409);
    expect(res.body).toMatchObject({ code: 'ivr-queue-missing', details: { missing: [{ queueId: 'no-such-queue', nodeId: expect.any(String) }] } });
    expect((await http().get(`/ivr/flows/${created.body.id}`).expect(200)).body.publishedVersion).toBeNull();
  });

  it('accepts a raw YAML document, name included', async () => {
    const res = await http().post('/ivr/flows').set('Content-Type', 'application/yaml').send(YAML_FLOW).expect(201);
    expect(res.body.name).toBe('yaml-menu');
    expect(res.body.draft.nodes.map((n: { id: string }) => n.id)).toEqual(['main', 'sales']);
    const yaml = await http().get(`/ivr/flows/${res.body.id}/yaml`).expect(200).expect('Content-Type', /application\/yaml/);
    expect(yaml.text).toMatch(/^name: yaml-menu$/m);
    // The exported YAML goes back in unchanged (round trip).
    const patched = await http().patch(`/ivr/flows/${res.body.id}`).set('Content-Type', 'application/yaml').send(yaml.text).expect(200);
    expect(patched.body.draft).toEqual(res.body.draft);
  });

  it('answers 400 naming node and field for an invalid flow, and stores nothing', async () => {
    const res = await http()
      .post('/ivr/flows')
      .send({ name: 'broken', definition: { nodes: [{ id: 'main', type: 'menu', prompts: ['sound:x'], options: [{ digit: '1', next: 'gone' }] }] } })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'ivr-flow-invalid', details: { errors: [{ nodeId: 'main', field: 'options.0.next' }] } });
    expect(res.body.message).toMatch(/node "main" field "options.0.next"/);
    expect((await http().get('/ivr/flows').expect(200)).body.map((f: { name: string }) => f.name)).not.toContain('broken');
  });

  it('answers 400 for YAML that does not parse and 409 for a taken name', async () => {
    const bad = await http().post('/ivr/flows').set('Content-Type', 'text/yaml').send('name: x\nnodes: [unclosed').expect(400);
    expect(bad.body.code).toBe('ivr-flow-unparsable');
    await http().post('/ivr/flows').send({ name: 'twice', definition: YAML_FLOW.replace('yaml-menu', 'twice') }).expect(201);
    const dup = await http().post('/ivr/flows').send({ name: 'twice', definition: YAML_FLOW }).expect(409);
    expect(dup.body.code).toBe('ivr-flow-name-taken');
  });

  it('validates with errors and warnings', async () => {
    const id = (await http().post('/ivr/flows').send({ name: 'to-validate', definition: YAML_FLOW }).expect(201)).body.id;
    const ok = await http().post(`/ivr/flows/${id}/validate`).send({}).expect(200);
    expect(ok.body).toEqual({ valid: true, errors: [], warnings: [] });
    const candidate = { nodes: [{ id: 'a', type: 'hangup' }, { id: 'b', type: 'nope' }] };
    const r = await http().post(`/ivr/flows/${id}/validate`).send({ definition: candidate }).expect(200);
    expect(r.body.valid).toBe(false);
    expect(r.body.errors).toEqual([{ nodeId: 'b', field: 'type', message: expect.stringMatching(/unknown node type "nope"/) }]);
    expect(r.body.warnings).toEqual([{ nodeId: 'b', message: expect.stringMatching(/cannot be reached/) }]);
  });

  it('simulates the two-level menu: one invalid digit, one timeout, the right queue', async () => {
    const id = (await http().post('/ivr/flows').send({ name: 'sim', definition: twoLevelMenuFlow({ sales: 's', hardware: 'hw', software: 'sw' }) }).expect(201)).body.id;
    const res = await http().post(`/ivr/flows/${id}/simulate`).send({ digits: ['7', '2', '', '2'], callerNumber: '+4930123', at: '2026-11-23T09:30:00+01:00' }).expect(200);
    expect(res.body.path.map((s: { nodeId: string; result: string }) => `${s.nodeId}:${s.result}`)).toEqual(['main:digit-2 (after invalid-7)', 'support:digit-2 (after timeout)', 'software:queue-sw']);
    expect(res.body.ended).toEqual({ reason: 'queued', nodeId: 'software', result: 'queue-sw' });
  });

  it('answers 400 naming the field for a bad simulate request', async () => {
    const id = (await http().post('/ivr/flows').send({ name: 'sim-bad', definition: YAML_FLOW }).expect(201)).body.id;
    const res = await http().post(`/ivr/flows/${id}/simulate`).send({ digits: ['1x'], at: 'yesterday' }).expect(400);
    expect(res.body.fields.map((f: { field: string }) => f.field).sort()).toEqual(['at', 'digits']);
    await http().post('/ivr/flows/not-a-uuid/simulate').send({}).expect(400);
  });

  it('documents the endpoints in OpenAPI', async () => {
    const doc = (await http().get('/docs-json').expect(200)).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/ivr/flows', '/ivr/flows/{id}', '/ivr/flows/{id}/publish', '/ivr/flows/{id}/validate', '/ivr/flows/{id}/simulate']));
    expect(Object.keys(doc.components.schemas)).toEqual(expect.arrayContaining(['CreateIvrFlowDto', 'SimulateIvrFlowDto']));
  });
});
