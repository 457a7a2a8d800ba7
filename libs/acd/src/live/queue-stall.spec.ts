import type { EndpointState } from '@callplane/pbx';
import { LiveMember, StallInput, memberHasSkills, stallOf } from './queue-stall';

const member = (agentId: string, over: Partial<LiveMember> = {}): LiveMember => ({
  agentId, name: agentId, endpoint: `PJSIP/${agentId}`, pbxNodeId: null, tier: 1, skills: {}, state: 'available', ...over,
});

const NOW = Date.UTC(2026, 11, 4, 12);
const input = (members: LiveMember[], over: Partial<Omit<StallInput, 'backedOff'>> & { offline?: string[]; backedOff?: string[]; paused?: string[] } = {}): StallInput => {
  const { offline = [], backedOff = [], paused = [], ...rest } = over;
  return {
    members,
    requiredSkills: [],
    tierWaitS: 10,
    head: { nodeId: 'n1', waitedMs: 0 },
    retryPause: false,
    endpointState: (_node: string, endpoint: string): EndpointState => (offline.some((o) => endpoint.endsWith(`/${o}`)) ? 'offline' : 'online'),
    backedOff: (id: string) => backedOff.includes(id),
    pausedUntil: (id: string) => (paused.includes(id) ? NOW + 3_000 : 0),
    now: NOW,
    ...rest,
  };
};

describe(stallOf.name, () => {
  it('no members', () => {
    expect(stallOf(input([]))).toMatchObject({ reason: 'no-members', blocked: {} });
  });

  it('no member signed in / away / busy, by agent state', () => {
    expect(stallOf(input([member('a', { state: 'offline' }), member('b', { state: 'offline' })]))).toEqual({
      reason: 'no-agent-signed-in', message: expect.stringContaining('offline'), blocked: { offline: 2 },
    });
    expect(stallOf(input([member('a', { state: 'offline' }), member('b', { state: 'away' }), member('c', { state: 'dnd' })]))).toMatchObject({
      reason: 'all-agents-away', blocked: { offline: 1, away: 1, dnd: 1 },
    });
    expect(stallOf(input([member('a', { state: 'away' }), member('b', { state: 'on-call' }), member('c', { state: 'wrap-up' })]))).toMatchObject({
      reason: 'all-agents-busy', blocked: { away: 1, busy: 2 },
    });
  });

  it('phones unreachable: unregistered endpoint, back-off, bound to another node', () => {
    const members = [member('a'), member('b'), member('c', { pbxNodeId: 'n2' }), member('d', { state: 'offline' })];
    expect(stallOf(input(members, { offline: ['a'], backedOff: ['b'] }))).toMatchObject({
      reason: 'phones-unreachable', blocked: { 'endpoint-offline': 1, 'backed-off': 1, 'other-node': 1, offline: 1 },
    });
  });

  it('offer pause after missed offers, until it ends', () => {
    const members = [member('a'), member('b', { skills: {} })];
    const requiredSkills = [{ skill: 'fr', minProficiency: 1 }];
    expect(stallOf(input([member('a'), member('b')], { paused: ['a', 'b'] }))).toMatchObject({ reason: 'offer-pause', blocked: { 'offer-pause': 2 } });
    // Paused and unskilled: the pause is named (it ends by itself).
    expect(stallOf(input(members, { paused: ['a'], requiredSkills }))).toMatchObject({ reason: 'offer-pause', blocked: { 'offer-pause': 1, 'missing-skills': 1 } });
    expect(stallOf(input([member('a')], { paused: ['a'], now: NOW + 3_000 }))).toBeUndefined();
  });

  it('missing skills and tier wait', () => {
    const requiredSkills = [{ skill: 'french', minProficiency: 50 }];
    const members = [member('a', { skills: { french: 40 } }), member('b', { skills: { german: 90 } })];
    expect(stallOf(input(members, { requiredSkills }))).toMatchObject({ reason: 'missing-skills', blocked: { 'missing-skills': 2 } });

    const tiered = [member('a', { tier: 2 }), member('b', { tier: 3 })];
    expect(stallOf(input(tiered, { head: { nodeId: 'n1', waitedMs: 9_999 } }))).toMatchObject({ reason: 'tier-wait', blocked: { 'tier-wait': 2 } });
    // Waited 10 s = 1 × tierWaitS: tier 2 is open.
    expect(stallOf(input(tiered, { head: { nodeId: 'n1', waitedMs: 10_000 } }))).toBeUndefined();
  });

  it('an offerable member: retry pause, or nothing (an offer is on its way)', () => {
    expect(stallOf(input([member('a'), member('b', { state: 'away' })], { retryPause: true }))).toMatchObject({ reason: 'retry-pause', blocked: { away: 1 } });
    expect(stallOf(input([member('a')]))).toBeUndefined();
  });
});

describe(memberHasSkills.name, () => {
  it('needs every required skill at its minimum proficiency; a plain list reads as 100', () => {
    const req = [{ skill: 'fr', minProficiency: 60 }, { skill: 'billing', minProficiency: 1 }];
    expect(memberHasSkills({ fr: 60, billing: 1 }, req)).toBe(true);
    expect(memberHasSkills({ fr: 59, billing: 100 }, req)).toBe(false);
    expect(memberHasSkills({ fr: 100 }, req)).toBe(false);
    expect(memberHasSkills(['fr', 'billing'], req)).toBe(true);
    expect(memberHasSkills({}, [])).toBe(true);
  });
});
