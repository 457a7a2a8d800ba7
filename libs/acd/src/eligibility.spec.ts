import fc from 'fast-check';
import { EligibilityRules, eligibleNow, meetsSkills, withSkills, withTiers } from './eligibility';

const member = (id: string, tier = 1, skills: Record<string, number> = {}) => ({ id, tier, skills });
/** Ids, sorted: the order of `eligible` is not part of the contract. */
const names = (list: readonly { id: string }[]) => list.map((m) => m.id).sort();
const S = 1000;

describe(meetsSkills.name, () => {
  const required = [{ skill: 'sales', minProficiency: 50 }, { skill: 'de', minProficiency: 1 }];

  it('needs every required skill at the minimum proficiency or above', () => {
    expect(meetsSkills({ sales: 50, de: 1 }, required)).toBe(true);
    expect(meetsSkills({ sales: 100, de: 80, fr: 3 }, required)).toBe(true);
  });

  it('fails on one skill below its minimum or missing', () => {
    expect(meetsSkills({ sales: 49, de: 100 }, required)).toBe(false);
    expect(meetsSkills({ sales: 90 }, required)).toBe(false);
    expect(meetsSkills({}, required)).toBe(false);
  });

  it('is met by everyone when nothing is required', () => {
    expect(meetsSkills({}, [])).toBe(true);
  });
});

describe(withSkills.name, () => {
  it('keeps the members with the skills, in order', () => {
    const all = [member('a', 1, { sales: 80 }), member('b', 1, { sales: 20 }), member('c', 1, { sales: 60 })];
    expect(names(withSkills(all, [{ skill: 'sales', minProficiency: 60 }]))).toEqual(['a', 'c']);
  });
});

describe(withTiers.name, () => {
  const tiered = [member('t1', 1), member('t3', 3), member('t2', 2), member('t1b', 1)];

  it('offers only the first tier present before the first step', () => {
    expect(names(withTiers(tiered, 10, 0).eligible)).toEqual(['t1', 't1b']);
    expect(names(withTiers(tiered, 10, 9_999).eligible)).toEqual(['t1', 't1b']);
  });

  it('adds the k-th tier present after k × tierWaitS', () => {
    expect(names(withTiers(tiered, 10, 10 * S).eligible)).toEqual(['t1', 't1b', 't2']);
    expect(names(withTiers(tiered, 10, 20 * S).eligible)).toEqual(['t1', 't1b', 't2', 't3']);
    expect(names(withTiers(tiered, 10, 600 * S).eligible)).toEqual(['t1', 't1b', 't2', 't3']);
  });

  it('says in how many ms the next tier joins, and nothing once all have', () => {
    expect(withTiers(tiered, 10, 0).nextTierInMs).toBe(10 * S);
    expect(withTiers(tiered, 10, 4_500).nextTierInMs).toBe(5_500);
    expect(withTiers(tiered, 10, 10 * S).nextTierInMs).toBe(10 * S);
    expect(withTiers(tiered, 10, 20 * S).nextTierInMs).toBeUndefined();
  });

  it('costs no wait for a tier with nobody available (tier-rule-no-agent-no-wait)', () => {
    const gap = [member('t1', 1), member('t5', 5)];
    expect(names(withTiers(gap, 10, 10 * S).eligible)).toEqual(['t1', 't5']); // not after 4 steps
    const onlyLater = [member('t2', 2), member('t3', 3)];
    expect(names(withTiers(onlyLater, 10, 0).eligible)).toEqual(['t2']); // tier 1 all busy: tier 2 at once
    expect(withTiers(onlyLater, 10, 0).nextTierInMs).toBe(10 * S);
  });

  it('offers every tier at once when tierWaitS is 0', () => {
    const r = withTiers(tiered, 0, 0);
    expect(names(r.eligible)).toEqual(['t1', 't1b', 't2', 't3']);
    expect(r.nextTierInMs).toBeUndefined();
  });

  it('treats a negative wait as none, and an empty list as no one and no next tier', () => {
    expect(names(withTiers(tiered, 10, -5_000).eligible)).toEqual(['t1', 't1b']);
    expect(withTiers(tiered, 10, -5_000).nextTierInMs).toBe(10 * S);
    expect(withTiers([], 10, 0)).toEqual({ eligible: [], nextTierInMs: undefined });
  });
});

describe(eligibleNow.name, () => {
  const rules: EligibilityRules = { requiredSkills: [{ skill: 'billing', minProficiency: 40 }], tierWaitS: 15 };

  it('ranks tiers among the members with the skills only', () => {
    // The only tier-1 member lacks the skill: tier 2 is the first tier present, offered at once.
    const all = [member('t1-unskilled', 1, { billing: 10 }), member('t2', 2, { billing: 40 }), member('t3', 3, { billing: 99 })];
    const r = eligibleNow(all, rules, 0);
    expect(names(r.eligible)).toEqual(['t2']);
    expect(r.nextTierInMs).toBe(15 * S);
    expect(names(eligibleNow(all, rules, 15 * S).eligible)).toEqual(['t2', 't3']);
  });

  it('offers no one when no member has the skills', () => {
    expect(eligibleNow([member('a', 1, {})], rules, 60 * S)).toEqual({ eligible: [], nextTierInMs: undefined });
  });
});

/** The rules spelled out naively (skills filter, rank the tiers present, sort nothing else) to check the one-pass version against. */
function reference(members: { id: string; tier: number; skills: Record<string, number> }[], rules: EligibilityRules, waitedMs: number) {
  const skilled = members.filter((m) => rules.requiredSkills.every((r) => (m.skills[r.skill] ?? 0) >= r.minProficiency));
  const tiers = [...new Set(skilled.map((m) => m.tier))].sort((a, b) => a - b);
  if (rules.tierWaitS <= 0) return { eligible: skilled, nextTierInMs: undefined };
  const stepMs = rules.tierWaitS * 1000;
  const waited = Math.max(0, waitedMs);
  const open = tiers.filter((_, k) => k * stepMs <= waited);
  const nextK = open.length;
  return { eligible: skilled.filter((m) => open.includes(m.tier)), nextTierInMs: nextK < tiers.length ? nextK * stepMs - waited : undefined };
}

describe('eligibleNow against the rules spelled out', () => {
  it('agrees on random members, requirements and waits', () => {
    const arbMember = fc.record({ id: fc.uuid(), tier: fc.integer({ min: 1, max: 5 }), skills: fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 1, max: 100 })) });
    const arbRules = fc.record({ requiredSkills: fc.array(fc.record({ skill: fc.constantFrom('a', 'b', 'c'), minProficiency: fc.integer({ min: 1, max: 100 }) }), { maxLength: 2 }), tierWaitS: fc.integer({ min: 0, max: 30 }) });
    fc.assert(
      fc.property(fc.array(arbMember, { maxLength: 40 }), arbRules, fc.integer({ min: -1000, max: 200_000 }), (members, rules, waitedMs) => {
        const got = eligibleNow(members, rules, waitedMs);
        const want = reference(members, rules, waitedMs);
        expect(names(got.eligible)).toEqual(names(want.eligible));
        expect(got.nextTierInMs).toBe(want.nextTierInMs);
      }),
    );
  });
});
