import { Global, INestApplication, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { AddressInfo } from 'node:net';
import { hashSync } from '@node-rs/bcrypt';
import { DataSource } from 'typeorm';
import { io, Socket } from 'socket.io-client';
import { loadConfig } from '@callplane/core';
import { PbxDrivers } from '@callplane/pbx';
import { AsteriskDriverFactory } from '@callplane/pbx-asterisk';
import { AsteriskSim } from '@callplane/pbx-sim';
import { AgentEntity, InboundRouteEntity, PbxNodeEntity, PersistenceModule, QueueEntity, QueueMemberEntity, UserEntity } from '@callplane/persistence';
import { CallEventsBus } from '@callplane/calls';
import { AgentStateService } from '@callplane/acd';
import { QUEUE_STATE_THROTTLE_MS, type Ack, type QueueStateEvent, type QueuesSubscribeResult } from '@callplane/contracts';
import { waitFor } from '@callplane/testing';
import { createTestDatabase, TestDatabase } from '../../../../libs/persistence/src/testing';
import { AppConfigModule } from '../config.module';
import { AuthModule } from '../auth/auth.module';
import { AuthService } from '../auth/auth.service';
import { RealtimeModule } from './realtime.module';
import { SupervisorsGateway } from './supervisors.gateway';

const PASSWORD = 'correct-horse-9';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * `/supervisors` over a real socket.io-client, with the real call engine and ACD driving an
 * Asterisk simulator over its sockets (ARI + AMI) and a real migrated SQLite.
 */
describe(SupervisorsGateway.name, () => {
  let db: TestDatabase;
  let sim: AsteriskSim;
  let drivers: PbxDrivers;
  let app: INestApplication;
  let url: string;
  let agentToken: string;
  let supervisorToken: string;
  let adminToken: string;
  let queue: QueueEntity;
  let quiet: QueueEntity;
  let agent: AgentEntity;
  const sockets: Socket[] = [];

  /** A socket with its `queue.state` pushes recorded from the start (the snapshot comes right after connect). */
  const connect = (token?: string): { s: Socket; states: QueueStateEvent[] } => {
    const s = io(`${url}/supervisors`, { transports: ['websocket'], reconnection: false, forceNew: true, ...(token ? { auth: { token } } : {}) });
    const states: QueueStateEvent[] = [];
    s.on('queue.state', (e: QueueStateEvent) => states.push(e));
    sockets.push(s);
    return { s, states };
  };
  const connected = (s: Socket): Promise<void> => new Promise((resolve, reject) => (s.once('connect', () => resolve()), s.once('connect_error', reject)));
  const refused = (s: Socket): Promise<Error> =>
    new Promise((resolve, reject) => (s.once('connect', () => reject(new Error('connection was accepted'))), s.once('connect_error', resolve)));
  const stateOf = (states: QueueStateEvent[], queueId: string, pred: (e: QueueStateEvent) => boolean = () => true, what = 'queue.state') =>
    waitFor(() => states.find((e) => e.queueId === queueId && pred(e)), what, 10_000);

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    sim = await AsteriskSim.start({ defaultSoundDurationMs: 150, rtcpIntervalMs: 0 });
    drivers = new PbxDrivers([new AsteriskDriverFactory()], { reconnectMinMs: 50, reconnectMaxMs: 300, requestTimeoutMs: 3000 });
    const config = loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'gateway-test-secret-0123456789abcdef', DATABASE_URL: db.url, LOG_LEVEL: 'silent' });
    @Global()
    @Module({ providers: [{ provide: PbxDrivers, useValue: drivers }], exports: [PbxDrivers] })
    class SimPbxModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [AppConfigModule.forRoot(config), PersistenceModule.forRoot(config), SimPbxModule, AuthModule, RealtimeModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;

    const ds = app.get(DataSource);
    const node = await ds.getRepository(PbxNodeEntity).save(ds.getRepository(PbxNodeEntity).create({ name: 'sim', type: 'asterisk', connection: sim.connection, enabled: true }));
    await drivers.add({ id: node.id, name: 'sim', connection: sim.connection });
    await waitFor(() => drivers.driver(node.id).health().status === 'up', 'driver up');

    const hash = hashSync(PASSWORD, { cost: 4 });
    for (const [email, role] of [['agent@example.test', 'agent'], ['sup@example.test', 'supervisor'], ['admin@example.test', 'admin']] as const) {
      await ds.getRepository(UserEntity).save(ds.getRepository(UserEntity).create({ email, role, displayName: email, passwordHash: hash }));
    }
    const auth = app.get(AuthService);
    agentToken = (await auth.login('agent@example.test', PASSWORD)).accessToken;
    supervisorToken = (await auth.login('sup@example.test', PASSWORD)).accessToken;
    adminToken = (await auth.login('admin@example.test', PASSWORD)).accessToken;

    const queues = ds.getRepository(QueueEntity);
    queue = await queues.save(queues.create({ name: 'sales', strategy: 'ring-all', ringTimeoutS: 5, maxWaitS: 60, wrapUpS: 0, mohClass: 'default', serviceLevelS: 20 }));
    quiet = await queues.save(queues.create({ name: 'quiet', strategy: 'ring-all', mohClass: 'default' }));
    agent = await ds.getRepository(AgentEntity).save(ds.getRepository(AgentEntity).create({ name: 'Agent 1001', endpoint: '1001', state: 'offline', stateChangedAt: new Date(), skills: {} }));
    await ds.getRepository(QueueMemberEntity).insert({ queueId: queue.id, agentId: agent.id, penalty: 0 });
    await ds.getRepository(InboundRouteEntity).insert({ did: '7000', pbxNodeId: null, targetType: 'queue', targetId: queue.id });
    sim.registerEndpoint('1001', { answerAfterMs: 300 });
  });

  afterEach(() => {
    sockets.splice(0).forEach((s) => s.disconnect());
  });

  afterAll(async () => {
    await drivers?.stopAll();
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  it('refuses agents, and connections without a valid token, saying why', async () => {
    expect((await refused(connect(agentToken).s)).message).toMatch(/supervisors and admins \(your role: agent\)/);
    expect((await refused(connect().s)).message).toMatch(/Missing access token/);
    expect((await refused(connect('not.a.jwt').s)).message).toMatch(/Invalid access token/);
  });

  it('sends supervisors and admins a snapshot of every queue on connect', async () => {
    for (const token of [supervisorToken, adminToken]) {
      const { s, states } = connect(token);
      await connected(s);
      const sales = await stateOf(states, queue.id);
      expect(sales).toMatchObject({ name: 'sales', waiting: 0, members: 1, agents: { offline: 1 }, stalled: null, today: { answered: 0, abandoned: 0 } });
      await stateOf(states, quiet.id);
    }
  });

  it('coalesces a burst of changes of one queue into one queue.state', async () => {
    const { s, states } = connect(supervisorToken);
    await connected(s);
    await stateOf(states, quiet.id);
    states.length = 0;
    const bus = app.get(CallEventsBus);
    for (let i = 0; i < 20; i++) bus.publish('agent.offered', { callId: `c${i}`, agentId: agent.id, callerNumber: '555', callerName: '', queueId: quiet.id, queueName: 'quiet' });

    await stateOf(states, quiet.id);
    await sleep(QUEUE_STATE_THROTTLE_MS * 3);
    expect(states.filter((e) => e.queueId === quiet.id)).toHaveLength(1);
  });

  it('queues.subscribe narrows the pushes to the queues named, acking their snapshot; errors ack with codes', async () => {
    const { s, states } = connect(supervisorToken);
    await connected(s);
    const ack: Ack<QueuesSubscribeResult> = await s.timeout(5000).emitWithAck('queues.subscribe', { queueIds: [quiet.id] });
    expect(ack).toMatchObject({ ok: true, data: { queues: [{ queueId: quiet.id, name: 'quiet' }] } });
    states.length = 0;
    const bus = app.get(CallEventsBus);
    bus.publish('agent.offered', { callId: 'x1', agentId: agent.id, callerNumber: '555', callerName: '', queueId: queue.id, queueName: 'sales' });
    bus.publish('agent.offered', { callId: 'x2', agentId: agent.id, callerNumber: '555', callerName: '', queueId: quiet.id, queueName: 'quiet' });
    await stateOf(states, quiet.id);
    await sleep(QUEUE_STATE_THROTTLE_MS);
    expect(states.map((e) => e.queueId)).toEqual([quiet.id]);

    expect(await s.timeout(5000).emitWithAck('queues.subscribe', { queueIds: 'all' })).toMatchObject({ ok: false, error: { code: 'validation-failed', message: expect.stringContaining('queueIds') } });
    expect(await s.timeout(5000).emitWithAck('queues.subscribe', { queueIds: ['00000000-0000-4000-8000-000000000000'] })).toMatchObject({ ok: false, error: { code: 'queue-not-found' } });
    const all: Ack<QueuesSubscribeResult> = await s.timeout(5000).emitWithAck('queues.subscribe', {});
    expect(all.ok && all.data.queues.map((q) => q.name)).toEqual(['quiet', 'sales']);
  });

  it('follows calls on the PBX: a waiting caller and why nobody is offered, the answer, then an abandon', async () => {
    const { s, states } = connect(supervisorToken);
    await connected(s);
    await stateOf(states, queue.id);

    const first = await sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7000' });
    const stalled = await stateOf(states, queue.id, (e) => e.waiting === 1 && e.stalled !== null, 'caller waiting, stalled');
    expect(stalled.stalled).toMatchObject({ reason: 'no-agent-signed-in', blocked: { offline: 1 } });
    expect(stalled.longestWaitSince).not.toBeNull();

    await app.get(AgentStateService).set(agent.id, 'available');
    const answered = await stateOf(states, queue.id, (e) => e.today.answered === 1, 'answered');
    expect(answered).toMatchObject({ waiting: 0, stalled: null, agents: { 'on-call': 1 }, today: { answered: 1, abandoned: 0, serviceLevelPct: 100 } });
    expect(answered.today.averageSpeedOfAnswerS).toBeGreaterThan(0);
    sim.hangup(first, 16);
    await waitFor(() => app.get(AgentStateService).peek(agent.id)?.state === 'available', 'agent available after the call');

    await app.get(AgentStateService).set(agent.id, 'away');
    const second = await sim.placeCall({ from: '5559876', fromName: 'Bob', to: '7000' });
    await stateOf(states, queue.id, (e) => e.waiting === 1 && e.stalled?.reason === 'all-agents-away', 'second caller waiting, agent away');
    sim.hangup(second, 16);
    const abandoned = await stateOf(states, queue.id, (e) => e.today.abandoned === 1, 'abandoned');
    // Abandoned within the 20 s threshold: not against the service level.
    expect(abandoned).toMatchObject({ waiting: 0, stalled: null, today: { answered: 1, abandoned: 1, abandonedWithinThreshold: 1, serviceLevelPct: 100 } });
  });
});
