import request from 'supertest';
import type { ControlPlaneHarness } from './control-plane.harness';

export interface SeededAgent {
  agentId: string;
  userId: string;
  endpoint: string;
  email: string;
  /** JWT of the agent's user. */
  token: string;
}

export interface SeededQueue {
  queueId: string;
  routeId: string;
  agents: SeededAgent[];
}

/**
 * Through the REST API as an admin would: a ring-all queue, agent users 1001 and 1002 as
 * members, and an inbound route DID → queue. Returns ids and the agents' tokens.
 */
export async function seedQueue(
  h: ControlPlaneHarness,
  opts: { did: string; endpoints?: string[]; wrapUpS?: number; maxWaitS?: number; ringTimeoutS?: number; strategy?: 'ring-all' | 'longest-idle' },
): Promise<SeededQueue> {
  const api = h.http();
  const queue = await api
    .post('/queues')
    .send({ name: `support-${opts.did}`, strategy: opts.strategy ?? 'ring-all', ringTimeoutS: opts.ringTimeoutS ?? 20, maxWaitS: opts.maxWaitS ?? 60, wrapUpS: opts.wrapUpS ?? 1, greetingPrompt: 'sound:queue-greeting', noAnswerPrompt: 'sound:queue-no-agents' })
    .expect(201);
  const agents: SeededAgent[] = [];
  for (const endpoint of opts.endpoints ?? ['1001', '1002']) {
    const email = `agent${endpoint}@callplane.test`;
    const password = `pw-agent-${endpoint}-secret`;
    const user = await api.post('/users').send({ email, password, role: 'agent', displayName: `Agent ${endpoint}` }).expect(201);
    const agent = await api.post('/agents').send({ name: `Agent ${endpoint}`, endpoint, userId: user.body.id }).expect(201);
    await api.post(`/queues/${queue.body.id}/members`).send({ agentId: agent.body.id }).expect(201);
    const login = await request(h.app.getHttpServer()).post('/auth/login').send({ email, password });
    agents.push({ agentId: agent.body.id, userId: user.body.id, endpoint, email, token: login.body.accessToken });
  }
  const route = await api.post('/inbound-routes').send({ did: opts.did, targetType: 'queue', targetId: queue.body.id }).expect(201);
  return { queueId: queue.body.id, routeId: route.body.id, agents };
}
