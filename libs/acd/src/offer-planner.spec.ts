import type { QueueEntity } from '@callplane/persistence';
import type { LiveCall } from '@callplane/calls';
import { candidateIndex, OfferCandidate } from './offer-candidates';
import { OfferPass, planOffers } from './offer-planner';
import { compareEntries, QueueEntry } from './queue-entry';
import type { QueueMemberView } from './queue-directory';
import { queueMember, T0 } from './testing/candidate.factory';

/** Fake clock: every pass gets its `now`; entries' enqueue times are relative to it. */
const member = queueMember;
let seq = 0;
const entry = (queue: Partial<QueueEntity>, over: Partial<QueueEntry> & { waitedMs?: number } = {}): QueueEntry => {
  const { waitedMs = 0, ...rest } = over;
  return {
    call: { id: `call-${seq}`, nodeId: 'n1' } as LiveCall,
    queue: { id: 'q1', strategy: 'ring-all', tierWaitS: 0, ringProgressivelyS: 10, requiredSkills: [], ...queue } as QueueEntity,
    priority: 0,
    enqueuedAt: new Date(T0 - waitedMs),
    seq: seq++,
    state: 'waiting',
    ringing: new Map(),
    tried: new Set(),
    ...rest,
  };
};

/** A pass over `entries` with `members` all free unless listed in `busy`; records the offers (and rings them like RingRounds). */
function pass(entries: QueueEntry[], members: QueueMemberView[], now: number, busy: string[] = [], sliceMs?: number) {
  const index = candidateIndex(members);
  const offers: [string, string][] = [];
  const input: OfferPass = {
    entries: [...entries].sort(compareEntries),
    free: [...index.values()].filter((m) => !busy.includes(m.agentId)),
    members: index,
    nodeSpecific: false,
    reachableOn: () => true,
    offer: (e: QueueEntry, m: OfferCandidate) => {
      if (e.ringing.size === 0) e.roundStartedAt = now;
      e.ringing.set(`leg-${m.agentId}`, m.agentId);
      offers.push([e.call.id, m.agentId]);
      return true;
    },
    now,
    sliceMs,
  };
  const wakeAt = planOffers(input);
  return { offers, wakeInMs: wakeAt === Infinity ? undefined : wakeAt - now };
}

describe(planOffers.name, () => {
  it('serves a VIP who came later before a regular caller (priority, then enqueue time)', () => {
    const regular = entry({ strategy: 'longest-idle' }, { waitedMs: 30_000 });
    const vip = entry({ strategy: 'longest-idle' }, { waitedMs: 1_000, priority: 10 });
    const { offers } = pass([regular, vip], [member('a')], T0);
    expect(offers).toEqual([[vip.call.id, 'a']]);
  });

  it('ring-all: the first entry takes every free member; the next one gets none of them', () => {
    const first = entry({}, { waitedMs: 2_000 });
    const second = entry({}, { waitedMs: 1_000 });
    const { offers } = pass([second, first], [member('a'), member('b')], T0);
    expect(offers).toEqual([[first.call.id, 'a'], [first.call.id, 'b']]);
  });

  it('tiers: tier 2 waits tierWaitS counted from the entry, even while tier 1 rings; the wake-up is when it opens', () => {
    const members = [member('t1'), member('t2', { tier: 2 })];
    const e = entry({ tierWaitS: 10 }, { waitedMs: 0 });
    expect(pass([e], members, T0)).toEqual({ offers: [[e.call.id, 't1']], wakeInMs: 10_000 });
    // 4 s later, t1 still ringing (so not free): t2 must not join yet.
    expect(pass([e], members, T0 + 4_000, ['t1'])).toEqual({ offers: [], wakeInMs: 6_000 });
    expect(pass([e], members, T0 + 10_000, ['t1'])).toEqual({ offers: [[e.call.id, 't2']], wakeInMs: undefined });
  });

  it('ring-progressively: one member, the next one when ringProgressivelyS has passed, with the wake-up in between', () => {
    const members = [member('p1', { position: 1 }), member('p2', { position: 2 }), member('p3', { position: 3 })];
    const e = entry({ strategy: 'ring-progressively', ringProgressivelyS: 1 });
    expect(pass([e], members, T0)).toEqual({ offers: [[e.call.id, 'p1']], wakeInMs: 1_000 });
    expect(pass([e], members, T0 + 400, ['p1'])).toEqual({ offers: [], wakeInMs: 600 });
    expect(pass([e], members, T0 + 1_000, ['p1'])).toEqual({ offers: [[e.call.id, 'p2']], wakeInMs: 1_000 });
  });

  it('skips members already tried for the call until everyone had a go', () => {
    const e = entry({ strategy: 'top-down' });
    e.tried.add('a');
    const members = [member('a', { position: 1 }), member('b', { position: 2 })];
    expect(pass([e], members, T0).offers).toEqual([[e.call.id, 'b']]);
    const again = entry({ strategy: 'top-down' });
    again.tried.add('a');
    again.tried.add('b');
    expect(pass([again], members, T0).offers).toEqual([[again.call.id, 'a']]);
    expect(again.tried.size).toBe(0);
  });

  it('no wake-up when the strategy wants more but nobody is free (an agent freeing dispatches anyway)', () => {
    const e = entry({ strategy: 'ring-progressively', ringProgressivelyS: 1 });
    expect(pass([e], [member('p1')], T0)).toEqual({ offers: [[e.call.id, 'p1']], wakeInMs: 1_000 });
    expect(pass([e], [member('p1')], T0 + 1_500, ['p1'])).toEqual({ offers: [], wakeInMs: undefined });
  });

  it('stops a pass past its time slice and asks to be dispatched again at once; the next pass goes on', () => {
    const many = Array.from({ length: 40 }, (_, i) => entry({ strategy: 'longest-idle' }, { waitedMs: 40_000 - i }));
    const agents = Array.from({ length: 40 }, (_, i) => member(`a${i}`));
    // A zero-ms slice: the first clock check (after SLICE_CHECK_EVERY entries) ends the pass.
    const first = pass(many, agents, T0, [], 0);
    expect(first.offers).toHaveLength(15);
    expect(first.wakeInMs).toBe(0);
    const rung = first.offers.map(([, agentId]) => agentId);
    const second = pass(many, agents, T0, rung);
    expect(second.offers).toHaveLength(25);
    expect(new Set([...rung, ...second.offers.map(([, a]) => a)]).size).toBe(40);
    // Without a slice one pass serves everyone.
    const unsliced = pass(Array.from({ length: 40 }, () => entry({ strategy: 'longest-idle' })), agents, T0);
    expect(unsliced.offers).toHaveLength(40);
  });
});
