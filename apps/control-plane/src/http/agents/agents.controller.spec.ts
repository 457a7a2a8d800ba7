import { AgentStateService } from '@callplane/acd';
import { AgentStateLogEntity } from '@callplane/persistence';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { DataSource } from 'typeorm';
import { startHttpTestApp, HttpTestApp } from '../testing/http-test-app';
import { AgentsController } from './agents.controller';

const UNKNOWN = '00000000-0000-4000-8000-000000000000';
const PASSWORD = 'agent-pass-1234';

describe.each(testDatabaseKinds())(`${AgentsController.name} on %s`, (kind) => {
  let sut: HttpTestApp;
  let n = 0;
  const admin = () => ({ Authorization: `Bearer ${sut.adminToken}` });
  const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
  const fieldsOf = (body: { fields?: { field: string }[] }) => (body.fields ?? []).map((f) => f.field).sort();
  const createAgent = async (body: Record<string, unknown> = {}) =>
    (await sut.http().post('/agents').set(admin()).send({ name: `Agent ${++n}`, endpoint: `${2000 + n}`, ...body }).expect(201)).body;
  /** A user of `role` (linked to a new agent for `agent`) and its token. */
  const login = async (role: 'agent' | 'supervisor'): Promise<{ token: string; agentId?: string; userId: string }> => {
    const email = `${role}-${++n}@callplane.test`;
    const user = (await sut.http().post('/users').set(admin()).send({ email, password: PASSWORD, role }).expect(201)).body;
    const agentId = role === 'agent' ? (await createAgent({ userId: user.id })).id : undefined;
    const res = await sut.http().post('/auth/login').send({ email, password: PASSWORD }).expect(200);
    return { token: res.body.accessToken, agentId, userId: user.id };
  };

  beforeAll(async () => {
    sut = await startHttpTestApp(kind, { env: { ACD_AWAY_REASONS: 'coaching' } });
  });
  afterAll(async () => {
    await sut?.close();
  });

  describe('settings', () => {
    it('defaults and round-trips skills with proficiency and the per-agent offer settings', async () => {
      const plain = await createAgent();
      expect(plain).toMatchObject({
        skills: {}, awayReason: null, wrapUpS: null, ringTimeoutS: null, maxNoAnswer: 3, noAnswerCount: 0, noAnswerDelayS: 5, rejectDelayS: 5, busyDelayS: 5,
        callsAnswered: 0, talkTimeS: 0, state: 'offline',
      });
      const settings = { skills: { french: 80, 'billing.vip': 1, support_2: 100 }, wrapUpS: 0, ringTimeoutS: 600, maxNoAnswer: 0, noAnswerDelayS: 3600, rejectDelayS: 0, busyDelayS: 30 };
      const full = await createAgent(settings);
      expect(full).toMatchObject(settings);
      expect((await sut.http().get(`/agents/${full.id}`).set(admin()).expect(200)).body).toMatchObject(settings);
      const patched = await sut.http().patch(`/agents/${full.id}`).set(admin()).send({ skills: { french: 20 }, wrapUpS: null, maxNoAnswer: 2 }).expect(200);
      expect(patched.body).toMatchObject({ skills: { french: 20 }, wrapUpS: null, maxNoAnswer: 2, ringTimeoutS: 600 });
    });

    it.each([
      [{ skills: ['french'] }, 'skills'],
      [{ skills: { french: 0 } }, 'skills'],
      [{ skills: { french: 101 } }, 'skills'],
      [{ skills: { french: 50.5 } }, 'skills'],
      [{ skills: { 'two words': 50 } }, 'skills'],
      [{ skills: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`s${i}`, 1])) }, 'skills'],
      [{ skills: null }, 'skills'],
      [{ wrapUpS: 3601 }, 'wrapUpS'],
      [{ wrapUpS: -1 }, 'wrapUpS'],
      [{ ringTimeoutS: 0 }, 'ringTimeoutS'],
      [{ ringTimeoutS: 601 }, 'ringTimeoutS'],
      [{ maxNoAnswer: 101 }, 'maxNoAnswer'],
      [{ maxNoAnswer: null }, 'maxNoAnswer'],
      [{ noAnswerDelayS: 3601 }, 'noAnswerDelayS'],
      [{ rejectDelayS: -1 }, 'rejectDelayS'],
      [{ busyDelayS: 1.5 }, 'busyDelayS'],
      [{ noAnswerCount: 0 }, 'noAnswerCount'],
    ])('400 names the field: %j', async (body, field) => {
      const created = await sut.http().post('/agents').set(admin()).send({ name: 'X', endpoint: '2999', ...body }).expect(400);
      expect(fieldsOf(created.body)).toEqual([field]);
      const a = await createAgent();
      expect(fieldsOf((await sut.http().patch(`/agents/${a.id}`).set(admin()).send(body).expect(400)).body)).toEqual([field]);
    });

    it('pushes new settings to the ACD’s memory of a known agent', async () => {
      const a = await createAgent({ skills: { french: 10 } });
      const states = sut.app.get(AgentStateService);
      await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'available' }).expect(200);
      await sut.http().patch(`/agents/${a.id}`).set(admin()).send({ skills: { french: 90 } }).expect(200);
      expect(states.peek(a.id)?.skills).toEqual({ french: 90 });
      await sut.http().delete(`/agents/${a.id}`).set(admin()).expect(204);
      expect(states.peek(a.id)).toBeUndefined();
    });
  });

  describe('PUT /agents/:id/state', () => {
    it('sets the state with a reason (200 AgentStateView) and the view shows it', async () => {
      const a = await createAgent();
      const res = await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'away', reason: 'coaching' }).expect(200);
      expect(res.body).toEqual({ agentId: a.id, state: 'away', reason: 'coaching', at: expect.any(String) });
      expect((await sut.http().get(`/agents/${a.id}`).set(admin()).expect(200)).body).toMatchObject({ state: 'away', awayReason: 'coaching' });
      expect((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'away' }).expect(200)).body.reason).toBe('break');
      expect((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'dnd' }).expect(200)).body).toMatchObject({ state: 'dnd', reason: null });
    });

    it('409 agent-state-illegal with the current state for a transition the table forbids (wrap-up → ringing, on-call by API)', async () => {
      const a = await createAgent();
      const states = sut.app.get(AgentStateService);
      await states.set(a.id, 'available');
      states.tryTransition(a.id, 'ringing', 'ring');
      states.tryTransition(a.id, 'on-call', 'answer');
      const onCall = await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'away' }).expect(409);
      expect(onCall.body).toMatchObject({ code: 'agent-state-illegal', details: { state: 'on-call', to: 'away' } });
      states.startWrapUp(a.id, 60);
      const ringing = await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'ringing' }).expect(409);
      expect(ringing.body).toMatchObject({ code: 'agent-state-illegal', details: { state: 'wrap-up', to: 'ringing' } });
      expect((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'on-call' }).expect(409)).body.details.state).toBe('wrap-up');
    });

    it('400 for an unknown state or reason (naming the field), 404 for an unknown agent', async () => {
      const a = await createAgent();
      expect(fieldsOf((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'busy' }).expect(400)).body)).toEqual(['state']);
      expect(fieldsOf((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({}).expect(400)).body)).toEqual(['state']);
      expect((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'away', reason: 'nap' }).expect(400)).body).toMatchObject({ code: 'validation-failed', details: { field: 'reason' } });
      expect((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'away', reason: 'no-answer' }).expect(400)).body.details.field).toBe('reason');
      expect((await sut.http().put(`/agents/${a.id}/state`).set(admin()).send({ state: 'available', reason: 'lunch' }).expect(400)).body.details.field).toBe('reason');
      expect((await sut.http().put(`/agents/${UNKNOWN}/state`).set(admin()).send({ state: 'available' }).expect(404)).body.code).toBe('agent-not-found');
    });

    it('an agent sets its own state only (403 for another’s); a supervisor sets any', async () => {
      const me = await login('agent');
      const other = await createAgent();
      const sup = await login('supervisor');
      expect((await sut.http().put(`/agents/${me.agentId}/state`).set(bearer(me.token)).send({ state: 'available' }).expect(200)).body.state).toBe('available');
      expect((await sut.http().put(`/agents/${other.id}/state`).set(bearer(me.token)).send({ state: 'available' }).expect(403)).body.code).toBe('forbidden');
      await sut.http().put(`/agents/${other.id}/state`).set(bearer(sup.token)).send({ state: 'available' }).expect(200);
      await sut.http().get(`/agents/${other.id}`).set(bearer(me.token)).expect(403); // the rest of /agents stays supervisors'
    });
  });

  describe('GET /agents/:id/state-log', () => {
    it('lists transitions newest first with reason, trigger and who; from/to/limit; agents read only their own', async () => {
      const me = await login('agent');
      const sup = await login('supervisor');
      const id = me.agentId!;
      await sut.http().put(`/agents/${id}/state`).set(bearer(me.token)).send({ state: 'available' }).expect(200);
      await sut.http().put(`/agents/${id}/state`).set(bearer(sup.token)).send({ state: 'away', reason: 'meeting' }).expect(200);
      sut.app.get(AgentStateService).tryTransition(id, 'available', 'agent');

      const log = await sut.http().get(`/agents/${id}/state-log`).set(bearer(me.token)).expect(200);
      expect(log.body.map((e: { from: string; to: string; trigger: string; reason: string | null }) => [e.from, e.to, e.trigger, e.reason])).toEqual([
        ['away', 'available', 'agent', null],
        ['available', 'away', 'supervisor', 'meeting'],
        ['offline', 'available', 'agent', null],
      ]);
      expect(log.body[1]).toMatchObject({ agentId: id, byUserId: sup.userId, at: expect.any(String) });
      expect(log.body[2].byUserId).toBe(me.userId);

      expect((await sut.http().get(`/agents/${id}/state-log?limit=1`).set(admin()).expect(200)).body).toHaveLength(1);
      const middle = log.body[1].at;
      const until = await sut.http().get(`/agents/${id}/state-log`).query({ to: middle }).set(admin()).expect(200);
      expect(until.body.every((e: { at: string }) => e.at <= middle)).toBe(true);
      expect(until.body.length).toBeGreaterThanOrEqual(2);
      const since = await sut.http().get(`/agents/${id}/state-log`).query({ from: middle }).set(admin()).expect(200);
      expect(since.body.every((e: { at: string }) => e.at >= middle)).toBe(true);
      expect(since.body.length).toBeGreaterThanOrEqual(2);
      expect((await sut.http().get(`/agents/${id}/state-log`).query({ from: '2000-01-01T00:00:00Z', to: '2000-01-02T00:00:00Z' }).set(admin()).expect(200)).body).toEqual([]);

      const other = await createAgent();
      expect((await sut.http().get(`/agents/${other.id}/state-log`).set(bearer(me.token)).expect(403)).body.code).toBe('forbidden');
      await sut.http().get(`/agents/${other.id}/state-log`).set(bearer(sup.token)).expect(200);
    });

    it('400 on a bad query (naming the field), 404 for an unknown agent', async () => {
      const a = await createAgent();
      for (const [q, field] of [
        [{ limit: 0 }, 'limit'],
        [{ limit: 1001 }, 'limit'],
        [{ limit: 'many' }, 'limit'],
        [{ from: 'yesterday' }, 'from'],
        [{ to: '2026-13-01' }, 'to'],
      ] as const) {
        expect(fieldsOf((await sut.http().get(`/agents/${a.id}/state-log`).query(q).set(admin()).expect(400)).body)).toEqual([field]);
      }
      const backwards = await sut.http().get(`/agents/${a.id}/state-log`).query({ from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).set(admin()).expect(400);
      expect(backwards.body.details.field).toBe('to');
      await sut.http().get(`/agents/${UNKNOWN}/state-log`).set(admin()).expect(404);
    });

    it('bounds the page: default 100 newest, at most 1000', async () => {
      const a = await createAgent();
      const base = Date.UTC(2026, 0, 1);
      const rows = Array.from({ length: 1005 }, (_, i) => ({ agentId: a.id, at: new Date(base + i * 1000), fromState: 'available' as const, toState: 'away' as const, reason: 'break', trigger: 'agent', byUserId: null }));
      const repo = sut.app.get(DataSource).getRepository(AgentStateLogEntity);
      for (let i = 0; i < rows.length; i += 200) await repo.insert(rows.slice(i, i + 200));
      const page = await sut.http().get(`/agents/${a.id}/state-log`).set(admin()).expect(200);
      expect(page.body).toHaveLength(100);
      expect(page.body[0].at).toBe(new Date(base + 1004 * 1000).toISOString());
      expect((await sut.http().get(`/agents/${a.id}/state-log?limit=1000`).set(admin()).expect(200)).body).toHaveLength(1000);
    });
  });
});
