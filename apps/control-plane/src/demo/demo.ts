import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { AppConfig, createLogger } from '@callplane/core';
import { AgentStateService } from '@callplane/acd';
import { CallEventsBus } from '@callplane/calls';
import { AsteriskSim, FreeswitchSim, PbxSimulator, runScenario, scenarioSchema } from '@callplane/pbx-sim';

/** What `--demo` adds around a normal boot. */
export interface DemoRun {
  /** The config callplane boots with: PBX nodes pointed at the in-process simulators. */
  config: AppConfig;
  /** Seeds queue/agents/route through the REST API and starts the scripted traffic. */
  afterListen(app: INestApplication, url: string): Promise<void>;
}

/** Demo traffic: agent 1001 answers after 2 s, 1002 after 5 s; a call every 6 s, talking ~8 s. */
const DEMO_SCENARIO = scenarioSchema.parse({
  name: 'demo',
  endpoints: [
    { resource: '1001', ringAfterMs: 200, answerAfterMs: 2000 },
    { resource: '1002', ringAfterMs: 200, answerAfterMs: 5000 },
  ],
  calls: [{ at: 1000, from: '5551234', fromName: 'Demo Caller', to: '7000', hangupAfterMs: 10_000, repeat: 5, everyMs: 6000 }],
});

/**
 * `--demo`: starts the Asterisk and FreeSWITCH simulators of libs/pbx-sim in this process, boots
 * callplane against them on a fresh SQLite database under `${DATA_DIR}/demo`, creates a ring-all
 * queue with two agents and DID 7000 through the REST API, and plays scripted calls on both PBXes
 * in turn, forever, logging every finished call.
 */
export async function startDemo(config: AppConfig): Promise<DemoRun> {
  const log = createLogger('demo');
  const dataDir = join(config.DATA_DIR, 'demo');
  if (!config.DATABASE_URL) rmSync(dataDir, { recursive: true, force: true });
  const asterisk = await AsteriskSim.start();
  const freeswitch = await FreeswitchSim.start();
  const a = asterisk.connection;
  const f = freeswitch.connection;
  if (a.type !== 'asterisk' || f.type !== 'freeswitch') throw new Error('unexpected simulator connection types');
  const adminEmail = config.ADMIN_EMAIL ?? 'admin@demo.callplane';
  const adminPassword = config.ADMIN_PASSWORD ?? randomBytes(9).toString('base64url');
  const demoConfig: AppConfig = {
    ...config,
    DATA_DIR: config.DATABASE_URL ? config.DATA_DIR : dataDir,
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: adminPassword,
    ASTERISK_ARI_URL: a.ariUrl,
    ASTERISK_ARI_USERNAME: a.ariUsername,
    ASTERISK_ARI_PASSWORD: a.ariPassword,
    ASTERISK_ARI_APP: a.app,
    ASTERISK_AMI_HOST: a.amiHost,
    ASTERISK_AMI_PORT: a.amiPort,
    ASTERISK_AMI_USERNAME: a.amiUsername,
    ASTERISK_AMI_SECRET: a.amiSecret,
    FREESWITCH_ESL_HOST: f.eslHost,
    FREESWITCH_ESL_PORT: f.eslPort,
    FREESWITCH_ESL_PASSWORD: f.eslPassword,
  };

  return {
    config: demoConfig,
    async afterListen(app, url) {
      const base = url.replace('[::1]', '127.0.0.1').replace('0.0.0.0', '127.0.0.1');
      const token = (await api(base, 'POST', '/auth/login', undefined, { email: adminEmail, password: adminPassword })).accessToken as string;
      const queue = await api(base, 'POST', '/queues', token, { name: 'demo-support', strategy: 'ring-all', ringTimeoutS: 15, maxWaitS: 60, wrapUpS: 2, greetingPrompt: 'sound:queue-greeting' });
      const states = app.get(AgentStateService);
      for (const endpoint of ['1001', '1002']) {
        const agent = await api(base, 'POST', '/agents', token, { name: `Demo agent ${endpoint}`, endpoint });
        await api(base, 'POST', `/queues/${queue.id}/members`, token, { agentId: agent.id });
        await states.set(agent.id, 'available', 'agent');
      }
      await api(base, 'POST', '/inbound-routes', token, { did: '7000', targetType: 'queue', targetId: queue.id });
      // Narrate the call flow for a newcomer watching the terminal.
      const bus = app.get(CallEventsBus);
      bus.on('call.routed', ({ call, target }) => log.info({ callId: call.id, caller: call.callerNumber, did: call.calledNumber, target: target?.type ?? 'none' }, 'call offered and routed'));
      bus.on('agent.offered', ({ callId, agentId, queueName }) => log.info({ callId, agentId, queue: queueName }, 'ringing agent'));
      bus.on('call.answered', ({ callId, agentId }) => log.info({ callId, agentId }, 'agent answered: caller and agent bridged'));
      bus.on('agent.state', ({ agentId, state }) => log.info({ agentId, state }, 'agent state'));
      bus.on('call.ended', ({ call, disposition, cause, agentId }) =>
        log.info({ callId: call.id, node: call.nodeId, caller: call.callerNumber, disposition, cause, agentId }, 'call ended and recorded'),
      );
      log.info({ url: base, docs: `${base}/docs`, admin: adminEmail, password: config.ADMIN_PASSWORD ? '(from ADMIN_PASSWORD)' : adminPassword }, 'demo ready: scripted calls start now (Ctrl-C to stop)');
      void playForever([asterisk, freeswitch], log);
    },
  };
}

async function playForever(sims: PbxSimulator[], log: ReturnType<typeof createLogger>): Promise<void> {
  for (let round = 0; ; round++) {
    const sim = sims[round % sims.length];
    const report = await runScenario(sim, DEMO_SCENARIO, { log: (line) => log.debug({ pbx: sim.type }, line) });
    log.info({ pbx: sim.type, placed: report.placed, failed: report.failed }, 'demo scenario round finished');
    await new Promise((r) => setTimeout(r, 12_000));
  }
}

async function api(base: string, method: string, path: string, token: string | undefined, body: unknown): Promise<any> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new Error(`demo seeding: ${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}
