import { sleep, waitFor } from '@callplane/testing';
import type { TestDatabaseKind } from '@callplane/persistence/testing';
import { AgentClient } from '../../support/agent-client';
import { AsteriskInstance } from './asterisk.instance';
import { BaresipAgent } from './baresip.agent';
import { CallplaneProcess } from './callplane.process';
import { FreeswitchInstance } from './freeswitch.instance';
import type { LivePbx } from './live-env';
import { killAllLiveProcesses } from './live-processes';
import { CarrierCallOptions, SippCarrier } from './sipp.carrier';

export type PbxInstance = AsteriskInstance | FreeswitchInstance;

/** A seeded agent: its callplane user and agent row, its Socket.IO client and its softphone. */
export interface LiveAgent {
  extension: string;
  agentId: string;
  userId: string;
  token: string;
  client: AgentClient;
  phone?: BaresipAgent;
}

/**
 * PBX log lines callplane is allowed to cause, each with why it is expected. Everything else at
 * WARNING/ERROR level written while a scenario ran fails the scenario (issue 12, item 4).
 */
export const PBX_LOG_ALLOW: { pbx: LivePbx | 'both'; pattern: RegExp; why: string }[] = [
  { pbx: 'asterisk', pattern: /res_pjsip_registrar\.c: .*Contact .* expired|res_pjsip\/pjsip_options\.c:.*Unreachable/, why: 'an agent phone killed on purpose (unreachable-agent scenario)' },
  { pbx: 'asterisk', pattern: /res_http_websocket\.c: Web socket closed abruptly|ari\/ari_websockets\.c: WebSocket read error/, why: 'callplane killed on purpose (SIGKILL restart scenario) drops its ARI WebSocket without a close frame' },
  { pbx: 'asterisk', pattern: /res_stasis\.c: .*Stasis app 'callplane' not registered|app_stasis\.c:.*Stasis app 'callplane' not registered/, why: 'a call arriving while callplane is down (restart scenario)' },
  { pbx: 'freeswitch', pattern: /sofia\.c:\d+ (rtp-timeout-sec|rtp-hold-timeout-sec) deprecated/, why: 'vanilla profile settings, logged when a profile (re)starts' },
];

/**
 * One PBX + callplane (as main.ts runs it) + real SIP phones for a live test file. Scenarios run
 * one after another on it; `assertPbxClean()` after each checks the PBX side (no channels or bridges
 * left, no log lines caused by callplane beyond {@link PBX_LOG_ALLOW}).
 */
export class LiveStack {
  agents: LiveAgent[] = [];
  private logMark = 0;

  private constructor(
    readonly pbxType: LivePbx,
    readonly pbx: PbxInstance,
    readonly cp: CallplaneProcess,
  ) {}

  static async start(pbxType: LivePbx, db: TestDatabaseKind, env: Record<string, string> = {}): Promise<LiveStack> {
    const pbx = pbxType === 'asterisk' ? await AsteriskInstance.start() : await FreeswitchInstance.start();
    const cp = await CallplaneProcess.start({ db, pbxEnv: pbx.connection as unknown as Record<string, string>, env });
    const stack = new LiveStack(pbxType, pbx, cp);
    await cp.waitPbxUp();
    stack.markLog();
    return stack;
  }

  /** Where agent phones register. */
  get registrar(): string {
    return this.pbx instanceof AsteriskInstance ? this.pbx.sipTarget : this.pbx.agentRegistrar;
  }

  /** Starts (or restarts) a softphone for a seeded agent. */
  async startPhone(agent: LiveAgent, answer: 'auto' | 'never'): Promise<BaresipAgent> {
    await agent.phone?.stop();
    agent.phone = await BaresipAgent.start({ extension: agent.extension, password: this.pbx.agentPasswords[agent.extension], registrar: this.registrar, answer, registered: () => this.pbx.isRegistered(agent.extension) });
    return agent.phone;
  }

  /**
   * Through the REST API as an admin would: agent users + agents for `extensions`, connected over
   * Socket.IO. Reuses agents seeded earlier in the file.
   */
  async seedAgents(extensions: string[]): Promise<LiveAgent[]> {
    const out: LiveAgent[] = [];
    for (const extension of extensions) {
      let agent = this.agents.find((a) => a.extension === extension);
      if (!agent) {
        const email = `agent${extension}@callplane.live`;
        const password = `pw-agent-${extension}-live`;
        const user = await this.cp.api('POST', '/users', { email, password, role: 'agent', displayName: `Agent ${extension}` });
        const row = await this.cp.api('POST', '/agents', { name: `Agent ${extension}`, endpoint: extension, userId: user.id });
        const token = await this.cp.login(email, password);
        agent = { extension, agentId: row.id, userId: user.id, token, client: await AgentClient.connect(this.cp.url, token) };
        this.agents.push(agent);
      }
      out.push(agent);
    }
    return out;
  }

  /** Re-connects every agent's Socket.IO client (after a callplane restart). */
  async reconnectAgents(): Promise<void> {
    for (const a of this.agents) {
      a.client.close();
      a.token = await this.cp.login(`agent${a.extension}@callplane.live`, `pw-agent-${a.extension}-live`);
      a.client = await AgentClient.connect(this.cp.url, a.token);
    }
  }

  async setState(agent: LiveAgent, state: 'available' | 'away' | 'offline' | 'dnd', reason?: string): Promise<void> {
    const ack = await agent.client.command('agent.setState', { state, ...(reason ? { reason } : {}) });
    if (!ack?.ok) throw new Error(`agent.setState ${state} for ${agent.extension}: ${JSON.stringify(ack)}`);
  }

  /**
   * A queue with `agents` as members (in this order: `position` 0, 1, …) and, unless `did` is
   * null, an inbound route DID → queue. `extra`: more queue settings (REST body fields).
   */
  async seedQueue(opts: { did: string | null; name?: string; agents: LiveAgent[]; strategy?: string; ringTimeoutS?: number; maxWaitS?: number; wrapUpS?: number; extra?: Record<string, unknown> }): Promise<{ queueId: string; routeId?: string }> {
    const queue = await this.cp.api('POST', '/queues', {
      name: opts.name ?? `live-${opts.did}`,
      strategy: opts.strategy ?? 'ring-all',
      ringTimeoutS: opts.ringTimeoutS ?? 15,
      maxWaitS: opts.maxWaitS ?? 60,
      wrapUpS: opts.wrapUpS ?? 0,
      greetingPrompt: 'sound:queue-thankyou',
      noAnswerPrompt: 'sound:vm-nobodyavail',
      ...opts.extra,
    });
    for (const [position, a] of opts.agents.entries()) await this.cp.api('POST', `/queues/${queue.id}/members`, { agentId: a.agentId, position });
    if (opts.did === null) return { queueId: queue.id };
    const route = await this.cp.api('POST', '/inbound-routes', { did: opts.did, targetType: 'queue', targetId: queue.id });
    return { queueId: queue.id, routeId: route.id };
  }

  /** The carrier places a call to the PBX. */
  call(opts: Omit<CarrierCallOptions, 'target'>) {
    return SippCarrier.call({ target: this.pbx.sipTarget, ...opts });
  }

  startCall(opts: Omit<CarrierCallOptions, 'target'>) {
    return SippCarrier.start({ target: this.pbx.sipTarget, ...opts });
  }

  /** The newest call rows (GET /calls), newest first. */
  async calls(query = ''): Promise<any[]> {
    const page = await this.cp.api('GET', `/calls?pageSize=100${query}`);
    return page.items;
  }

  /** Waits for the one call row with `did`-independent filter `pick` to be ended, with legs and events. */
  async endedCall(pick: (row: any) => boolean, timeoutMs = 20_000): Promise<any> {
    const row = await waitFor(async () => (await this.calls()).find((r) => pick(r) && r.status === 'ended'), 'an ended call row', timeoutMs, 200);
    return this.cp.api('GET', `/calls/${row.id}`);
  }

  markLog(): void {
    this.logMark = this.pbx.logSize();
  }

  /**
   * The PBX side after a scenario: no channels, no bridges (Asterisk ARI GET /bridges; FreeSWITCH
   * `show calls`, conferences), and no WARNING/ERROR log lines beyond the allow-list. Waits up to 10 s
   * for channels to drain (hangups in flight).
   */
  async assertPbxClean(extraAllow: RegExp[] = []): Promise<void> {
    await waitFor(async () => (await this.pbx.channelCount()) === 0, `${this.pbxType} has no channels left`, 10_000, 200).catch(async (err) => {
      const detail = this.pbx instanceof AsteriskInstance ? `${await this.pbx.cli('core show channels')}\nbridges: ${JSON.stringify(await this.pbx.bridges())}` : await this.pbx.cli('show channels');
      throw new Error(`${String(err)}\n${detail}`);
    });
    if (this.pbx instanceof AsteriskInstance) {
      expect(await this.pbx.bridges()).toEqual([]);
    } else {
      expect(await this.pbx.callCount()).toBe(0);
      expect(await this.pbx.conferenceCount()).toBe(0);
    }
    const allow = [...PBX_LOG_ALLOW.filter((a) => a.pbx === 'both' || a.pbx === this.pbxType).map((a) => a.pattern), ...extraAllow];
    const problems = this.pbx.logProblems(this.logMark).filter((l) => !allow.some((p) => p.test(l)));
    expect(problems).toEqual([]);
    this.markLog();
  }

  /** Errors callplane logged (level ≥ error) — a scenario expects none unless it says so. */
  callplaneErrors(): string[] {
    return this.cp.errorLines().map((l) => `${String(l.msg)} ${JSON.stringify(l)}`.slice(0, 400));
  }

  async close(): Promise<void> {
    for (const a of this.agents) {
      a.client.close();
      await a.phone?.stop().catch(() => undefined);
    }
    await this.cp.stop().catch(() => undefined);
    await this.pbx.stop().catch(() => undefined);
    await killAllLiveProcesses();
    await this.cp.cleanup();
    this.pbx.cleanup();
  }
}

export { sleep, waitFor };
