import { Q850 } from '@callplane/pbx';
import { AgentLeg, OfferLegs, offerMissKind } from './offer-legs';
import type { QueueEntry } from './queue-entry';

describe('offerMissKind', () => {
  it('busy (17) and rejected (21) whether or not the phone rang', () => {
    expect(offerMissKind(Q850.USER_BUSY, false)).toBe('busy');
    expect(offerMissKind(Q850.USER_BUSY, true)).toBe('busy');
    expect(offerMissKind(Q850.CALL_REJECTED, true)).toBe('rejected');
    expect(offerMissKind(Q850.CALL_REJECTED, false)).toBe('rejected');
  });

  it('no-answer after ringing (ring timeout 19, or the user hanging up the ringing phone), failed before', () => {
    expect(offerMissKind(Q850.NO_ANSWER, true)).toBe('no-answer');
    expect(offerMissKind(Q850.NORMAL_CLEARING, true)).toBe('no-answer');
    expect(offerMissKind(Q850.SUBSCRIBER_ABSENT, false)).toBe('failed');
    expect(offerMissKind(Q850.NO_ANSWER, false)).toBe('failed');
  });
});

describe(OfferLegs.name, () => {
  const entry = {} as QueueEntry;
  const leg = (channelId: string, agentId: string, extra: Partial<AgentLeg> = {}): AgentLeg => ({
    channelId,
    agentId,
    endpoint: agentId,
    entry,
    rang: false,
    rejected: false,
    cancelled: false,
    originated: Promise.resolve(),
    ...extra,
  });

  it('finds an agent’s legs still ringing (not cancelled, not answered) and forgets deleted ones', () => {
    const sut = new OfferLegs();
    sut.add(leg('c1', 'a'));
    sut.add(leg('c2', 'a', { cancelled: true }));
    sut.add(leg('c3', 'a', { answeredAt: 1 }));
    sut.add(leg('c4', 'b'));
    expect(sut.ringingOf('a').map((l) => l.channelId)).toEqual(['c1']);
    sut.delete('c1');
    expect(sut.ringingOf('a')).toEqual([]);
    expect(sut.has('c1')).toBe(false);
    expect(sut.get('c4')?.agentId).toBe('b');
  });
});
