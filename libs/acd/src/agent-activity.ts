import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Subscription } from 'rxjs';
import { createLogger, errorMessage } from '@callplane/core';
import { AgentEntity } from '@callplane/persistence';
import { CallEventsBus, TtlCache } from '@callplane/calls';
import type { CallDomainEventMap } from '@callplane/calls';
import { AgentStateService } from './agent-state.service';

type AgentEndpoint = Pick<AgentEntity, 'id' | 'endpoint' | 'pbxNodeId'>;

/**
 * Keeps agents from being offered while their phone is on a call the ACD did not offer
 * ("not offered while on any other call"): from what callplane sees on the call bus —
 * - a call whose caller number is an agent's endpoint (the agent's phone called in: an internal
 *   call, a call to a queue or an IVR), from `call.routed` until its `call.ended`;
 * - a leg (transfer, another agent's offer, …) that rings or talks on an agent's endpoint and is not
 *   that agent's own queue offer, until its hangup.
 * The drivers report channels of callplane's calls only (no device "in use" state), so calls the PBX
 * connects without callplane are not seen. Endpoints match when the agent is bound to the call's
 * node or to none. An available agent with such a call goes `on-call` (trigger `other-call`); one
 * that becomes available during it (wrap-up ending) is marked at once; when its last such call
 * ends it is `available` again (`other-call-ended`). Agents are read from `agents` at most every
 * 2 s (TtlCache); calls adopted after a restart are not followed.
 */
@Injectable()
export class AgentActivity implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('agent-activity');
  private readonly subs: Subscription[] = [];
  private readonly directory = new TtlCache<'all', Map<string, AgentEndpoint[]>>();
  /** Agent → keys (`call:<id>`, `leg:<channelId>`) of the other calls its phone is on. */
  private readonly busy = new Map<string, Set<string>>();
  /** Agents this class set on-call (only those it may set available again). */
  private readonly marked = new Set<string>();
  /** Keys → agents, to free them when the call / leg ends. */
  private readonly owners = new Map<string, string[]>();
  /** Keys whose agents are being looked up (an end seen meanwhile removes the key: nothing is held). */
  private readonly pending = new Set<string>();
  private unsubscribe?: () => void;

  constructor(
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
    private readonly states: AgentStateService,
    private readonly bus: CallEventsBus,
  ) {}

  onModuleInit(): void {
    this.subs.push(
      this.bus.on('call.routed', (e) => void this.onRouted(e)),
      this.bus.on('call.ended', (e) => this.release(`call:${e.call.id}`)),
      this.bus.on('leg.event', (e) => void this.onLegEvent(e)),
    );
    this.unsubscribe = this.states.onChange((s) => {
      if (s.state === 'available' && this.busy.has(s.agentId)) this.mark(s.agentId);
      else if (s.state !== 'on-call') this.marked.delete(s.agentId);
    });
  }

  onModuleDestroy(): void {
    this.subs.forEach((s) => s.unsubscribe());
    this.unsubscribe?.();
  }

  /** Agents whose phone is on a call callplane did not offer them, as far as seen (for tests and monitoring). */
  busyAgents(): string[] {
    return [...this.busy.keys()];
  }

  private async onRouted({ call }: CallDomainEventMap['call.routed']): Promise<void> {
    if (!call.callerNumber) return;
    const key = `call:${call.id}`;
    this.pending.add(key);
    const ids = (await this.agentsAt(call.nodeId, call.callerNumber)).map((a) => a.id);
    if (this.pending.delete(key)) this.hold(key, ids);
  }

  private async onLegEvent({ call, leg, event }: CallDomainEventMap['leg.event']): Promise<void> {
    if (!leg.endpoint || leg.role === 'caller') return;
    const key = `leg:${leg.channelId}`;
    if (event.type === 'channel.hangup') return this.release(key);
    if (event.type !== 'channel.state' || this.owners.has(key) || this.pending.has(key)) return;
    this.pending.add(key);
    const ids = (await this.agentsAt(call.nodeId, leg.endpoint)).map((a) => a.id).filter((id) => !(leg.role === 'agent' && leg.agentId === id));
    if (this.pending.delete(key)) this.hold(key, ids);
  }

  private hold(key: string, agentIds: string[]): void {
    if (agentIds.length === 0 || this.owners.has(key)) return;
    this.owners.set(key, agentIds);
    for (const id of agentIds) {
      let keys = this.busy.get(id);
      if (!keys) this.busy.set(id, (keys = new Set()));
      keys.add(key);
      this.mark(id);
    }
  }

  private release(key: string): void {
    this.pending.delete(key);
    const ids = this.owners.get(key);
    if (!ids) return;
    this.owners.delete(key);
    for (const id of ids) {
      const keys = this.busy.get(id);
      keys?.delete(key);
      if (keys && keys.size > 0) continue;
      this.busy.delete(id);
      if (this.marked.delete(id)) this.states.tryTransition(id, 'available', 'other-call-ended');
    }
  }

  /** An available agent on another call goes on-call (others keep their state). */
  private mark(agentId: string): void {
    if (this.states.peek(agentId)?.state !== 'available') return;
    // Set before the transition: listeners run inside it and must see the agent as ours.
    this.marked.add(agentId);
    if (!this.states.tryTransition(agentId, 'on-call', 'other-call')) this.marked.delete(agentId);
    else this.log.info({ agentId }, 'agent on a call callplane did not offer: on-call');
  }

  private async agentsAt(nodeId: string, endpoint: string): Promise<AgentEndpoint[]> {
    try {
      const byEndpoint = await this.directory.get('all', () => this.load());
      return (byEndpoint.get(endpoint) ?? []).filter((a) => !a.pbxNodeId || a.pbxNodeId === nodeId);
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'reading agents failed');
      return [];
    }
  }

  private async load(): Promise<Map<string, AgentEndpoint[]>> {
    const rows = await this.agents.find({ select: { id: true, endpoint: true, pbxNodeId: true } });
    const out = new Map<string, AgentEndpoint[]>();
    for (const r of rows) out.set(r.endpoint, [...(out.get(r.endpoint) ?? []), r]);
    return out;
  }
}
