import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';
import { IvrHttpModule } from '../ivr/ivr-http.module';

const ASTERISK = {
  ariUrl: 'http://127.0.0.1:8088', ariUsername: 'callplane', ariPassword: 'pw', app: 'callplane',
  amiHost: '127.0.0.1', amiPort: 5038, amiUsername: 'callplane', amiSecret: 'pw',
};
const deepJson = (depth: number) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();

/** Issue 13 items 2 and 7: bodies read only after auth, size/depth/alias limits, nulls, query bounds. */
describe('Request bodies and queries (issue 13)', () => {
  let sut: HttpTestApp;
  const as = () => ({ Authorization: `Bearer ${sut.adminToken}` });

  beforeAll(async () => {
    sut = await startHttpTestApp('sqlite', { env: { HTTP_MAX_BODY_BYTES: String(64 * 1024) }, imports: [IvrHttpModule] });
  });
  afterAll(async () => {
    await sut?.close();
  });

  describe('authentication before parsing', () => {
    it('answers 401 to an unauthenticated YAML flow without parsing it (unparsable YAML is not a 400)', async () => {
      const res = await sut.http().post('/ivr/flows').set('Content-Type', 'application/yaml').send('nodes: [ {{{ not yaml').expect(401);
      expect(res.body.code).toBe('unauthenticated');
    });

    it('answers 401, not 413, to an unauthenticated body over the size limit', async () => {
      await sut.http().post('/ivr/flows').set('Content-Type', 'application/yaml').send(`name: x\n#${'x'.repeat(200 * 1024)}\n`).expect(401);
      await sut.http().post('/queues').send({ name: 'x'.repeat(200 * 1024) }).expect(401);
    });

    it('answers 403 to a lower role without reading its body', async () => {
      await sut.http().post('/users').set(as()).send({ email: 'ag@x.test', password: 'agent-pass-1', role: 'agent' }).expect(201);
      const login = await sut.http().post('/auth/login').send({ email: 'ag@x.test', password: 'agent-pass-1' }).expect(200);
      await sut.http().post('/queues').set('Authorization', `Bearer ${login.body.accessToken}`).set('Content-Type', 'application/json').send('{ broken').expect(403);
    });
  });

  describe('size, depth and YAML cost', () => {
    it('refuses an authenticated body over HTTP_MAX_BODY_BYTES with 413', async () => {
      const res = await sut.http().post('/ivr/flows').set(as()).set('Content-Type', 'application/yaml').send(`name: big\n#${'x'.repeat(70 * 1024)}\n`).expect(413);
      expect(res.body.code).toBe('payload-too-large');
    });

    it('answers 400 body-too-deep to 3,000-deep JSON, also on the unauthenticated login', async () => {
      const login = await sut.http().post('/auth/login').set('Content-Type', 'application/json').send(`{"email":${'['.repeat(3000)}${']'.repeat(3000)}}`).expect(400);
      expect(login.body.code).toBe('body-too-deep');
      const queue = await sut.http().post('/queues').set(as()).set('Content-Type', 'application/json').send(deepJson(3000)).expect(400);
      expect(queue.body.code).toBe('body-too-deep');
      const arrays = await sut.http().patch('/users/00000000-0000-4000-8000-000000000000').set(as()).set('Content-Type', 'application/json').send(`${'['.repeat(5000)}${']'.repeat(5000)}`).expect(400);
      expect(arrays.body.code).toBe('body-too-deep');
    });

    it('refuses a YAML document with an alias bomb or deep nesting (400, no expansion)', async () => {
      const lol = ['name: lol', 'a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
      for (let i = 1; i <= 9; i++) lol.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
      const bomb = await sut.http().post('/ivr/flows').set(as()).set('Content-Type', 'application/yaml').send(`${lol.join('\n')}\nnodes: []\n`).expect(400);
      expect(bomb.body.code).toBe('ivr-flow-unparsable');
      const deep = await sut.http().post('/ivr/flows').set(as()).set('Content-Type', 'application/yaml').send(`name: deep\nnodes: []\nx: ${'['.repeat(100)}${']'.repeat(100)}\n`).expect(400);
      expect(deep.body.code).toBe('body-too-deep');
    });

    it('answers 415 to YAML on a route that reads JSON only', async () => {
      await sut.http().post('/queues').set(as()).set('Content-Type', 'application/yaml').send('name: q').expect(415);
    });
  });

  describe('null for optional fields', () => {
    it('answers 400 naming the field where the column has no null', async () => {
      const node = await sut.http().post('/pbx-nodes').set(as()).send({ name: 'n-null', type: 'asterisk', connection: ASTERISK, enabled: null }).expect(400);
      expect(fieldsOf(node.body)).toEqual(['enabled']);
      const created = await sut.http().post('/pbx-nodes').set(as()).send({ name: 'n-ok', type: 'asterisk', connection: ASTERISK }).expect(201);
      const patch = await sut.http().patch(`/pbx-nodes/${created.body.id}`).set(as()).send({ enabled: null }).expect(400);
      expect(fieldsOf(patch.body)).toEqual(['enabled']);
      const conn = await sut.http().patch(`/pbx-nodes/${created.body.id}`).set(as()).send({ connection: { amiPort: null } }).expect(400);
      expect(fieldsOf(conn.body)).toEqual(['connection.amiPort']);
      const agent = await sut.http().post('/agents').set(as()).send({ name: 'A', endpoint: '1001' }).expect(201);
      const endpoint = await sut.http().patch(`/agents/${agent.body.id}`).set(as()).send({ endpoint: null }).expect(400);
      expect(fieldsOf(endpoint.body)).toEqual(['endpoint']);
      const login = await sut.http().post('/auth/login').send({ email: sut.adminEmail, password: null }).expect(400);
      expect(login.body.code).toBe('validation-failed');
    });

    it('still accepts null where the DTO documents it nullable (unlinking a user from an agent)', async () => {
      const agent = await sut.http().post('/agents').set(as()).send({ name: 'B', endpoint: '1002' }).expect(201);
      const res = await sut.http().patch(`/agents/${agent.body.id}`).set(as()).send({ userId: null, pbxNodeId: null }).expect(200);
      expect(res.body).toMatchObject({ userId: null, pbxNodeId: null });
    });
  });

  describe('query strings', () => {
    it('bounds numeric parameters: page=1e300 is a 400 naming page', async () => {
      const res = await sut.http().get('/calls?page=1e300').set(as()).expect(400);
      expect(fieldsOf(res.body)).toEqual(['page']);
    });

    it('refuses control characters (callerNumber=%00 returned every call)', async () => {
      const res = await sut.http().get('/calls?callerNumber=%00').set(as()).expect(400);
      expect(res.body).toMatchObject({ code: 'validation-failed', details: { field: 'callerNumber' } });
      await sut.http().get('/calls?callerNumber=%0d%0a').set(as()).expect(400);
      await sut.http().get('/calls?callerNumber=%2B49').set(as()).expect(200);
    });
  });

  describe('flow definitions', () => {
    it('drops unknown top-level keys when saving (a 1,000-deep unknown key no longer breaks GET …/yaml)', async () => {
      const definition = `start: a\nnodes:\n  - { id: a, type: hangup }\nextra: ${'['.repeat(300)}${']'.repeat(300)}\nnote: hi\n`;
      const created = await sut.http().post('/ivr/flows').set(as()).send({ name: 'extra-keys', definition }).expect(201);
      expect(Object.keys(created.body.draft).sort()).toEqual(['nodes', 'start']);
      const yaml = await sut.http().get(`/ivr/flows/${created.body.id}/yaml`).set(as()).expect(200);
      expect(yaml.text).not.toMatch(/^(extra|note):/m);
      let deep: unknown = 1;
      for (let i = 0; i < 1000; i++) deep = { k: deep };
      const asObject = await sut.http().post('/ivr/flows').set(as()).send({ name: 'deep-object', definition: { nodes: [{ id: 'a', type: 'hangup' }], extra: deep } }).expect(400);
      expect(asObject.body.code).toBe('body-too-deep');
    });

    it('refuses a definition nested deeper than the flow limit inside a known key (400, not a 500 later)', async () => {
      const definition = `nodes:\n  - { id: a, type: hangup, x: ${'['.repeat(200)}${']'.repeat(200)} }\n`;
      const res = await sut.http().post('/ivr/flows').set(as()).send({ name: 'deep-node', definition }).expect(400);
      expect(res.body.code).toBe('ivr-flow-unparsable');
    });
  });
});
