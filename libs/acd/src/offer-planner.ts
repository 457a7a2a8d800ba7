import { eligibleNow } from './eligibility';
import type { OfferCandidate } from './offer-candidates';
import { offerContext } from './offer-candidates';
import type { QueueEntry } from './queue-entry';
import { strategyFor } from './strategies';

/** What one dispatch pass of a queue works on (built by {@link RingRounds} from the ACD's state). */
export interface OfferPass {
  /** Open entries of the queue (waiting outside a retry pause, or ringing), in service order. */
  entries: readonly QueueEntry[];
  /** The members offerable now: available, not backed off, outside their offer pause. */
  free: readonly OfferCandidate[];
  /** Every member of the queue by agent id (tier presence of the agents ringing for / having missed an entry). */
  members: ReadonlyMap<string, OfferCandidate>;
  /** True when some free member is bound to a node or offline on one: then {@link reachableOn} filters per call. */
  nodeSpecific: boolean;
  /** The member may be rung for a call on `nodeId`. */
  reachableOn(member: OfferCandidate, nodeId: string): boolean;
  /**
   * Claims the member (available → ringing) and starts its leg; must add the leg to
   * `entry.ringing` synchronously. @returns false when the claim failed (the agent changed meanwhile)
   */
  offer(entry: QueueEntry, member: OfferCandidate): boolean;
  /** ms since the epoch (one clock for the whole pass). */
  now: number;
  /**
   * Longest the pass may run on the event loop, ms (wall time, checked every {@link SLICE_CHECK_EVERY}
   * entries). Past it the pass stops and asks to be dispatched again at once (returns `now`): the
   * next dispatch goes on where this one stopped (entries already ringing keep their legs), after
   * other work had its turn. Undefined = no limit (tests, the bench).
   */
  sliceMs?: number;
}

/** How many entries a pass serves between two looks at the clock for {@link OfferPass.sliceMs}. */
export const SLICE_CHECK_EVERY = 16;

/**
 * One dispatch pass over a queue's waiting entries: for each entry in order, the free members not
 * taken by an earlier entry of this pass, on the call's node, not yet tried for this call (all again
 * once everyone had a go), through skills and tiers ({@link eligibleNow}), then the queue's strategy.
 * Pure apart from `pass.offer`.
 * @returns when the queue wants to be dispatched again although no event comes (a tier opening,
 *   ring-progressively's next agent, the rest of a pass cut by `sliceMs`), ms since the epoch; Infinity = only on events
 */
export function planOffers(pass: OfferPass): number {
  const { free, now } = pass;
  let wakeAt = Infinity;
  const taken = new Set<string>();
  const started = performance.now();
  let served = 0;
  for (const entry of pass.entries) {
    if (taken.size >= free.length) break;
    if (pass.sliceMs !== undefined && ++served % SLICE_CHECK_EVERY === 0 && performance.now() - started > pass.sliceMs) return now;
    const pick = (skipTried: boolean): readonly OfferCandidate[] =>
      !pass.nodeSpecific && taken.size === 0 && (!skipTried || entry.tried.size === 0)
        ? free
        : free.filter((m) => !taken.has(m.agentId) && pass.reachableOn(m, entry.call.nodeId) && !(skipTried && entry.tried.has(m.agentId)));
    let gate = gateFor(entry, pass.members, pick(true), now);
    if (gate.eligible.length === 0 && entry.ringing.size === 0 && entry.tried.size > 0) {
      entry.tried.clear(); // everyone had a go: start over
      gate = gateFor(entry, pass.members, pick(false), now);
    }
    if (gate.nextTierInMs !== undefined && gate.nextTierInMs > 0) wakeAt = Math.min(wakeAt, now + gate.nextTierInMs);
    const strategy = strategyFor(entry.queue.strategy);
    for (const chosen of strategy.select(gate.eligible, offerContext(entry, now))) {
      if (pass.offer(entry, chosen as OfferCandidate)) taken.add(chosen.agentId);
    }
    // Asked after the picks: ring-progressively's next agent counts from the legs ringing now. 0 or less =
    // it wanted one more but none was eligible; an agent becoming available dispatches anyway.
    const nextMs = strategy.nextSelectInMs?.(offerContext(entry, now));
    if (nextMs !== undefined && nextMs > 0 && entry.ringing.size > 0) wakeAt = Math.min(wakeAt, now + nextMs);
  }
  return wakeAt;
}

/**
 * Skills and tiers for one entry ({@link eligibleNow}). The members ringing for this call, and those
 * who already missed it, count as present in their tier (as mod_callcenter counts agents on a call as
 * signed in): tier 2 must not join the moment tier 1's only agent starts ringing.
 */
function gateFor(entry: QueueEntry, members: ReadonlyMap<string, OfferCandidate>, candidates: readonly OfferCandidate[], now: number): { eligible: readonly OfferCandidate[]; nextTierInMs: number | undefined } {
  // Neither is ever among the candidates: ringing agents are not available, tried ones are filtered out.
  const markers = new Set<OfferCandidate>();
  if (entry.queue.tierWaitS > 0) {
    const add = (id: string) => {
      const m = members.get(id);
      if (m) markers.add(m);
    };
    entry.ringing.forEach(add);
    entry.tried.forEach(add);
  }
  const all = markers.size === 0 ? candidates : [...candidates, ...markers];
  const { eligible, nextTierInMs } = eligibleNow(all, entry.queue, now - entry.enqueuedAt.getTime());
  return { eligible: markers.size === 0 ? eligible : eligible.filter((m) => !markers.has(m)), nextTierInMs };
}
