import type { QueueSkillRequirement } from '@callplane/persistence';

/** What eligibility reads of a member: its tier (1 = first) and skill → proficiency (1–100). */
export interface EligibleMember {
  tier: number;
  skills: Readonly<Record<string, number>>;
}

/** The queue settings eligibility applies (a `QueueEntity` fits). */
export interface EligibilityRules {
  /** Every listed skill at ≥ `minProficiency` (1–100); empty = no requirement. */
  requiredSkills: readonly QueueSkillRequirement[];
  /** Wait per tier step, s; 0 = every tier at once. */
  tierWaitS: number;
}

/** The members a call may be offered to now, and when the next tier joins. */
export interface Eligibility<T> {
  /** The input members that are eligible now, in input order (may be the input array itself: do not mutate). */
  eligible: readonly T[];
  /**
   * In how many ms (from the `waitedMs` given) the next tier joins, > 0; undefined when every
   * tier present has joined. Dispatch schedules a re-dispatch of the call then.
   */
  nextTierInMs: number | undefined;
}

/** The member has every required skill at ≥ its minimum proficiency (a missing skill counts as 0). */
export function meetsSkills(skills: Readonly<Record<string, number>>, required: readonly QueueSkillRequirement[]): boolean {
  for (const r of required) if (!((skills[r.skill] ?? 0) >= r.minProficiency)) return false;
  return true;
}

/** The members with every required skill (the input array itself when nothing is required). */
export function withSkills<T extends EligibleMember>(members: readonly T[], required: readonly QueueSkillRequirement[]): readonly T[] {
  if (required.length === 0) return members;
  return members.filter((m) => meetsSkills(m.skills, required));
}

/**
 * Tier staggering, mirroring mod_callcenter's tier rules with `tier-rule-wait-multiply-level`
 * and `tier-rule-no-agent-no-wait` on (mod_callcenter docs: "Tier Rules"): the distinct tiers
 * *present* among `members` are ranked ascending, and the k-th of them (k = 0 first) joins
 * once the caller waited k × `tierWaitS`. A tier nobody in `members` belongs to costs no wait:
 * with tiers 1 and 3 present, tier 3 joins after one step; with only tier 2 present, it is
 * offered at once. `tierWaitS` ≤ 0 = every tier at once.
 *
 * Pass the members that could take this call now (available, reachable, skills met, not taken
 * in this dispatch pass): a tier whose members are all busy does not hold the caller back.
 * O(n) plus a sort of the distinct tiers (a handful).
 *
 * @param waitedMs how long the caller has waited in this queue, ms (negative = 0).
 */
export function withTiers<T extends EligibleMember>(members: readonly T[], tierWaitS: number, waitedMs: number): Eligibility<T> {
  const tiers: number[] = [];
  for (const m of members) if (!tiers.includes(m.tier)) tiers.push(m.tier);
  if (tierWaitS <= 0 || tiers.length <= 1) return { eligible: members, nextTierInMs: undefined };
  tiers.sort((a, b) => a - b);
  const stepMs = tierWaitS * 1000;
  const waited = Math.max(0, waitedMs);
  const joined = Math.min(tiers.length - 1, Math.floor(waited / stepMs)); // rank of the last tier in
  const nextTierInMs = joined < tiers.length - 1 ? (joined + 1) * stepMs - waited : undefined;
  if (joined === tiers.length - 1) return { eligible: members, nextTierInMs };
  const cutoff = tiers[joined];
  return { eligible: members.filter((m) => m.tier <= cutoff), nextTierInMs };
}

/**
 * Skills, then tiers ({@link withSkills}, {@link withTiers}): the members a call that has
 * waited `waitedMs` may be offered to now, and in how many ms the next tier joins. Pure; the
 * skill filter depends on the queue only, so a dispatch pass may run {@link withSkills} once and
 * {@link withTiers} per call instead.
 */
export function eligibleNow<T extends EligibleMember>(members: readonly T[], rules: EligibilityRules, waitedMs: number): Eligibility<T> {
  return withTiers(withSkills(members, rules.requiredSkills), rules.tierWaitS, waitedMs);
}
