import type { QueueEntity } from '@callplane/persistence';
import type { AgentStatus } from './agent-state.service';
import { candidateIndex, eligibleFor, offerContext, refreshCandidate } from './offer-candidates';
import type { QueueMemberView } from './queue-directory';
import type { QueueEntry } from './queue-entry';

const T0 = Date.parse('2026-01-01T09:00:00Z');
const member = (agentId: string, extra: Partial<QueueMemberView> = {}): QueueMemberView => ({
  agentId,
  name: agentId,
  endpoint: agentId,
  pbxNodeId: null,
  penalty: 0,
  tier: 1,
  position: 0,
  state: 'available',
  stateChangedAt: new Date(T0 - 60_000),
  lastCallEndedAt: null,
  skills: {},
  callsAnswered: 0,
  talkTimeS: 0,
  ringTimeoutS: null,
  ...extra,
});
const queue = (extra: Partial<QueueEntity> = {}) => ({ id: 'q1', requiredSkills: [], tierWaitS: 10, ringProgressivelyS: 2, ...extra }) as QueueEntity;
const ids = (cs: { agentId: string }[]) => cs.map((c) => c.agentId);

describe('eligibleFor', () => {
  const candidates = [...candidateIndex([member('t1'), member('t2', { tier: 2 }), member('t3', { tier: 3 })]).values()];

  it('offers tier 1 at once and says when tier 2 opens (tierWaitS after entry)', () => {
    expect(eligibleFor(queue(), candidates, 0)).toEqual({ eligible: [expect.objectContaining({ agentId: 't1' })], nextTierInMs: 10_000 });
    expect(eligibleFor(queue(), candidates, 4_000).nextTierInMs).toBe(6_000);
  });

  it('opens tier n after (n − 1) × tierWaitS; nothing further once every tier is open', () => {
    const at12 = eligibleFor(queue(), candidates, 12_000);
    expect(ids(at12.eligible)).toEqual(['t1', 't2']);
    expect(at12.nextTierInMs).toBe(8_000);
    expect(eligibleFor(queue(), candidates, 20_000)).toEqual({ eligible: candidates, nextTierInMs: undefined });
  });

  it('excludes agents without every required skill at its proficiency', () => {
    const cs = [...candidateIndex([member('fluent', { skills: { fr: 80, billing: 50 } }), member('weak', { skills: { fr: 30, billing: 90 } }), member('none')]).values()];
    const q = queue({ requiredSkills: [{ skill: 'fr', minProficiency: 50 }, { skill: 'billing', minProficiency: 1 }] });
    expect(ids(eligibleFor(q, cs, 0).eligible)).toEqual(['fluent']);
  });
});

describe('offerContext', () => {
  const entry = (ringing: number, roundStartedAt?: number) => ({ queue: queue(), ringing: new Map(Array.from({ length: ringing }, (_, i) => [`c${i}`, `a${i}`])), roundStartedAt }) as unknown as QueueEntry;

  it('ring-progressively facts: legs ringing, since when, the step in ms', () => {
    expect(offerContext(entry(2, T0 - 2_500), T0)).toEqual({ queueId: 'q1', ringing: 2, ringingForMs: 2_500, ringProgressivelyMs: 2_000, now: T0 });
  });

  it('ringingForMs is 0 while nothing rings', () => {
    expect(offerContext(entry(0, T0 - 2_500), T0).ringingForMs).toBe(0);
  });
});

describe('refreshCandidate', () => {
  it('the ACD memory wins over the cached member row', () => {
    const c = candidateIndex([member('a', { callsAnswered: 1, lastCallEndedAt: new Date(T0 - 3_600_000) })]).get('a')!;
    const status = { agentId: 'a', state: 'available', at: new Date(T0 - 5_000), lastCallEndedAt: new Date(T0 - 6_000), callsAnswered: 4, talkTimeS: 90 } as AgentStatus;
    refreshCandidate(c, status);
    expect(c).toMatchObject({ lastCallEndedAt: new Date(T0 - 6_000), availableSince: new Date(T0 - 5_000), callsAnswered: 4, talkTimeS: 90 });
  });
});
