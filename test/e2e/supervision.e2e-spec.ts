import request from 'supertest';
import type { PbxType } from '@callplane/pbx';
import type { SimRequest } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { testDatabaseKinds } from '@callplane/persistence/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { seedQueue, SeededQueue } from '../support/seed';

/**
 * Issue 8 §4: supervisor monitor / whisper / barge end to end on both simulators — a queue call
 * answered by agent 1001, supervised from phone 1009. The PBX requests are checked for the audio
 * directions of each mode (Asterisk: `POST /channels/{agent}/snoop` spy/whisper; FreeSWITCH:
 * `eavesdrop` on the agent's uuid with `eavesdrop_whisper_aleg` = the agent hears, `_bleg` = the
 * caller hears). Every test ends with no channel or bridge left on the simulator.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];
const db = testDatabaseKinds()[0];

/** Who hears the supervisor in each mode: [agent, caller]. */
const HEARS: Record<string, [boolean, boolean]> = { monitor: [false, false], whisper: [true, false], barge: [true, true] };

describe.each(PBX_TYPES)('supervision on %s', (pbx) => {
  let h: ControlPlaneHarness;
  let seeded: SeededQueue;
  let agent: AgentClient;
  let supervisor: { userId: string; token: string };
  let outsider: { userId: string; token: string };

  async function user(email: string): Promise<{ userId: string; token: string }> {
    const password = `pw-${email}-secret`;
    const created = await h.http().post('/users').send({ email, password, role: 'supervisor', displayName: email }).expect(201);
    const login = await request(h.app.getHttpServer()).post('/auth/login').send({ email, password }).expect(200);
    return { userId: created.body.id, token: login.body.accessToken };
  }

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db });
    seeded = await seedQueue(h, { did: '7100', wrapUpS: 0, endpoints: ['1001'] });
    h.sim.registerEndpoint('1001', { ringAfterMs: 20, answerAfterMs: 60 });
    h.sim.registerEndpoint('1009', { ringAfterMs: 20, answerAfterMs: 100 });
    supervisor = await user('sup@callplane.test');
    outsider = await user('other-sup@callplane.test');
    await h.http().patch(`/queues/${seeded.queueId}`).send({ supervisorUserIds: [supervisor.userId] }).expect(200);
    agent = await AgentClient.connect(h.url, seeded.agents[0].token);
    expect(await agent.command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
  });

  afterEach(async () => {
    for (const c of h.sim.channels().filter((c) => c.direction === 'inbound')) h.sim.hangup(c.id, 16);
    await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'no channel or bridge left on the simulator');
    agent?.close();
    await h?.close();
  });

  const as = (token: string) => {
    const server = h.app.getHttpServer();
    const auth = (t: request.Test) => t.set('Authorization', `Bearer ${token}`);
    return {
      post: (p: string) => auth(request(server).post(p)),
      patch: (p: string) => auth(request(server).patch(p)),
      delete: (p: string) => auth(request(server).delete(p)),
      get: (p: string) => auth(request(server).get(p)),
    };
  };
  const legOf = (endpoint: string) => h.sim.channels().find((c) => c.direction === 'outbound' && c.endpoint === endpoint);
  const bridgeWith = (...ids: (string | undefined)[]) => h.sim.bridges().find((b) => b.type === 'mixing' && ids.every((id) => !!id && b.channelIds.includes(id)));

  /** A caller in queue 7100 talking to agent 1001. */
  async function connected(): Promise<{ callId: string; caller: string; agentLeg: string }> {
    const caller = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7100' });
    await waitFor(() => bridgeWith(caller, legOf('1001')?.id), 'caller and agent 1001 bridged');
    const callId = (await waitFor(() => agent.received('call.answered')[0], 'call.answered')).callId as string;
    return { callId, caller, agentLeg: legOf('1001')!.id };
  }

  async function supervisionState(id: string, state: string): Promise<Record<string, any>> {
    return waitFor(async () => {
      const res = await as(supervisor.token).get(`/supervision/${id}`);
      return res.body?.state === state ? res.body : undefined;
    }, `supervision ${state}`);
  }

  /** Originate requests that ring phone 1009. */
  const ringsOf1009 = () => h.sim.requests().filter((r) => (r.protocol === 'ari' ? r.method === 'POST' && r.path === '/ari/channels/create' && r.params.endpoint?.endsWith('/1009') : /\boriginate\b/.test(r.path) && r.path.includes('1009')));

  /**
   * Who hears the supervisor according to the PBX requests, for the newest snoop on `agentLeg`:
   * Asterisk snoop `whisper` out/in/both (stasis_app_snoop.c: out = the snooped channel's phone),
   * FreeSWITCH eavesdrop whisper variables set on the supervisor's leg before the eavesdrop.
   */
  async function heard(agentLeg: string, count: number): Promise<[boolean, boolean]> {
    if (pbx === 'asterisk') {
      const snoops = await waitFor(() => {
        const s = h.sim.requests().filter((r) => r.protocol === 'ari' && r.method === 'POST' && r.path.startsWith(`/ari/channels/${agentLeg}/snoop`));
        return s.length >= count ? s : undefined;
      }, `${count} snoop request(s)`);
      const last = snoops[snoops.length - 1];
      expect(last.params.spy).toBe('both');
      return [last.params.whisper === 'out' || last.params.whisper === 'both', last.params.whisper === 'in' || last.params.whisper === 'both'];
    }
    const sup = legOf('1009')!.id;
    const eavesdrops = await waitFor(() => {
      const e = h.sim.requests().filter((r) => r.protocol === 'esl' && r.path === `sendmsg ${sup}` && r.params['execute-app-name'] === 'eavesdrop');
      return e.length >= count ? e : undefined;
    }, `${count} eavesdrop(s)`);
    const last = eavesdrops[eavesdrops.length - 1];
    expect(last.params['execute-app-arg']).toBe(agentLeg);
    const before = h.sim.requests().filter((r: SimRequest) => r.t <= last.t && r.path.startsWith(`api uuid_setvar ${sup} eavesdrop_whisper_`));
    const value = (leg: 'aleg' | 'bleg') => before.filter((r) => r.path.startsWith(`api uuid_setvar ${sup} eavesdrop_whisper_${leg} `)).pop()?.path.endsWith(' true') ?? false;
    return [value('aleg'), value('bleg')];
  }

  it('monitor, then whisper, then barge without redialling: the snoop directions of each mode; stop removes the snoop and the supervisor leg', async () => {
    const { callId, caller, agentLeg } = await connected();
    const started = await as(supervisor.token).post('/supervision').send({ callId, mode: 'monitor', endpoint: '1009' }).expect(201);
    expect(started.body).toMatchObject({ callId, mode: 'monitor', state: 'ringing', supervisorUserId: supervisor.userId, endpoint: '1009', agentId: seeded.agents[0].agentId });
    const id = started.body.id as string;
    await supervisionState(id, 'active');
    expect(await heard(agentLeg, 1)).toEqual(HEARS.monitor);

    expect((await as(supervisor.token).patch(`/supervision/${id}`).send({ mode: 'whisper' }).expect(200)).body).toMatchObject({ mode: 'whisper', state: 'active' });
    expect(await heard(agentLeg, 2)).toEqual(HEARS.whisper);
    expect((await as(supervisor.token).patch(`/supervision/${id}`).send({ mode: 'barge' }).expect(200)).body.mode).toBe('barge');
    expect(await heard(agentLeg, 3)).toEqual(HEARS.barge);
    // One phone call for the supervisor, the caller still talks to the agent.
    expect(ringsOf1009()).toHaveLength(1);
    expect(legOf('1009')).toBeDefined();
    expect(bridgeWith(caller, agentLeg)).toBeDefined();
    if (pbx === 'asterisk') await waitFor(() => h.sim.channels().filter((c) => c.name?.startsWith('Snoop/')).length === 1, 'one snoop channel (the old ones hung up)');

    expect((await as(supervisor.token).delete(`/supervision/${id}`).expect(200)).body).toMatchObject({ state: 'ended', reason: 'stopped' });
    await waitFor(() => !legOf('1009') && !h.sim.channels().some((c) => c.name?.startsWith('Snoop/')), 'supervisor leg and snoop gone');
    expect(bridgeWith(caller, agentLeg)).toBeDefined();
    await as(supervisor.token).get(`/supervision/${id}`).expect(404);

    const events = (await h.http().get(`/calls/${callId}`).expect(200)).body.events as { type: string; data: Record<string, unknown> }[];
    const types = events.map((e) => e.type).filter((t) => t.startsWith('supervision.'));
    expect(types).toEqual(['supervision.ringing', 'supervision.active', 'supervision.mode', 'supervision.mode', 'supervision.ended']);
    expect(events.find((e) => e.type === 'supervision.ringing')!.data).toMatchObject({ supervisionId: id, by: supervisor.userId, supervisorUserId: supervisor.userId, endpoint: '1009' });
    const legs = (await h.http().get(`/calls/${callId}`).expect(200)).body.legs as { role: string }[];
    expect(legs.filter((l) => l.role === 'supervisor')).toHaveLength(1);
  });

  it('refuses: agents 403 (REST and the /supervisors namespace), a supervisor of another queue 403, unknown 404, not connected 409, bad input 400 naming the field', async () => {
    const { callId } = await connected();
    await as(seeded.agents[0].token).post('/supervision').send({ callId, mode: 'monitor', endpoint: '1009' }).expect(403);
    await expect(AgentClient.connect(h.url, seeded.agents[0].token, '/supervisors')).rejects.toThrow(/supervisors and admins/);
    expect((await as(outsider.token).post('/supervision').send({ callId, mode: 'barge', endpoint: '1009' }).expect(403)).body.code).toBe('forbidden');
    expect((await as(supervisor.token).post('/supervision').send({ callId, mode: 'spy', endpoint: '1009' }).expect(400)).body.message).toMatch(/mode/);
    expect((await as(supervisor.token).post('/supervision').send({ callId, mode: 'monitor', endpoint: '10\r\n09' }).expect(400)).body.message).toMatch(/endpoint/);
    // No agent profile of their own: the phone to ring must be given.
    expect((await as(supervisor.token).post('/supervision').send({ callId, mode: 'monitor' }).expect(400)).body.message).toMatch(/endpoint/);
    expect((await as(supervisor.token).post('/supervision').send({ callId: '00000000-0000-4000-8000-000000000000', mode: 'monitor', endpoint: '1009' }).expect(409)).body.code).toBe('supervision-call-not-connected');
    await as(supervisor.token).patch('/supervision/00000000-0000-4000-8000-000000000000').send({ mode: 'barge' }).expect(404);
    expect(ringsOf1009()).toHaveLength(0);
  });

  it('over Socket.IO: start / mode / stop acks and supervision.changed to the supervisor; the caller hanging up ends it and nothing is left', async () => {
    const { callId, caller, agentLeg } = await connected();
    const desk = await AgentClient.connect(h.url, supervisor.token, '/supervisors');
    try {
      expect(await desk.command('supervision.start', { callId, mode: 'nope' })).toMatchObject({ ok: false, error: { code: 'validation-failed' } });
      const ack = await desk.command('supervision.start', { callId, mode: 'whisper', endpoint: '1009' });
      expect(ack).toMatchObject({ ok: true, data: { state: 'ringing', mode: 'whisper' } });
      const id = ack.data.id as string;
      await waitFor(() => desk.received('supervision.changed').some((e) => e.type === 'supervision.active'), 'supervision.active pushed');
      expect(await heard(agentLeg, 1)).toEqual(HEARS.whisper);
      expect(await desk.command('supervision.mode', { supervisionId: id, mode: 'monitor' })).toMatchObject({ ok: true, data: { mode: 'monitor' } });
      expect(await heard(agentLeg, 2)).toEqual(HEARS.monitor);

      h.sim.hangup(caller, 16);
      await waitFor(() => desk.received('supervision.changed').find((e) => e.type === 'supervision.ended'), 'supervision.ended pushed');
      expect(desk.received('supervision.changed').find((e) => e.type === 'supervision.ended').supervision).toMatchObject({ id, state: 'ended', reason: 'call-ended' });
      await waitFor(() => h.sim.channels().length === 0 && h.sim.bridges().length === 0, 'every channel and bridge gone');
      expect(await desk.command('supervision.stop', { supervisionId: id })).toMatchObject({ ok: false, error: { code: 'supervision-not-found' } });
      const row = await waitFor(async () => {
        const res = await h.http().get(`/calls/${callId}`);
        return res.body?.status === 'ended' ? res.body : undefined;
      }, 'call row ended');
      expect(row.disposition).toBe('ANSWERED');
    } finally {
      desk.close();
    }
  });
});
