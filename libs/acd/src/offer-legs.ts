import { Q850 } from '@callplane/pbx';
import type { AgentOfferMiss } from './agent-state.service';
import type { QueueEntry } from './queue-entry';

/**
 * The miss kind ({@link AgentStateService.offerMissed}: which per-agent pause follows, mod_callcenter
 * no-answer / reject / busy delay) of an agent leg that ended unanswered and was not cancelled by callplane, from
 * its Q.850 cause (libs/pbx q850.ts): 17 user busy (SIP 486) → `busy`; 21 call rejected (SIP 603
 * Decline) → `rejected`; any other cause after the phone rang (19 no answer: the leg's ring
 * timeout, or the user hanging up the ringing phone) → `no-answer`; any other cause before it rang
 * → `failed`.
 */
export function offerMissKind(cause: number, rang: boolean): AgentOfferMiss {
  if (cause === Q850.USER_BUSY) return 'busy';
  if (cause === Q850.CALL_REJECTED) return 'rejected';
  return rang ? 'no-answer' : 'failed';
}

/** One agent leg (an offer) being followed. */
export interface AgentLeg {
  channelId: string;
  agentId: string;
  endpoint: string;
  entry: QueueEntry;
  /** The phone signalled ringing (or answered): a later end is the user's, not an unreachable phone. */
  rang: boolean;
  /** The PBX refused the originate (no leg was ever created). */
  rejected: boolean;
  /** We hung it up (another agent won, the caller left, the agent went away): not the agent's miss. */
  cancelled: boolean;
  /** When the agent answered (the leg won the call), ms since the epoch. */
  answeredAt?: number;
  /** Settles when the originate request did (a hangup before the PBX created the channel would miss it). */
  originated: Promise<unknown>;
}

/** The agent legs in flight, by channel id and by agent (an agent has at most one offer ringing). */
export class OfferLegs {
  private readonly byChannel = new Map<string, AgentLeg>();
  private readonly byAgent = new Map<string, Set<string>>();

  get(channelId: string): AgentLeg | undefined {
    return this.byChannel.get(channelId);
  }

  has(channelId: string): boolean {
    return this.byChannel.has(channelId);
  }

  add(leg: AgentLeg): void {
    this.byChannel.set(leg.channelId, leg);
    let ids = this.byAgent.get(leg.agentId);
    if (!ids) this.byAgent.set(leg.agentId, (ids = new Set()));
    ids.add(leg.channelId);
  }

  delete(channelId: string): void {
    const leg = this.byChannel.get(channelId);
    if (!leg) return;
    this.byChannel.delete(channelId);
    const ids = this.byAgent.get(leg.agentId);
    ids?.delete(channelId);
    if (ids?.size === 0) this.byAgent.delete(leg.agentId);
  }

  /** The agent's legs that still ring (not answered, not cancelled). */
  ringingOf(agentId: string): AgentLeg[] {
    const out: AgentLeg[] = [];
    for (const id of this.byAgent.get(agentId) ?? []) {
      const leg = this.byChannel.get(id);
      if (leg && !leg.cancelled && leg.answeredAt === undefined) out.push(leg);
    }
    return out;
  }

  clear(): void {
    this.byChannel.clear();
    this.byAgent.clear();
  }
}
