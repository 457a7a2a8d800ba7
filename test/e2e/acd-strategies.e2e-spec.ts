import request from 'supertest';
import { DataSource } from 'typeorm';
import type { PbxType } from '@callplane/pbx';
import { AgentStateService } from '@callplane/acd';
import { CallEventsBus } from '@callplane/calls';
import type { CallDomainEventMap } from '@callplane/calls';
import { AgentEntity } from '@callplane/persistence';
import { waitFor } from '@callplane/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';

/**
 * Issue 7: the queue strategies, skills and tiers end to end — pbx-sim on real sockets, callplane
 * as main.ts wires it (queues and members set up over REST, agents signed in over Socket.IO),
 * offers and answers read from the call bus as they happen.
 */
const PBX_TYPES: PbxType[] = ['asterisk', 'freeswitch'];

interface Member {
  endpoint: string;
  tier?: number;
  position?: number;
  skills?: Record<string, number>;
  callsAnswered?: number;
}

describe.each(PBX_TYPES)('queue strategies on %s', (pbx) => {
  let h: ControlPlaneHarness;
  let clients: AgentClient[] = [];
  let offers: (CallDomainEventMap['agent.offered'] & { at: number })[];
  let answers: CallDomainEventMap['call.answered'][];
  let agentIds: Record<string, string>;

  beforeEach(async () => {
    h = await ControlPlaneHarness.start({ pbx, db: 'sqlite' });
    offers = [];
    answers = [];
    agentIds = {};
    const bus = h.app.get(CallEventsBus);
    bus.on('agent.offered', (e) => offers.push({ ...e, at: Date.now() }));
    bus.on('call.answered', (e) => answers.push(e));
  });

  afterEach(async () => {
    clients.forEach((c) => c.close());
    clients = [];
    await h?.close();
  });

  const endpointOf = (agentId: string) => Object.entries(agentIds).find(([, id]) => id === agentId)?.[0];
  const offered = () => offers.map((o) => endpointOf(o.agentId));
  const answeredBy = () => answers.map((a) => endpointOf(a.agentId));
  const states = () => h.app.get(AgentStateService);

  /** A queue and its members over REST (skills and counters straight into the agents table), agents available over Socket.IO. */
  async function queueWith(did: string, queue: Record<string, unknown>, members: Member[]): Promise<string> {
    const api = h.http();
    const q = await api.post('/queues').send({ name: `q-${did}`, ringTimeoutS: 20, maxWaitS: 60, wrapUpS: 0, ...queue }).expect(201);
    const ds = h.app.get(DataSource);
    for (const m of members) {
      const email = `agent${m.endpoint}@callplane.test`;
      const password = `pw-agent-${m.endpoint}-secret`;
      const user = await api.post('/users').send({ email, password, role: 'agent', displayName: `Agent ${m.endpoint}` }).expect(201);
      const agent = await api.post('/agents').send({ name: `Agent ${m.endpoint}`, endpoint: m.endpoint, userId: user.body.id }).expect(201);
      await ds.getRepository(AgentEntity).update({ id: agent.body.id }, { skills: m.skills ?? {}, callsAnswered: m.callsAnswered ?? 0, wrapUpS: null });
      await api.post(`/queues/${q.body.id}/members`).send({ agentId: agent.body.id, tier: m.tier ?? 1, position: m.position ?? 0 }).expect(201);
      agentIds[m.endpoint] = agent.body.id;
      const login = await request(h.app.getHttpServer()).post('/auth/login').send({ email, password });
      clients.push(await AgentClient.connect(h.url, login.body.accessToken));
    }
    await api.post('/inbound-routes').send({ did, targetType: 'queue', targetId: q.body.id }).expect(201);
    return q.body.id;
  }

  async function signIn(...endpoints: string[]): Promise<void> {
    for (const e of endpoints) {
      const client = clients[Object.keys(agentIds).indexOf(e)];
      expect(await client.command('agent.setState', { state: 'available' })).toMatchObject({ ok: true });
    }
  }

  /** Every call row ended and the PBX empty (nothing written after the test closed the database). */
  const settled = () =>
    waitFor(async () => h.sim.channels().length === 0 && (await h.http().get('/calls')).body.items?.every((c: { status: string }) => c.status === 'ended'), 'calls ended, PBX empty');
  const allAvailable = () => waitFor(() => Object.values(agentIds).every((id) => states().peek(id)?.state === 'available'), 'every agent available again');

  /** One call answered by whoever the queue picks, then hung up; resolves with the agent's endpoint once everyone is free again. */
  async function oneCall(did: string, from: string): Promise<string | undefined> {
    const n = answers.length;
    const caller = await h.sim.placeCall({ from, to: did });
    await waitFor(() => answers.length === n + 1, `call from ${from} answered`, 10_000);
    await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.includes(caller)), 'bridged');
    h.sim.hangup(caller, 16);
    await settled();
    await allAvailable();
    return endpointOf(answers[n].agentId);
  }

  it('longest-idle: picks the member idle the longest on each of three calls, then the first again', async () => {
    await queueWith('7200', { strategy: 'longest-idle' }, [{ endpoint: '1201' }, { endpoint: '1202' }, { endpoint: '1203' }]);
    for (const e of ['1201', '1202', '1203']) h.sim.registerEndpoint(e, { answerAfterMs: 100 });
    // Nobody had a call yet: available the longest goes first.
    for (const e of ['1203', '1201', '1202']) {
      await signIn(e);
      await new Promise((r) => setTimeout(r, 20));
    }
    const picks = [];
    for (const from of ['5552001', '5552002', '5552003', '5552004']) picks.push(await oneCall('7200', from));
    expect(picks).toEqual(['1203', '1201', '1202', '1203']);
    expect(offered()).toEqual(picks); // one agent offered per call, never a second
  });

  it('round-robin: the member after the one offered last, over successive calls', async () => {
    await queueWith('7210', { strategy: 'round-robin' }, [{ endpoint: '1212', position: 2 }, { endpoint: '1211', position: 1 }, { endpoint: '1213', position: 3 }]);
    for (const e of ['1211', '1212', '1213']) h.sim.registerEndpoint(e, { answerAfterMs: 100 });
    await signIn('1211', '1212', '1213');
    const picks = [];
    for (const from of ['5552101', '5552102', '5552103', '5552104']) picks.push(await oneCall('7210', from));
    expect(picks).toEqual(['1211', '1212', '1213', '1211']);
  });

  it('top-down: the first free member from the top on every call', async () => {
    await queueWith('7220', { strategy: 'top-down' }, [{ endpoint: '1222', position: 2 }, { endpoint: '1221', position: 1 }, { endpoint: '1223', position: 3 }]);
    for (const e of ['1221', '1222', '1223']) h.sim.registerEndpoint(e, { answerAfterMs: 100 });
    await signIn('1221', '1222', '1223');
    // 1221 keeps talking: the next call goes to 1222, the one after that to 1223.
    const first = await h.sim.placeCall({ from: '5552201', to: '7220' });
    await waitFor(() => answers.length === 1, 'first answered');
    const second = await h.sim.placeCall({ from: '5552202', to: '7220' });
    await waitFor(() => answers.length === 2, 'second answered');
    const third = await h.sim.placeCall({ from: '5552203', to: '7220' });
    await waitFor(() => answers.length === 3, 'third answered');
    expect(answeredBy()).toEqual(['1221', '1222', '1223']);
    for (const c of [first, second, third]) h.sim.hangup(c, 16);
    await allAvailable();
    // Everyone free again: the top member takes it.
    expect(await oneCall('7220', '5552204')).toBe('1221');
    expect(offered()).toEqual(['1221', '1222', '1223', '1221']);
    await settled();
  });

  it('fewest-calls: fewest answered calls first, the counter growing with each answered call', async () => {
    await queueWith('7230', { strategy: 'fewest-calls' }, [
      { endpoint: '1231', callsAnswered: 4 },
      { endpoint: '1232', callsAnswered: 0 },
      { endpoint: '1233', callsAnswered: 1 },
    ]);
    for (const e of ['1231', '1232', '1233']) h.sim.registerEndpoint(e, { answerAfterMs: 100 });
    await signIn('1231', '1232', '1233');
    const picks = [];
    // 1232 (0) → 1; then 1232 and 1233 tie at 1: 1233 has been idle longer (never had a call); then 1232 (1) before 1233 (2).
    for (const from of ['5552301', '5552302', '5552303']) picks.push(await oneCall('7230', from));
    expect(picks).toEqual(['1232', '1233', '1232']);
  });

  it('ring-progressively: one member, then one more every ringProgressivelyS while the earlier keep ringing', async () => {
    await queueWith('7240', { strategy: 'ring-progressively', ringProgressivelyS: 1 }, [{ endpoint: '1243', position: 3 }, { endpoint: '1241', position: 1 }, { endpoint: '1242', position: 2 }]);
    for (const e of ['1241', '1242', '1243']) h.sim.registerEndpoint(e, { answerAfterMs: null });
    await signIn('1241', '1242', '1243');

    const caller = await h.sim.placeCall({ from: '5552401', to: '7240' });
    await waitFor(() => offers.length === 3, 'three members ringing', 10_000);
    expect(offered()).toEqual(['1241', '1242', '1243']);
    // Coarse: each joined about a second after the one before (timers never fire early).
    expect(offers[1].at - offers[0].at).toBeGreaterThanOrEqual(900);
    expect(offers[2].at - offers[1].at).toBeGreaterThanOrEqual(900);
    // The offer is published as the originate goes out: the third leg shows on the PBX a moment later.
    const last = await waitFor(() => h.sim.channels().find((c) => c.direction === 'outbound' && c.endpoint === '1243' && c.state === 'Ringing'), 'third leg ringing on the PBX');
    expect(h.sim.channels().filter((c) => c.direction === 'outbound')).toHaveLength(3);
    // The last to join answers: the others are hung up.
    h.sim.answer(last.id);
    await waitFor(() => answers.length === 1, 'answered');
    expect(answeredBy()).toEqual(['1243']);
    await waitFor(() => h.sim.channels().filter((c) => c.direction === 'outbound').length === 1, 'the other legs hung up');
    h.sim.hangup(caller, 16);
    await settled();
  });

  it('skills: a member without the required proficiency is never offered the call', async () => {
    await queueWith('7250', { strategy: 'ring-all', requiredSkills: [{ skill: 'fr', minProficiency: 50 }] }, [
      { endpoint: '1251', skills: { fr: 30, en: 90 } },
      { endpoint: '1252', skills: { fr: 80 } },
      { endpoint: '1253', skills: {} },
    ]);
    h.sim.registerEndpoint('1251', { answerAfterMs: 100 });
    h.sim.registerEndpoint('1252', { answerAfterMs: 600 });
    h.sim.registerEndpoint('1253', { answerAfterMs: 100 });
    await signIn('1251', '1252', '1253');
    expect(await oneCall('7250', '5552501')).toBe('1252');
    expect(offered()).toEqual(['1252']);
  });

  it('tiers: tier 2 joins the offers only after the caller waited tierWaitS', async () => {
    await queueWith('7260', { strategy: 'ring-all', tierWaitS: 2 }, [{ endpoint: '1262', tier: 2 }, { endpoint: '1261', tier: 1 }]);
    h.sim.registerEndpoint('1261', { answerAfterMs: null });
    h.sim.registerEndpoint('1262', { answerAfterMs: 200 });
    await signIn('1261', '1262');

    const placed = Date.now();
    const caller = await h.sim.placeCall({ from: '5552601', to: '7260' });
    await waitFor(() => answers.length === 1, 'answered by tier 2', 10_000);
    expect(offered()).toEqual(['1261', '1262']);
    expect(offers[1].at - placed).toBeGreaterThanOrEqual(1900);
    expect(answeredBy()).toEqual(['1262']);
    await waitFor(() => !h.sim.channels().some((c) => c.endpoint === '1261'), 'tier 1 leg hung up');
    h.sim.hangup(caller, 16);
    await settled();
  });
});
