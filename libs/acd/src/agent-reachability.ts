import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { createLogger, errorMessage } from '@callplane/core';
import { PbxDrivers, Q850 } from '@callplane/pbx';
import type { EndpointState, PbxEvent } from '@callplane/pbx';
import { AgentEntity } from '@callplane/persistence';

/** First back-off after an agent leg failed without ringing, ms; doubles with each consecutive failure. */
export const AGENT_UNREACHABLE_BACKOFF_MS = 5_000;
/** Longest back-off of an unreachable agent, ms (a phone that comes back is dialled within this). */
export const AGENT_UNREACHABLE_BACKOFF_MAX_MS = 60_000;
/** Endpoint state queries in flight per node when a driver (re)connects. */
export const ENDPOINT_PROBE_CONCURRENCY = 8;

/**
 * Q.850 causes (libs/pbx q850.ts) that, on an agent leg that never rang, say the phone cannot
 * be reached rather than that its user did not pick up:
 * - 1 unallocated number: the endpoint does not exist on the PBX (SIP 404) — a config error that
 *   would otherwise be re-dialled every round;
 * - 18 no user responding: no reply to the INVITE (Asterisk: SIP 408; RFC 3398: 480);
 * - 20 subscriber absent: not registered (FreeSWITCH `USER_NOT_REGISTERED`; ARI "Allocation failed");
 * - 27 destination out of order, 38 network out of order: the path to the phone is down (SIP 502;
 *   FreeSWITCH `GATEWAY_DOWN`);
 * - 41 temporary failure: SIP 500/503 or a transport error (RFC 3398), and the driver's cause for an
 *   originate refused without one;
 * - 102 recovery on timer expiry: the SIP transaction timed out (408/504, RFC 3398 §8.2.6.1).
 * Not included: 17 busy and 19/21 (no answer, rejected: a person is there; issue 7's
 * max-no-answer handles them), 31 normal unspecified (a normal-class cause and the catch-all of
 * unmapped FreeSWITCH names: counting it would back off agents for causes nobody chose), 34/42
 * congestion (the PBX's load, not the agent's phone).
 */
export const UNREACHABLE_CAUSES: ReadonlySet<number> = new Set<number>([
  Q850.UNALLOCATED_NUMBER,
  Q850.NO_USER_RESPONSE,
  Q850.SUBSCRIBER_ABSENT,
  Q850.DESTINATION_OUT_OF_ORDER,
  Q850.NETWORK_OUT_OF_ORDER,
  Q850.NORMAL_TEMPORARY_FAILURE,
  Q850.RECOVERY_ON_TIMER_EXPIRE,
]);

/** `PJSIP/1001`, `user/1001@example.com`, `1001` → `1001` (the resource `endpoint.state` events name). */
export function endpointResource(endpoint: string): string {
  return endpoint.slice(endpoint.lastIndexOf('/') + 1).split('@')[0];
}

/** An agent's consecutive unreachable legs; `timer` runs while it is not offered (cleared: offered again, count kept). */
interface Backoff {
  resource: string;
  failures: number;
  timer?: NodeJS.Timeout;
}

/**
 * Which agents can be offered a call right now, as far as their phones go (issue 7 §3, the
 * "originate storm" found on a real Asterisk): the registration state of every agent endpoint
 * per PBX node, from `endpoint.state` events (ARI EndpointStateChange / AMI ContactStatus;
 * sofia::register/unregister/expire) and, when a driver (re)connects, from `PbxDriver.endpoint()`
 * for agents whose state on that node is not known yet; and a per-agent back-off after a leg
 * that failed without ringing ({@link UNREACHABLE_CAUSES} or a refused originate), growing from
 * {@link AGENT_UNREACHABLE_BACKOFF_MS} to {@link AGENT_UNREACHABLE_BACKOFF_MAX_MS}, reset by an
 * answered call or the endpoint coming `online`. `unknown` endpoints are offered. The agent's
 * state is not touched: this is an eligibility filter of the ring rounds only.
 */
@Injectable()
export class AgentReachability implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('acd-reach');
  /** node id → endpoint resource → state. */
  private readonly states = new Map<string, Map<string, EndpointState>>();
  /** `node|resource` queried since that node's last connect (one query each). */
  private readonly probed = new Set<string>();
  private readonly backoffs = new Map<string, Backoff>();
  private unsubscribe?: () => void;
  private eligible: () => void = () => undefined;

  constructor(
    private readonly drivers: PbxDrivers,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
  ) {}

  onModuleInit(): void {
    this.unsubscribe = this.drivers.onEvent((e) => this.onPbxEvent(e));
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    for (const b of this.backoffs.values()) clearTimeout(b.timer);
    this.backoffs.clear();
  }

  /** Called when agents may have become offerable (an endpoint came online, a back-off ended). */
  onEligible(cb: () => void): void {
    this.eligible = cb;
  }

  /** Last known registration state of an endpoint on a node. */
  state(nodeId: string, endpoint: string): EndpointState {
    return this.states.get(nodeId)?.get(endpointResource(endpoint)) ?? 'unknown';
  }

  /** True when the endpoint is known `offline` on at least one node (dispatch then filters per call). */
  offlineSomewhere(endpoint: string): boolean {
    const resource = endpointResource(endpoint);
    for (const byResource of this.states.values()) if (byResource.get(resource) === 'offline') return true;
    return false;
  }

  /** True while the agent is in its back-off after unreachable legs. */
  backedOff(agentId: string): boolean {
    return this.backoffs.get(agentId)?.timer !== undefined;
  }

  /**
   * An agent leg ended before it ever rang. Starts (or lengthens) the agent's back-off when
   * `rejected` (the PBX refused the originate) or the cause is in {@link UNREACHABLE_CAUSES}.
   * @returns the back-off, ms, or undefined when the failure does not count
   */
  legFailed(agentId: string, endpoint: string, cause: number, rejected: boolean): number | undefined {
    if (!rejected && !UNREACHABLE_CAUSES.has(cause)) return undefined;
    const previous = this.backoffs.get(agentId);
    clearTimeout(previous?.timer);
    const failures = (previous?.failures ?? 0) + 1;
    const ms = Math.min(AGENT_UNREACHABLE_BACKOFF_MS * 2 ** (failures - 1), AGENT_UNREACHABLE_BACKOFF_MAX_MS);
    const backoff: Backoff = { resource: endpointResource(endpoint), failures };
    backoff.timer = setTimeout(() => {
      // Offered again; the count stays (the next failure waits longer) until an answer or `online`.
      backoff.timer = undefined;
      this.eligible();
    }, ms);
    backoff.timer.unref?.();
    this.backoffs.set(agentId, backoff);
    this.log.info({ agentId, endpoint, cause, rejected, failures, backoffMs: ms }, 'agent unreachable: not offered during the back-off');
    return ms;
  }

  /** The agent answered a call: its phone works, forget its failures. */
  reset(agentId: string): void {
    const b = this.backoffs.get(agentId);
    if (!b) return;
    clearTimeout(b.timer);
    this.backoffs.delete(agentId);
  }

  /** Ask the node for an endpoint's state once, if not known there (fire and forget; events win). */
  probe(nodeId: string, endpoint: string): void {
    const resource = endpointResource(endpoint);
    if (this.state(nodeId, resource) !== 'unknown' || this.probed.has(`${nodeId}|${resource}`)) return;
    this.probed.add(`${nodeId}|${resource}`);
    void this.query(nodeId, resource);
  }

  private onPbxEvent(e: PbxEvent): void {
    if (e.type === 'endpoint.state') return this.onEndpointState(e.nodeId, e.endpoint, e.state);
    if (e.type === 'driver.connected') void this.probeAgents(e.nodeId);
  }

  private onEndpointState(nodeId: string, endpoint: string, state: EndpointState): void {
    const resource = endpointResource(endpoint);
    let byResource = this.states.get(nodeId);
    if (!byResource) this.states.set(nodeId, (byResource = new Map()));
    const was = byResource.get(resource);
    byResource.set(resource, state);
    if (state !== 'online') return;
    let cleared = false;
    for (const [agentId, b] of this.backoffs) {
      if (b.resource !== resource) continue;
      clearTimeout(b.timer);
      this.backoffs.delete(agentId);
      cleared = true;
    }
    if (cleared || was !== 'online') this.eligible();
  }

  /** Every agent endpoint that may live on the node and is not known there yet, queried with bounded concurrency. */
  private async probeAgents(nodeId: string): Promise<void> {
    for (const key of this.probed) if (key.startsWith(`${nodeId}|`)) this.probed.delete(key);
    let rows: Pick<AgentEntity, 'endpoint' | 'pbxNodeId'>[];
    try {
      rows = await this.agents.find({ select: { endpoint: true, pbxNodeId: true } });
    } catch (err) {
      return this.log.warn({ node: nodeId, err: errorMessage(err) }, 'agent endpoints not read; their states stay unknown until events come');
    }
    const todo = [...new Set(rows.filter((r) => !r.pbxNodeId || r.pbxNodeId === nodeId).map((r) => endpointResource(r.endpoint)))].filter(
      (resource) => this.state(nodeId, resource) === 'unknown',
    );
    for (const resource of todo) this.probed.add(`${nodeId}|${resource}`);
    const next = async (): Promise<void> => {
      for (let resource = todo.pop(); resource !== undefined; resource = todo.pop()) await this.query(nodeId, resource);
    };
    await Promise.all(Array.from({ length: Math.min(ENDPOINT_PROBE_CONCURRENCY, todo.length) }, next));
  }

  private async query(nodeId: string, resource: string): Promise<void> {
    try {
      const snapshot = await this.drivers.driver(nodeId).endpoint(resource);
      // An event that arrived while we asked is newer than the answer.
      if (this.state(nodeId, resource) === 'unknown' && snapshot.state !== 'unknown') this.onEndpointState(nodeId, resource, snapshot.state);
    } catch (err) {
      // The link dropped (PbxUnavailableError) or the PBX refused: stays unknown (offered); asked again at the next connect.
      this.log.debug({ node: nodeId, endpoint: resource, err: errorMessage(err) }, 'endpoint state not read');
    }
  }
}
