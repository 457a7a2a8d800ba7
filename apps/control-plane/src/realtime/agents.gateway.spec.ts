import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { hashSync } from '@node-rs/bcrypt';
import { DataSource } from 'typeorm';
import { io, Socket } from 'socket.io-client';
import { loadConfig } from '@callplane/core';
import { PbxDrivers } from '@callplane/pbx';
import { AgentEntity, PersistenceModule, UserEntity } from '@callplane/persistence';
import { CallEventsBus } from '@callplane/calls';
import { AgentStateService } from '@callplane/acd';
import type { Ack, AgentStateView, CallEndedEvent, CallOfferedEvent, AgentStateEvent } from '@callplane/contracts';
import { waitFor } from '@callplane/testing';
import { createTestDatabase, TestDatabase } from '../../../../libs/persistence/src/testing';
import { AppConfigModule } from '../config.module';
import { AuthModule } from '../auth/auth.module';
import { AuthService } from '../auth/auth.service';
import { AgentsGateway } from './agents.gateway';
import { RealtimeModule } from './realtime.module';

const PASSWORD = 'correct-horse-9';

describe(AgentsGateway.name, () => {
  let db: TestDatabase;
  let app: INestApplication;
  let url: string;
  let agentToken: string;
  let otherAgentToken: string;
  let supervisorToken: string;
  let agentId: string;
  let otherAgentId: string;
  const sockets: Socket[] = [];

  const connect = (opts: Parameters<typeof io>[1] = {}): Socket => {
    const s = io(`${url}/agents`, { transports: ['websocket'], reconnection: false, forceNew: true, ...opts });
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
  const setState = (s: Socket, body: unknown): Promise<Ack<AgentStateView>> => s.timeout(5000).emitWithAck('agent.setState', body);

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'gateway-test-secret-0123456789abcdef', DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    @Global()
    @Module({ providers: [{ provide: PbxDrivers, useValue: new PbxDrivers([], { reconnectMinMs: 50, reconnectMaxMs: 100, requestTimeoutMs: 1000 }) }], exports: [PbxDrivers] })
    class NoPbxModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), PersistenceModule.forRoot(config), NoPbxModule, AuthModule, RealtimeModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const ds = app.get(DataSource);
    const hash = hashSync(PASSWORD, { cost: 4 });
    const user = async (email: string, role: UserEntity['role']): Promise<UserEntity> =>
      ds.getRepository(UserEntity).save(ds.getRepository(UserEntity).create({ email, role, displayName: email, passwordHash: hash }));
    const agent = async (u: UserEntity, endpoint: string): Promise<AgentEntity> =>
      ds.getRepository(AgentEntity).save(ds.getRepository(AgentEntity).create({ userId: u.id, name: endpoint, endpoint, state: 'offline', stateChangedAt: new Date(), skills: {} }));
    const a = await user('agent@example.test', 'agent');
    const b = await user('other@example.test', 'agent');
    await user('sup@example.test', 'supervisor');
    agentId = (await agent(a, '1001')).id;
    otherAgentId = (await agent(b, '1002')).id;
    const auth = app.get(AuthService);
    agentToken = (await auth.login('agent@example.test', PASSWORD)).accessToken;
    otherAgentToken = (await auth.login('other@example.test', PASSWORD)).accessToken;
    supervisorToken = (await auth.login('sup@example.test', PASSWORD)).accessToken;
  });

  afterEach(() => {
    sockets.splice(0).forEach((s) => s.disconnect());
  });

  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  it('refuses a connection without a token, naming what is missing', async () => {
    const err = await refused(connect());
    expect(err.message).toMatch(/Missing access token/);
  });

  it('refuses a connection with an invalid token', async () => {
    const err = await refused(connect({ auth: { token: 'not.a.jwt' } }));
    expect(err.message).toMatch(/Invalid access token/);
  });

  it('accepts the JWT as Authorization: Bearer too', async () => {
    await connected(connect({ extraHeaders: { Authorization: `Bearer ${agentToken}` } }));
  });

  it('sets the agent’s own state: ack ok, agent.state pushed, state persisted', async () => {
    const s = connect({ auth: { token: agentToken } });
    await connected(s);
    const pushed = new Promise<AgentStateEvent>((resolve) => s.once('agent.state', resolve));

    const ack = await setState(s, { state: 'available' });

    expect(ack).toMatchObject({ ok: true, data: { agentId, state: 'available' } });
    expect((await pushed).state).toBe('available');
    await waitFor(async () => (await app.get(DataSource).getRepository(AgentEntity).findOneBy({ id: agentId }))?.state === 'available', 'persisted');
  });

  it('acks validation errors naming the field, and never throws', async () => {
    const s = connect({ auth: { token: agentToken } });
    await connected(s);
    expect(await setState(s, { state: 'busy' })).toMatchObject({ ok: false, error: { code: 'validation-failed', message: expect.stringContaining('state') } });
    expect(await setState(s, { state: 'away', reason: 7 })).toMatchObject({ ok: false, error: { code: 'validation-failed', message: expect.stringContaining('reason') } });
    expect(await setState(s, { state: 'away', reason: 'nap' })).toMatchObject({ ok: false, error: { code: 'validation-failed', details: { field: 'reason' } } });
    expect(await setState(s, { state: 'away', reason: 'no-answer' })).toMatchObject({ ok: false, error: { code: 'validation-failed', details: { field: 'reason' } } });
    expect(await setState(s, 'available')).toMatchObject({ ok: false, error: { code: 'validation-failed', message: expect.stringContaining('body') } });
    expect(await setState(s, { state: 'away', agentId: 42 })).toMatchObject({ ok: false, error: { code: 'validation-failed', message: expect.stringContaining('agentId') } });
  });

  it('refuses an agent setting another agent’s state', async () => {
    const s = connect({ auth: { token: otherAgentToken } });
    await connected(s);
    expect(await setState(s, { state: 'away', agentId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
  });

  it('lets a supervisor set an agent’s state and tells the supervisors room; illegal transitions ack agent-state-illegal', async () => {
    const sup = connect({ auth: { token: supervisorToken } });
    await connected(sup);
    const seen = new Promise<AgentStateEvent>((resolve) => sup.on('agent.state', (e: AgentStateEvent) => e.agentId === otherAgentId && resolve(e)));
    expect(await setState(sup, { state: 'away', agentId: otherAgentId })).toMatchObject({ ok: true, data: { agentId: otherAgentId, state: 'away' } });
    expect((await seen).state).toBe('away');
    expect(await setState(sup, { state: 'available' })).toMatchObject({ ok: false, error: { code: 'validation-failed' } });

    // The ACD's own states are not settable: on a call nothing may be set; wrap-up → ringing is refused with the current state.
    const states = app.get(AgentStateService);
    await states.set(otherAgentId, 'available');
    expect(states.tryTransition(otherAgentId, 'ringing', 'ring')).toBe(true);
    expect(states.tryTransition(otherAgentId, 'on-call', 'answer')).toBe(true);
    expect(await setState(sup, { state: 'away', agentId: otherAgentId })).toMatchObject({ ok: false, error: { code: 'agent-state-illegal', details: { state: 'on-call', to: 'away' } } });
    states.startWrapUp(otherAgentId, 60);
    expect(await setState(sup, { state: 'ringing', agentId: otherAgentId })).toMatchObject({ ok: false, error: { code: 'agent-state-illegal', details: { state: 'wrap-up' } } });
    expect(await setState(sup, { state: 'available', agentId: otherAgentId })).toMatchObject({ ok: true, data: { state: 'available' } }); // wrap-up ended early
    expect(await setState(sup, { state: 'away', agentId: '00000000-0000-0000-0000-000000000000' })).toMatchObject({ ok: false, error: { code: 'agent-not-found' } });
  });

  it('sets away with a reason (and dnd); the agent and supervisors are pushed the reason and trigger; a ringing agent may leave', async () => {
    const s = connect({ auth: { token: agentToken } });
    const sup = connect({ auth: { token: supervisorToken } });
    await Promise.all([connected(s), connected(sup)]);
    const states = app.get(AgentStateService);
    await states.set(agentId, 'available');
    expect(states.tryTransition(agentId, 'ringing', 'ring')).toBe(true);
    const pushed = new Promise<AgentStateEvent>((resolve) => s.on('agent.state', (e: AgentStateEvent) => e.state === 'away' && resolve(e)));
    const toSup = new Promise<AgentStateEvent>((resolve) => sup.on('agent.state', (e: AgentStateEvent) => e.agentId === agentId && e.state === 'away' && resolve(e)));

    const ack = await setState(s, { state: 'away', reason: 'lunch' });

    expect(ack).toMatchObject({ ok: true, data: { agentId, state: 'away', reason: 'lunch' } });
    expect(await pushed).toMatchObject({ agentId, state: 'away', reason: 'lunch', trigger: 'agent' });
    expect((await toSup).reason).toBe('lunch');
    expect(await setState(s, { state: 'away' })).toMatchObject({ ok: true, data: { reason: 'break' } });
    expect(await setState(s, { state: 'dnd' })).toMatchObject({ ok: true, data: { state: 'dnd', reason: null } });
    expect(await setState(s, { state: 'dnd', reason: 'lunch' })).toMatchObject({ ok: false, error: { code: 'validation-failed', details: { field: 'reason' } } });
    await setState(s, { state: 'offline' });
  });

  it('pushes call.offered to the rung agent only and call.ended to the agents rung and supervisors', async () => {
    const mine = connect({ auth: { token: agentToken } });
    const other = connect({ auth: { token: otherAgentToken } });
    const sup = connect({ auth: { token: supervisorToken } });
    await Promise.all([connected(mine), connected(other), connected(sup)]);
    const otherOffered: CallOfferedEvent[] = [];
    other.on('call.offered', (e: CallOfferedEvent) => otherOffered.push(e));
    const offered = new Promise<CallOfferedEvent>((resolve) => mine.once('call.offered', resolve));
    const endedForAgent = new Promise<CallEndedEvent>((resolve) => mine.once('call.ended', resolve));
    const endedForSup = new Promise<CallEndedEvent>((resolve) => sup.once('call.ended', resolve));
    const bus = app.get(CallEventsBus);

    bus.publish('agent.offered', { callId: 'c1', agentId, callerNumber: '5551234', callerName: 'Alice', queueId: 'q1', queueName: 'sales' });
    expect(await offered).toEqual({ callId: 'c1', callerNumber: '5551234', callerName: 'Alice', queueId: 'q1', queueName: 'sales' });
    const call = { id: 'c1', nodeId: 'n', channelId: 'ch', callerNumber: '5551234', callerName: 'Alice', calledNumber: '7000', answered: true, variables: {}, offeredAt: new Date() };
    bus.publish('call.ended', { call, disposition: 'ABANDONED', cause: 16, agentIds: [agentId], endedAt: new Date() });

    expect(await endedForAgent).toEqual({ callId: 'c1', disposition: 'ABANDONED', cause: 16 });
    expect(await endedForSup).toEqual({ callId: 'c1', disposition: 'ABANDONED', cause: 16 });
    expect(otherOffered).toEqual([]);
  });
});
