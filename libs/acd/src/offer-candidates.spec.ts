import type { QueueEntity } from '@callplane/persistence';
import type { AgentStatus } from './agent-state.service';
import { candidateIndex, offerContext, refreshCandidate } from './offer-candidates';
import type { QueueEntry } from './queue-entry';
import { queueMember, T0 } from './testing/candidate.factory';

const member = queueMember;
const queue = (extra: Partial<QueueEntity> = {}) => ({ id: 'q1', requiredSkills: [], tierWaitS: 10, ringProgressivelyS: 2, ...extra }) as QueueEntity;

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
    const status = { agentId: 'a', state: 'available', at: new Date(T0 - 5_000), availableSince: new Date(T0 - 5_000), lastCallEndedAt: new Date(T0 - 6_000), callsAnswered: 4, talkTimeS: 90 } as AgentStatus;
    refreshCandidate(c, status);
    expect(c).toMatchObject({ lastCallEndedAt: new Date(T0 - 6_000), availableSince: new Date(T0 - 5_000), callsAnswered: 4, talkTimeS: 90 });
  });
});
