import { testDatabaseKinds } from '@callplane/persistence/testing';
import { JwtService } from '@nestjs/jwt';
import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';
import { AuthService } from '../../auth/auth.service';
import { UsersService } from '../../auth/users.service';

describe.each(testDatabaseKinds())('AuthController + ApiKeysController on %s', (kind) => {
  let sut: HttpTestApp;
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });

  beforeAll(async () => {
    sut = await startHttpTestApp(kind);
  });
  afterAll(async () => {
    await sut?.close();
  });

  async function userToken(role: 'admin' | 'supervisor' | 'agent'): Promise<string> {
    const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.com`;
    await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email, password: 'correct horse', role }).expect(201);
    const res = await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200);
    return res.body.accessToken;
  }

  it('logs the bootstrapped admin in with a JWT and answers /auth/me', async () => {
    const res = await sut.http().post('/auth/login').send({ email: sut.adminEmail.toUpperCase(), password: sut.adminPassword }).expect(200);
    expect(res.body).toMatchObject({ expiresInS: sut.config.JWT_TTL_S, user: { email: sut.adminEmail, role: 'admin', agentId: null } });
    expect(res.body.accessToken.split('.')).toHaveLength(3);
    expect(res.body.user).not.toHaveProperty('passwordHash');
    const me = await sut.http().get('/auth/me').set(bearer(res.body.accessToken)).expect(200);
    expect(me.body).toMatchObject({ principal: { role: 'admin', email: sut.adminEmail }, user: { email: sut.adminEmail } });
  });

  it('refuses a wrong password and an unknown email alike with 401 unauthenticated', async () => {
    const wrong = await sut.http().post('/auth/login').send({ email: sut.adminEmail, password: 'not-the-password' }).expect(401);
    const unknown = await sut.http().post('/auth/login').send({ email: 'nobody@example.com', password: 'whatever1' }).expect(401);
    expect(wrong.body).toEqual({ statusCode: 401, code: 'unauthenticated', message: 'Invalid email or password' });
    expect(unknown.body).toEqual(wrong.body);
  });

  it('throttles password guessing per email with 429, without locking out the right password elsewhere', async () => {
    const email = `guess-${Date.now()}@example.com`;
    await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email, password: 'correct horse', role: 'agent' }).expect(201);
    for (let i = 0; i < 10; i++) await sut.http().post('/auth/login').send({ email, password: `guess-${i}` }).expect(401);
    const refused = await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(429);
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'too-many-login-attempts' });
    await sut.http().post('/auth/login').send({ email: sut.adminEmail, password: sut.adminPassword }).expect(200);
  });

  it('400 names the field of a malformed login', async () => {
    const res = await sut.http().post('/auth/login').send({ email: 'not-an-email', password: 'x' }).expect(400);
    expect(res.body).toMatchObject({ statusCode: 400, code: 'validation-failed' });
    expect(res.body.fields.map((f: { field: string }) => f.field)).toEqual(['email']);
  });

  it('refuses unauthenticated, malformed and forged requests with 401', async () => {
    expect((await sut.http().get('/queues').expect(401)).body.code).toBe('unauthenticated');
    await sut.http().get('/queues').set('Authorization', 'Basic abc').expect(401);
    await sut.http().get('/queues').set(bearer('not.a.jwt')).expect(401);
    const forged = await new JwtService({ secret: 'x'.repeat(40) }).signAsync({ sub: 'someone', role: 'admin', email: 'x@y.z' });
    await sut.http().get('/queues').set(bearer(forged)).expect(401);
    const expired = await new JwtService({ secret: sut.config.JWT_SECRET }).signAsync({ sub: 'someone', role: 'admin', email: 'x@y.z' }, { expiresIn: -10 });
    expect((await sut.http().get('/queues').set(bearer(expired)).expect(401)).body.message).toMatch(/expired/);
  });

  it('enforces roles: agent < supervisor < admin (403 forbidden)', async () => {
    const agent = await userToken('agent');
    const supervisor = await userToken('supervisor');
    const denied = await sut.http().get('/queues').set(bearer(agent)).expect(403);
    expect(denied.body).toMatchObject({ statusCode: 403, code: 'forbidden' });
    await sut.http().get('/queues').set(bearer(supervisor)).expect(200);
    await sut.http().get('/queues').set(bearer(sut.adminToken)).expect(200);
    await sut.http().get('/users').set(bearer(supervisor)).expect(403);
    await sut.http().get('/api-keys').set(bearer(supervisor)).expect(403);
    await sut.http().get('/pbx-nodes').set(bearer(supervisor)).expect(403);
    await sut.http().get('/calls').set(bearer(agent)).expect(200);
  });

  it('a token follows its user: a role or password change revokes it, deleted users are refused', async () => {
    const email = `changing-${Date.now()}@example.com`;
    const created = await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email, password: 'correct horse', role: 'agent' }).expect(201);
    const token = (await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200)).body.accessToken;
    await sut.http().get('/agents').set(bearer(token)).expect(403);
    await sut.http().patch(`/users/${created.body.id}`).set(bearer(sut.adminToken)).send({ displayName: 'same role' }).expect(200);
    await sut.http().get('/auth/me').set(bearer(token)).expect(200); // no role/password change: still valid
    await sut.http().patch(`/users/${created.body.id}`).set(bearer(sut.adminToken)).send({ role: 'supervisor' }).expect(200);
    expect((await sut.http().get('/agents').set(bearer(token)).expect(401)).body.message).toMatch(/revoked/);
    const promoted = (await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200)).body.accessToken;
    await sut.http().get('/agents').set(bearer(promoted)).expect(200);
    await sut.http().patch(`/users/${created.body.id}`).set(bearer(sut.adminToken)).send({ password: 'another horse' }).expect(200);
    await sut.http().get('/agents').set(bearer(promoted)).expect(401);
    const fresh = (await sut.http().post('/auth/login').send({ email, password: 'another horse' }).expect(200)).body.accessToken;
    await sut.http().delete(`/users/${created.body.id}`).set(bearer(sut.adminToken)).expect(204);
    await sut.http().get('/agents').set(bearer(fresh)).expect(401);
  });

  it('POST /auth/password is throttled after 10 wrong current passwords (a stolen token cannot guess the password)', async () => {
    const email = `pw-${Date.now()}@example.com`;
    await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email, password: 'correct horse', role: 'agent' }).expect(201);
    const token = (await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200)).body.accessToken;
    for (let i = 0; i < 10; i++) await sut.http().post('/auth/password').set(bearer(token)).send({ currentPassword: `guess-${i}`, newPassword: 'whatever-new-1' }).expect(401);
    const refused = await sut.http().post('/auth/password').set(bearer(token)).send({ currentPassword: 'correct horse', newPassword: 'whatever-new-1' }).expect(429);
    expect(refused.body).toMatchObject({ code: 'too-many-login-attempts' });
    const other = (await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200)).body.accessToken;
    expect(other).toBeTruthy();
  });

  it('verifyAccessToken resolves agentId for a user linked to an agent (what the Socket.IO gateway uses)', async () => {
    const email = `agent-linked-${Date.now()}@example.com`;
    const user = await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email, password: 'correct horse', role: 'agent' }).expect(201);
    const agent = await sut.http().post('/agents').set(bearer(sut.adminToken)).send({ name: 'Linked', endpoint: '2001', userId: user.body.id }).expect(201);
    const login = await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200);
    expect(login.body.user.agentId).toBe(agent.body.id);
    const principal = await sut.app.get(AuthService).verifyAccessToken(login.body.accessToken);
    expect(principal).toEqual({ subject: user.body.id, role: 'agent', email, agentId: agent.body.id });
    await expect(sut.app.get(AuthService).verifyAccessToken(`${login.body.accessToken}x`)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('API keys: created once in plaintext, authenticate with their role, stop working when revoked', async () => {
    const created = await sut.http().post('/api-keys').set(bearer(sut.adminToken)).send({ name: 'crm', role: 'supervisor' }).expect(201);
    const key: string = created.body.key;
    expect(key).toMatch(/^cp_[A-Za-z0-9_-]{40,}$/);
    expect(created.body.prefix).toBe(key.slice(0, 10));
    const listed = await sut.http().get('/api-keys').set(bearer(sut.adminToken)).expect(200);
    const row = listed.body.find((k: { id: string }) => k.id === created.body.id);
    expect(row).toMatchObject({ name: 'crm', role: 'supervisor', revokedAt: null, lastUsedAt: null });
    expect(JSON.stringify(listed.body)).not.toContain(key);

    await sut.http().get('/queues').set('X-Api-Key', key).expect(200);
    await sut.http().get('/users').set('X-Api-Key', key).expect(403);
    expect((await sut.http().get('/auth/me').set('X-Api-Key', key).expect(200)).body).toEqual({ principal: { subject: `apikey:${created.body.id}`, role: 'supervisor' }, user: null });
    const used = (await sut.http().get('/api-keys').set(bearer(sut.adminToken))).body.find((k: { id: string }) => k.id === created.body.id);
    expect(Date.parse(used.lastUsedAt)).toBeGreaterThan(Date.parse(created.body.createdAt) - 1);

    await sut.http().get('/queues').set('X-Api-Key', `${key}x`).expect(401);
    await sut.http().get('/queues').set('X-Api-Key', 'cp_guess').expect(401);
    const revoked = await sut.http().delete(`/api-keys/${created.body.id}`).set(bearer(sut.adminToken)).expect(200);
    expect(revoked.body.revokedAt).not.toBeNull();
    await sut.http().get('/queues').set('X-Api-Key', key).expect(401);
    await expect(sut.app.get(AuthService).verifyApiKey(key)).rejects.toMatchObject({ code: 'unauthenticated' });
  });

  it('keeps the last admin: deleting or demoting it is a 409 last-admin', async () => {
    const users = sut.app.get(UsersService);
    const admins = (await users.list()).filter((u) => u.role === 'admin');
    expect(admins).toHaveLength(1);
    const res = await sut.http().delete(`/users/${admins[0].id}`).set(bearer(sut.adminToken)).expect(409);
    expect(res.body.code).toBe('last-admin');
    await sut.http().patch(`/users/${admins[0].id}`).set(bearer(sut.adminToken)).send({ role: 'agent' }).expect(409);
  });

  it('lets any user change their own password with the current one', async () => {
    const email = `pw-${Date.now()}@example.com`;
    await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email, password: 'correct horse', role: 'agent' }).expect(201);
    const token = (await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(200)).body.accessToken;
    await sut.http().post('/auth/password').set(bearer(token)).send({ currentPassword: 'wrong horse', newPassword: 'battery staple' }).expect(401);
    const short = await sut.http().post('/auth/password').set(bearer(token)).send({ currentPassword: 'correct horse', newPassword: 'short' }).expect(400);
    expect(short.body.fields.map((f: { field: string }) => f.field)).toEqual(['newPassword']);
    await sut.http().post('/auth/password').set(bearer(token)).send({ currentPassword: 'correct horse', newPassword: 'battery staple' }).expect(204);
    await sut.http().post('/auth/login').send({ email, password: 'correct horse' }).expect(401);
    await sut.http().post('/auth/login').send({ email, password: 'battery staple' }).expect(200);
  });

  it('rejects a duplicate email with 409 and never returns password hashes', async () => {
    const res = await sut.http().post('/users').set(bearer(sut.adminToken)).send({ email: sut.adminEmail, password: 'whatever12', role: 'agent' }).expect(409);
    expect(res.body).toMatchObject({ code: 'conflict', details: { field: 'email' } });
    const list = await sut.http().get('/users').set(bearer(sut.adminToken)).expect(200);
    expect(JSON.stringify(list.body)).not.toMatch(/passwordHash|\$2[aby]\$/);
  });
});
