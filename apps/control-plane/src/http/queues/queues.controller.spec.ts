import { DataSource } from 'typeorm';
import { QUEUE_STRATEGIES } from '@callplane/contracts';
import { AgentStateService, QueueLiveStateService } from '@callplane/acd';
import { CallEntity, CallEventEntity, IvrFlowEntity } from '@callplane/persistence';
import { createTestDatabase, testDatabaseKinds } from '@callplane/persistence/testing';
import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';
import { QueuesController } from './queues.controller';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';

describe.each(testDatabaseKinds())(`${QueuesController.name} on %s`, (kind) => {
  let sut: HttpTestApp;
  const auth = () => ({ Authorization: `Bearer ${sut.adminToken}` });
  const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();
  let n = 0;
  const createQueue = async (body: Record<string, unknown> = {}) =>
    (await sut.http().post('/queues').set(auth()).send({ name: `q-${++n}`, strategy: 'ring-all', ...body }).expect(201)).body;
  const createAgent = async (endpoint: string) => (await sut.http().post('/agents').set(auth()).send({ name: `Agent ${endpoint}`, endpoint }).expect(201)).body;

  beforeAll(async () => {
    sut = await startHttpTestApp(kind);
  });
  afterAll(async () => {
    await sut?.close();
  });

  describe('settings', () => {
    it('defaults every new setting, and round-trips all of them', async () => {
      const plain = await createQueue();
      expect(plain).toMatchObject({
        retryDelayS: 1, tierWaitS: 10, ringProgressivelyS: 10, requiredSkills: [], vipNumbers: [], vipPriority: 10, periodicPrompt: null,
        announceEveryS: 0, announcePosition: false, announceWaitTime: false, overflowTargetType: null, overflowTargetId: null,
        leaveKey: null, callbackKey: null, serviceLevelS: 20,
      });
      const settings = {
        strategy: 'ring-progressively', retryDelayS: 300, tierWaitS: 3600, ringProgressivelyS: 5,
        requiredSkills: [{ skill: 'french', minProficiency: 60 }, { skill: 'billing', minProficiency: 1 }],
        vipNumbers: ['+4930123456', '5551234'], vipPriority: 50, periodicPrompt: 'sound:queue-periodic', announceEveryS: 30,
        announcePosition: true, announceWaitTime: true, overflowTargetType: 'queue', overflowTargetId: plain.id, leaveKey: '*', callbackKey: '#', serviceLevelS: 3600,
      };
      const full = await createQueue(settings);
      expect(full).toMatchObject(settings);
      expect((await sut.http().get(`/queues/${full.id}`).set(auth()).expect(200)).body).toMatchObject(settings);

      const patched = await sut.http().patch(`/queues/${full.id}`).set(auth()).send({ announceEveryS: 0, leaveKey: null, overflowTargetType: 'hangup' }).expect(200);
      expect(patched.body).toMatchObject({ announceEveryS: 0, leaveKey: null, callbackKey: '#', overflowTargetType: 'hangup', overflowTargetId: null, tierWaitS: 3600 });
    });

    it('accepts every strategy', async () => {
      const q = await createQueue();
      for (const strategy of QUEUE_STRATEGIES) {
        expect((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ strategy }).expect(200)).body.strategy).toBe(strategy);
      }
    });

    it.each([
      [{ tierWaitS: 3601 }, 'tierWaitS'],
      [{ tierWaitS: -1 }, 'tierWaitS'],
      [{ tierWaitS: null }, 'tierWaitS'],
      [{ retryDelayS: 301 }, 'retryDelayS'],
      [{ announceEveryS: 5 }, 'announceEveryS'],
      [{ announceEveryS: 3601 }, 'announceEveryS'],
      [{ serviceLevelS: 0 }, 'serviceLevelS'],
      [{ serviceLevelS: 3601 }, 'serviceLevelS'],
      [{ ringProgressivelyS: 0 }, 'ringProgressivelyS'],
      [{ leaveKey: 'a' }, 'leaveKey'],
      [{ callbackKey: '12' }, 'callbackKey'],
      [{ vipPriority: 1001 }, 'vipPriority'],
      [{ vipNumbers: ['call me'] }, 'vipNumbers'],
      [{ requiredSkills: [{ skill: 'fr', minProficiency: 101 }] }, 'requiredSkills.0.minProficiency'],
      [{ requiredSkills: [{ skill: '', minProficiency: 5 }] }, 'requiredSkills.0.skill'],
      [{ overflowTargetType: 'elsewhere' }, 'overflowTargetType'],
      [{ periodicPrompt: 'file.wav' }, 'periodicPrompt'],
      [{ announcePosition: 'yes' }, 'announcePosition'],
    ])('400 naming the field for %j', async (body, field) => {
      const res = await sut.http().post('/queues').set(auth()).send({ name: `bad-${++n}`, strategy: 'ring-all', ...body }).expect(400);
      expect(res.body.code).toBe('validation-failed');
      expect(fieldsOf(res.body)).toEqual([field]);
      const q = await createQueue();
      expect(fieldsOf((await sut.http().patch(`/queues/${q.id}`).set(auth()).send(body).expect(400)).body)).toEqual([field]);
    });

    it('leave and callback keys must differ, on create and on a patch of either', async () => {
      const res = await sut.http().post('/queues').set(auth()).send({ name: 'keys', strategy: 'ring-all', leaveKey: '1', callbackKey: '1' }).expect(400);
      expect(fieldsOf(res.body)).toEqual(['callbackKey']);
      const q = await createQueue({ leaveKey: '1', callbackKey: '2' });
      expect(fieldsOf((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ callbackKey: '1' }).expect(400)).body)).toEqual(['callbackKey']);
      expect(fieldsOf((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ leaveKey: '2' }).expect(400)).body)).toEqual(['callbackKey']);
      expect((await sut.http().get(`/queues/${q.id}`).set(auth()).expect(200)).body).toMatchObject({ leaveKey: '1', callbackKey: '2' });
    });

    it('overflow target: an existing other queue or IVR flow (404 unknown, 400 itself or inconsistent), and a target queue cannot be deleted', async () => {
      const target = await createQueue();
      const q = await createQueue({ overflowTargetType: 'queue', overflowTargetId: target.id });

      const unknownQueue = await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetId: UNKNOWN }).expect(404);
      expect(unknownQueue.body).toMatchObject({ code: 'overflow-target-not-found', details: { field: 'overflowTargetId' } });
      expect(fieldsOf((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetId: q.id }).expect(400)).body)).toEqual(['overflowTargetId']);
      expect(fieldsOf((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetId: 'sales' }).expect(400)).body)).toEqual(['overflowTargetId']);
      expect(fieldsOf((await sut.http().post('/queues').set(auth()).send({ name: `of-${++n}`, strategy: 'ring-all', overflowTargetType: 'queue' }).expect(400)).body)).toEqual(['overflowTargetId']);
      expect(fieldsOf((await sut.http().post('/queues').set(auth()).send({ name: `of-${++n}`, strategy: 'ring-all', overflowTargetType: 'hangup', overflowTargetId: target.id }).expect(400)).body)).toEqual(['overflowTargetId']);
      expect(fieldsOf((await sut.http().post('/queues').set(auth()).send({ name: `of-${++n}`, strategy: 'ring-all', overflowTargetId: target.id }).expect(400)).body)).toEqual(['overflowTargetId']);

      // The old queue id is no IVR flow: 404; an existing flow is accepted; a voicemail box is any id.
      expect((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetType: 'ivr' }).expect(404)).body.code).toBe('overflow-target-not-found');
      const flow = await sut.app.get(DataSource).getRepository(IvrFlowEntity).save({ name: `flow-${kind}`, draft: { start: 'x' }, publishedVersion: null });
      expect((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetType: 'ivr', overflowTargetId: flow.id }).expect(200)).body).toMatchObject({ overflowTargetType: 'ivr', overflowTargetId: flow.id });
      expect((await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetType: 'voicemail', overflowTargetId: '8000' }).expect(200)).body.overflowTargetId).toBe('8000');

      await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetType: 'queue', overflowTargetId: target.id }).expect(200);
      const inUse = await sut.http().delete(`/queues/${target.id}`).set(auth()).expect(409);
      expect(inUse.body).toMatchObject({ code: 'queue-in-use', details: { queueIds: [q.id] } });
      await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ overflowTargetType: null }).expect(200);
      await sut.http().delete(`/queues/${target.id}`).set(auth()).expect(204);
    });

    it('404 for unknown queue ids', async () => {
      expect((await sut.http().get(`/queues/${UNKNOWN}`).set(auth()).expect(404)).body.code).toBe('not-found');
      await sut.http().patch(`/queues/${UNKNOWN}`).set(auth()).send({ tierWaitS: 5 }).expect(404);
      await sut.http().get(`/queues/${UNKNOWN}/members`).set(auth()).expect(404);
    });
  });

  describe('members', () => {
    it('tier, position and penalty: defaults, round trip, ordering by tier', async () => {
      const q = await createQueue();
      const [a, b] = [await createAgent('2001'), await createAgent('2002')];
      expect((await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: a.id }).expect(201)).body).toMatchObject({ penalty: 0, tier: 1, position: 0 });
      await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: b.id, tier: 1, position: 3, penalty: 2 }).expect(201);
      const patched = await sut.http().patch(`/queues/${q.id}/members/${a.id}`).set(auth()).send({ tier: 10, position: 7 }).expect(200);
      expect(patched.body).toMatchObject({ agentId: a.id, penalty: 0, tier: 10, position: 7 });
      const list = (await sut.http().get(`/queues/${q.id}/members`).set(auth()).expect(200)).body;
      expect(list.map((m: { agentId: string; tier: number }) => [m.agentId, m.tier])).toEqual([[b.id, 1], [a.id, 10]]);
    });

    it('tells the live state (and so the supervisors) about queue and member changes', async () => {
      const q = await createQueue();
      const a = await createAgent('2009');
      const changed: string[] = [];
      const stop = sut.app.get(QueueLiveStateService).onChange((id) => changed.push(id));
      try {
        await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: a.id }).expect(201);
        expect(changed).toEqual([q.id]);
        expect((await sut.app.get(QueueLiveStateService).snapshot(q.id)).members).toBe(1);
        await sut.http().patch(`/queues/${q.id}/members/${a.id}`).set(auth()).send({ tier: 2 }).expect(200);
        await sut.http().patch(`/queues/${q.id}`).set(auth()).send({ serviceLevelS: 30 }).expect(200);
        expect((await sut.app.get(QueueLiveStateService).snapshot(q.id)).today.serviceLevelS).toBe(30);
        await sut.http().delete(`/queues/${q.id}/members/${a.id}`).set(auth()).expect(204);
        expect(changed).toEqual([q.id, q.id, q.id, q.id]);
      } finally {
        stop();
      }
    });

    it('400 naming tier/position/penalty out of range; 404 for unknown queue, agent or membership', async () => {
      const q = await createQueue();
      const a = await createAgent('2003');
      for (const [body, field] of [[{ tier: 0 }, 'tier'], [{ tier: 11 }, 'tier'], [{ position: -1 }, 'position'], [{ penalty: 1001 }, 'penalty'], [{ tier: null }, 'tier']] as const) {
        expect(fieldsOf((await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: a.id, ...body }).expect(400)).body)).toEqual([field]);
      }
      expect((await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: UNKNOWN }).expect(404)).body.code).toBe('agent-not-found');
      await sut.http().post(`/queues/${UNKNOWN}/members`).set(auth()).send({ agentId: a.id }).expect(404);
      await sut.http().patch(`/queues/${q.id}/members/${a.id}`).set(auth()).send({ tier: 2 }).expect(404);
      await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: a.id }).expect(201);
      expect(fieldsOf((await sut.http().patch(`/queues/${q.id}/members/${a.id}`).set(auth()).send({ tier: 11 }).expect(400)).body)).toEqual(['tier']);
    });
  });

  describe('live state', () => {
    it('shows members by state and why nobody is offered is empty with nobody waiting; 404 unknown; 403 for agents', async () => {
      const q = await createQueue({ serviceLevelS: 15 });
      const [a, b] = [await createAgent('2101'), await createAgent('2102')];
      await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: a.id }).expect(201);
      await sut.http().post(`/queues/${q.id}/members`).set(auth()).send({ agentId: b.id }).expect(201);
      await sut.app.get(AgentStateService).set(a.id, 'available');

      const live = (await sut.http().get(`/queues/${q.id}/live`).set(auth()).expect(200)).body;
      expect(live).toMatchObject({
        queueId: q.id, name: q.name, waiting: 0, ringing: 0, longestWaitS: 0, longestWaitSince: null, members: 2,
        agents: { available: 1, offline: 1, ringing: 0, 'on-call': 0, 'wrap-up': 0, away: 0, dnd: 0 },
        today: { answered: 0, abandoned: 0, serviceLevelS: 15, serviceLevelPct: null, averageSpeedOfAnswerS: null },
        stalled: null,
      });
      const all = (await sut.http().get('/queues/live').set(auth()).expect(200)).body as { queueId: string }[];
      expect(all.map((s) => s.queueId)).toContain(q.id);
      expect((await sut.http().get(`/queues/${UNKNOWN}/live`).set(auth()).expect(404)).body.code).toBe('queue-not-found');
      await sut.http().get('/queues/not-a-uuid/live').set(auth()).expect(400);

      await sut.http().post('/users').set(auth()).send({ email: `agent-${kind}@example.test`, password: 'agent-password-1', role: 'agent' }).expect(201);
      const login = await sut.http().post('/auth/login').send({ email: `agent-${kind}@example.test`, password: 'agent-password-1' }).expect(200);
      await sut.http().get('/queues/live').set({ Authorization: `Bearer ${login.body.accessToken}` }).expect(403);
    });
  });
});

describe('QueuesController live state after a restart', () => {
  it("reads today's answered and abandoned calls back from the calls table (yesterday's not)", async () => {
    const db = await createTestDatabase('sqlite');
    const adminPassword = 'restart-admin-password-1';
    let app = await startHttpTestApp('sqlite', { db, adminPassword });
    try {
      const auth = () => ({ Authorization: `Bearer ${app.adminToken}` });
      const q = (await app.http().post('/queues').set(auth()).send({ name: 'restart', strategy: 'ring-all', serviceLevelS: 20 }).expect(201)).body;
      const repo = app.app.get(DataSource).getRepository(CallEntity);
      const now = Date.now();
      const midnight = new Date(new Date(now).getFullYear(), new Date(now).getMonth(), new Date(now).getDate()).getTime();
      // Times within today whatever the hour the test runs (the rows sit between midnight and now).
      const t = (msAfterMidnight: number) => new Date(Math.min(midnight + msAfterMidnight, now));
      let i = 0;
      const row = (over: Partial<CallEntity>) =>
        repo.create({ pbxNodeId: UNKNOWN, channelId: `ch-${++i}`, direction: 'inbound', callerNumber: '555', callerName: '', calledNumber: '7000', calledName: null, queueId: q.id, status: 'ended', ...over });
      const [overflowedOut, callback] = await repo.save([
        // left this queue after 90 s for another one (where it ended): only the ACD's event knows
        row({ queueId: UNKNOWN, offeredAt: t(0), answeredAt: t(100_000), endedAt: t(110_000), agentId: UNKNOWN, disposition: 'ANSWERED' }),
        // asked for a callback after 30 s: NO_ANSWER in the table, but not an overflow
        row({ offeredAt: t(0), endedAt: t(31_000), disposition: 'NO_ANSWER' }),
      ]);
      const events = app.app.get(DataSource).getRepository(CallEventEntity);
      await events.save([
        { callId: overflowedOut.id, at: t(90_000), type: 'queue.overflow', data: { queueId: q.id, reason: 'max-wait', targetType: 'queue', targetId: UNKNOWN, waitS: 90, position: 1 } },
        { callId: callback.id, at: t(30_000), type: 'queue.callback-requested', data: { queueId: q.id, callbackId: null, waitS: 30, position: 1 } },
      ].map((e) => events.create(e)));
      await repo.save([
        // answered after 10 s and 30 s (one in, one out of the 20 s service level)
        row({ offeredAt: t(0), answeredAt: t(10_000), endedAt: t(60_000), agentId: UNKNOWN, disposition: 'ANSWERED' }),
        row({ offeredAt: t(0), queuedAt: t(5_000), answeredAt: t(35_000), endedAt: t(60_000), agentId: UNKNOWN, disposition: 'ANSWERED' }),
        // abandoned after 40 s: against the service level
        row({ offeredAt: t(0), endedAt: t(40_000), disposition: 'ABANDONED' }),
        // yesterday's
        row({ offeredAt: new Date(midnight - 60_000), answeredAt: new Date(midnight - 50_000), endedAt: new Date(midnight - 10_000), agentId: UNKNOWN, disposition: 'ANSWERED' }),
        // timed out after 120 s (NO_ANSWER): against the service level too
        row({ offeredAt: t(0), endedAt: t(120_000), disposition: 'NO_ANSWER' }),
        // another queue's, and an IVR-only call
        row({ queueId: UNKNOWN, offeredAt: t(0), answeredAt: t(1_000), endedAt: t(2_000), agentId: UNKNOWN, disposition: 'ANSWERED' }),
        row({ queueId: null, offeredAt: t(0), answeredAt: t(1_000), endedAt: t(2_000), disposition: 'IVR_COMPLETED' }),
      ]);
      expect((await app.http().get(`/queues/${q.id}/live`).set(auth()).expect(200)).body.today.answered).toBe(0);

      await app.close();
      app = await startHttpTestApp('sqlite', { db, adminPassword });
      const res = await app.http().get(`/queues/${q.id}/live`).set({ Authorization: `Bearer ${app.adminToken}` }).expect(200);
      expect(res.body.today).toEqual({
        since: new Date(midnight).toISOString(),
        answered: 2, abandoned: 1, abandonedWithinThreshold: 0, overflowed: 2, callbacksRequested: 1, serviceLevelS: 20,
        serviceLevelPct: 20, // 1 / (2 answered + 1 abandoned + 2 overflowed, all after 20 s)
        averageSpeedOfAnswerS: 20, // (10 + 30) / 2
      });
    } finally {
      await app.close();
      await db.drop();
    }
  });
});
