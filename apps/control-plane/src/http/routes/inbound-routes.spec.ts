import { DataSource } from 'typeorm';
import { IvrFlowEntity } from '@callplane/persistence';
import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';
import { IvrHttpModule } from '../ivr/ivr-http.module';

const FLOW = { start: 'a', nodes: [{ id: 'a', type: 'hangup' }] };

/** Issue 13 item 9: routes to targets calls cannot reach are refused, and shown when they become so. */
describe('Inbound route targets (issue 13)', () => {
  let sut: HttpTestApp;
  const as = () => ({ Authorization: `Bearer ${sut.adminToken}` });

  beforeAll(async () => {
    sut = await startHttpTestApp('sqlite', { imports: [IvrHttpModule] });
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('refuses a route to an IVR flow that was never published (409 naming the flow), accepts it once published', async () => {
    const flow = await sut.http().post('/ivr/flows').set(as()).send({ name: 'draft-only', definition: FLOW }).expect(201);
    const refused = await sut.http().post('/inbound-routes').set(as()).send({ did: '7001', targetType: 'ivr', targetId: flow.body.id }).expect(409);
    expect(refused.body).toMatchObject({ code: 'route-target-unpublished', details: { field: 'targetId', flowId: flow.body.id } });
    const q = await sut.http().post('/queues').set(as()).send({ name: 'q-route', strategy: 'ring-all' }).expect(201);
    const route = await sut.http().post('/inbound-routes').set(as()).send({ did: '7001', targetType: 'queue', targetId: q.body.id }).expect(201);
    await sut.http().patch(`/inbound-routes/${route.body.id}`).set(as()).send({ targetType: 'ivr', targetId: flow.body.id }).expect(409);
    await sut.http().post(`/ivr/flows/${flow.body.id}/publish`).set(as()).expect(200);
    const ok = await sut.http().patch(`/inbound-routes/${route.body.id}`).set(as()).send({ targetType: 'ivr', targetId: flow.body.id }).expect(200);
    expect(ok.body).toMatchObject({ targetType: 'ivr', targetId: flow.body.id, targetState: 'ok' });
  });

  it('shows targetState missing when the flow row is gone after the route was saved (REST refuses to delete a routed flow)', async () => {
    const flow = await sut.http().post('/ivr/flows').set(as()).send({ name: 'to-delete', definition: FLOW }).expect(201);
    await sut.http().post(`/ivr/flows/${flow.body.id}/publish`).set(as()).expect(200);
    const route = await sut.http().post('/inbound-routes').set(as()).send({ did: '7002', targetType: 'ivr', targetId: flow.body.id }).expect(201);
    expect(route.body.targetState).toBe('ok');
    await sut.http().delete(`/ivr/flows/${flow.body.id}`).set(as()).expect(409);
    await sut.app.get(DataSource).getRepository(IvrFlowEntity).delete({ id: flow.body.id });
    expect((await sut.http().get(`/inbound-routes/${route.body.id}`).set(as()).expect(200)).body.targetState).toBe('missing');
    const listed = (await sut.http().get('/inbound-routes').set(as()).expect(200)).body.find((r: { id: string }) => r.id === route.body.id);
    expect(listed.targetState).toBe('missing');
  });
});
