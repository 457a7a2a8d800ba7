import type { AcdStrategy, AgentCandidate, StrategyContext } from './acd-strategy';
import { MemberSlot, afterSlot, memberOrder } from './candidate-order';

/**
 * round-robin: one agent per ring round, the next member in member order (`position`, then agent
 * id) after the one this queue offered last, wrapping to the first (app_queue `rrmemory`).
 *
 * Memory is per queue (`ctx.queueId`) and is the *place* offered last, not the agent: when that
 * member has left (logged out, removed, ringing elsewhere) the turn still goes to the next one
 * after its place. A returned member counts as offered (select is the offer). Nothing is added
 * while a leg still rings.
 */
export class RoundRobinStrategy implements AcdStrategy {
  readonly name = 'round-robin' as const;
  private readonly lastOffered = new Map<string, MemberSlot>();

  select(candidates: readonly AgentCandidate[], ctx: StrategyContext): AgentCandidate[] {
    if (ctx.ringing > 0 || candidates.length === 0) return [];
    const last = this.lastOffered.get(ctx.queueId);
    // One pass: the first member after the last place, and the very first (for the wrap).
    let next: AgentCandidate | undefined;
    let first: AgentCandidate | undefined;
    for (const c of candidates) {
      if (first === undefined || memberOrder(c, first) < 0) first = c;
      if (last && afterSlot(c, last) && (next === undefined || memberOrder(c, next) < 0)) next = c;
    }
    const chosen = (next ?? first) as AgentCandidate;
    this.lastOffered.set(ctx.queueId, { position: chosen.position, agentId: chosen.agentId });
    return [chosen];
  }

  /** Drop a queue's memory (queue deleted, or its strategy changed); the next offer starts at the top. */
  forget(queueId: string): void {
    this.lastOffered.delete(queueId);
  }
}
