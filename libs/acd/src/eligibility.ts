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
  /**
   * The input members eligible now: the input array itself when none is filtered out (do not
   * mutate it), else grouped by tier ascending, input order within a tier (no strategy depends on it).
   */
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
 * One pass, plus a sort of the distinct tiers (a handful).
 *
 * @param waitedMs how long the caller has waited in this queue, ms (negative = 0).
 */
export function withTiers<T extends EligibleMember>(members: readonly T[], tierWaitS: number, waitedMs: number): Eligibility<T> {
  return gate(members, [], tierWaitS, waitedMs);
}

/**
 * Skills, then tiers ({@link meetsSkills}, {@link withTiers}; tiers ranked among the members with
 * the skills): the members a call that has waited `waitedMs` may be offered to now, and in how
 * many ms the next tier joins. Pure, one pass over `members`.
 */
export function eligibleNow<T extends EligibleMember>(members: readonly T[], rules: EligibilityRules, waitedMs: number): Eligibility<T> {
  return gate(members, rules.requiredSkills, rules.tierWaitS, waitedMs);
}

/** {@link eligibleNow} with the skills and tier wait given apart. */
function gate<T extends EligibleMember>(members: readonly T[], required: readonly QueueSkillRequirement[], tierWaitS: number, waitedMs: number): Eligibility<T> {
  const skillsToCheck = required.length > 0;
  if (tierWaitS <= 0) return { eligible: withSkills(members, required), nextTierInMs: undefined };
  // One pass (this runs per waiting call over every free member): skills, then the member's tier
  // bucket — a handful of tiers, so a linear look-up, skipped while the tier repeats.
  const tiers: number[] = [];
  const buckets: T[][] = [];
  let lastTier = Number.NaN;
  let bucket: T[] = [];
  for (const m of members) {
    if (skillsToCheck && !meetsSkills(m.skills, required)) continue;
    if (m.tier !== lastTier) {
      let i = tiers.indexOf(m.tier);
      if (i < 0) {
        i = tiers.push(m.tier) - 1;
        buckets.push([]);
      }
      lastTier = m.tier;
      bucket = buckets[i];
    }
    bucket.push(m);
  }
  if (tiers.length <= 1) return { eligible: skillsToCheck ? (buckets[0] ?? []) : members, nextTierInMs: undefined };
  const ranked = tiers.map((_, i) => i).sort((a, b) => tiers[a] - tiers[b]);
  const stepMs = tierWaitS * 1000;
  const waited = Math.max(0, waitedMs);
  const joined = Math.min(ranked.length - 1, Math.floor(waited / stepMs)); // rank of the last tier in
  const nextTierInMs = joined < ranked.length - 1 ? (joined + 1) * stepMs - waited : undefined;
  if (joined === ranked.length - 1 && !skillsToCheck) return { eligible: members, nextTierInMs };
  const eligible: T[] = [];
  for (let k = 0; k <= joined; k++) for (const m of buckets[ranked[k]]) eligible.push(m);
  return { eligible, nextTierInMs };
}
