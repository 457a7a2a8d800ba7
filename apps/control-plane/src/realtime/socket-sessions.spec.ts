import type { AddressInfo } from 'node:net';
import { JwtService } from '@nestjs/jwt';
import { DataSource } from 'typeorm';
import { io, Socket } from 'socket.io-client';
import type { Ack, AgentStateView } from '@callplane/contracts';
import { startHttpTestApp, HttpTestApp } from '../http/testing/http-test-app';
import { RealtimeModule } from './realtime.module';
import { SessionIoAdapter, SocketSessions } from './socket-sessions';

const PASSWORD = 'correct-horse-9';

/** Issue 13 item 6: a socket follows its user (role, password, deletion, token expiry); `/` is closed. */
describe(SocketSessions.name, () => {
  let sut: HttpTestApp;
  let url: string;
  const sockets: Socket[] = [];
  const admin = () => ({ Authorization: `Bearer ${sut.adminToken}` });

  const connect = (nsp: string, token?: string): Socket => {
    const s = io(`${url}${nsp}`, { transports: ['websocket'], reconnection: false, forceNew: true, ...(token ? { auth: { token } } : {}) });
    sockets.push(s);
    return s;
  };
  const connected = (s: Socket): Promise<void> =>
    new Promise((resolve, reject) => {
      s.once('connect', () => resolve());
      s.once('connect_error', reject);
    });
  const refused = (s: Socket): Promise<Error> =>
    new Promise((resolve, reject) => {
      s.once('connect', () => reject(new Error('connection was accepted')));
      s.once('connect_error', resolve);
    });
  const disconnected = (s: Socket): Promise<string> => new Promise((resolve) => s.once('disconnect', (reason) => resolve(reason)));
  const setState = (s: Socket, body: unknown): Promise<Ack<AgentStateView>> => s.timeout(5000).emitWithAck('agent.setState', body);

  /** A user (and, for agents, a linked agent) created over REST, logged in. */
  async function login(role: 'agent' | 'supervisor'): Promise<{ userId: string; agentId?: string; token: string; email: string }> {
    const email = `${role}-${Math.random().toString(36).slice(2, 8)}@x.test`;
    const user = await sut.http().post('/users').set(admin()).send({ email, password: PASSWORD, role }).expect(201);
    let agentId: string | undefined;
    if (role === 'agent') agentId = (await sut.http().post('/agents').set(admin()).send({ name: email, endpoint: `e${Math.floor(Math.random() * 1e6)}`, userId: user.body.id }).expect(201)).body.id;
    const res = await sut.http().post('/auth/login').send({ email, password: PASSWORD }).expect(200);
    return { userId: user.body.id, agentId, token: res.body.accessToken, email };
  }

  beforeAll(async () => {
    sut = await startHttpTestApp('sqlite', { imports: [RealtimeModule], beforeInit: (app) => app.useWebSocketAdapter(new SessionIoAdapter(app)) });
    await sut.app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(sut.app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterEach(() => {
    sockets.splice(0).forEach((s) => s.disconnect());
  });
  afterAll(async () => {
    await sut?.close();
  });

  it('refuses the default namespace /, with or without a token', async () => {
    expect((await refused(connect('/'))).message).toMatch(/default namespace is closed/);
    const sup = await login('supervisor');
    expect((await refused(connect('/', sup.token))).message).toMatch(/default namespace is closed/);
  });

  it('disconnects a supervisor demoted to agent: the old socket can no longer set other agents’ states', async () => {
    const agent = await login('agent');
    const sup = await login('supervisor');
    const s = connect('/agents', sup.token);
    await connected(s);
    expect(await setState(s, { agentId: agent.agentId, state: 'available' })).toMatchObject({ ok: true });
    const gone = disconnected(s);
    await sut.http().patch(`/users/${sup.userId}`).set(admin()).send({ role: 'agent' }).expect(200);
    expect(await gone).toBe('io server disconnect');
    await sut.http().get('/auth/me').set('Authorization', `Bearer ${sup.token}`).expect(401);
    expect((await refused(connect('/agents', sup.token))).message).toMatch(/revoked/);
  });

  it('disconnects the sockets of a deleted user', async () => {
    const sup = await login('supervisor');
    const s = connect('/agents', sup.token);
    await connected(s);
    const gone = disconnected(s);
    await sut.http().delete(`/users/${sup.userId}`).set(admin()).expect(204);
    expect(await gone).toBe('io server disconnect');
  });

  it('disconnects on a password change and revokes the old token for REST too', async () => {
    const agent = await login('agent');
    const s = connect('/agents', agent.token);
    await connected(s);
    const gone = disconnected(s);
    await sut.http().post('/auth/password').set('Authorization', `Bearer ${agent.token}`).send({ currentPassword: PASSWORD, newPassword: 'a-new-password-1' }).expect(204);
    expect(await gone).toBe('io server disconnect');
    await sut.http().get('/auth/me').set('Authorization', `Bearer ${agent.token}`).expect(401);
    await sut.http().post('/auth/login').send({ email: agent.email, password: 'a-new-password-1' }).expect(200);
  });

  it('re-checks the token on every command (a revocation this instance was not told about)', async () => {
    const agent = await login('agent');
    const s = connect('/agents', agent.token);
    await connected(s);
    expect(await setState(s, { state: 'available' })).toMatchObject({ ok: true });
    await sut.app.get(DataSource).query('UPDATE users SET tokenVersion = tokenVersion + 1 WHERE id = ?', [agent.userId]);
    const gone = disconnected(s);
    await expect(setState(s, { state: 'away' })).rejects.toThrow();
    expect(await gone).toBe('io server disconnect');
  });

  it('disconnects when the token expires', async () => {
    const sup = await login('supervisor');
    // The app's own signer, with a 2 s lifetime instead of JWT_TTL_S.
    const shortLived = await sut.app.get(JwtService).signAsync({ sub: sup.userId, role: 'supervisor', email: sup.email, tv: 0 }, { expiresIn: 2 });
    const s = connect('/agents', shortLived);
    await connected(s);
    expect(await disconnected(s)).toBe('io server disconnect');
  });
});
