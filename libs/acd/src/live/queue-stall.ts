import type { AgentState, QueueMemberBlock, QueueStallReason, QueueStallView } from '@callplane/contracts';
import type { EndpointState } from '@callplane/pbx';
import type { QueueSkillRequirement } from '@callplane/persistence';

/** A queue member as the live state sees it (the agent's state from the ACD's memory). */
export interface LiveMember {
  agentId: string;
  name: string;
  endpoint: string;
  /** Node the agent is bound to; null = any. */
  pbxNodeId: string | null;
  tier: number;
  /** Skill → proficiency 1–100. */
  skills: Readonly<Record<string, number>>;
  state: AgentState;
}

/** What decides whether a member can be offered the queue's next call. */
export interface StallInput {
  members: readonly LiveMember[];
  requiredSkills: readonly QueueSkillRequirement[];
  /** The queue's tierWaitS, s. */
  tierWaitS: number;
  /** The caller served next: its PBX node and how long it has waited, ms. */
  head: { nodeId: string; waitedMs: number };
  /** The head waits out the pause after a ring round nobody answered. */
  retryPause: boolean;
  /** Registration state of an endpoint on a node, and the unreachable back-off (AgentReachability). */
  endpointState(nodeId: string, endpoint: string): EndpointState;
  backedOff(agentId: string): boolean;
  /** Until when the agent is paused after a missed, rejected or busy offer, ms since the epoch (0 = not). */
  pausedUntil(agentId: string): number;
  /** Now, ms since the epoch. */
  now: number;
}

const STATE_BLOCKS: Partial<Record<AgentState, QueueMemberBlock>> = {
  offline: 'offline',
  away: 'away',
  dnd: 'dnd',
  ringing: 'busy',
  'on-call': 'busy',
  'wrap-up': 'busy',
};

/** True when the agent has every required skill at its minimum proficiency. */
export function memberHasSkills(skills: Readonly<Record<string, number>> | readonly string[], required: readonly QueueSkillRequirement[]): boolean {
  // Rows written before proficiencies (a plain list of skill names) read as proficiency 100.
  const level = (skill: string): number => (Array.isArray(skills) ? (skills.includes(skill) ? 100 : 0) : ((skills as Record<string, number>)[skill] ?? 0));
  return required.every((r) => level(r.skill) >= r.minProficiency);
}

/** Why this member cannot take the head call now; undefined = it can be offered. */
export function memberBlock(m: LiveMember, input: StallInput): QueueMemberBlock | undefined {
  const byState = STATE_BLOCKS[m.state];
  if (byState) return byState;
  if (m.pbxNodeId && m.pbxNodeId !== input.head.nodeId) return 'other-node';
  if (input.endpointState(input.head.nodeId, m.endpoint) === 'offline') return 'endpoint-offline';
  if (input.backedOff(m.agentId)) return 'backed-off';
  if (input.pausedUntil(m.agentId) > input.now) return 'offer-pause';
  if (!memberHasSkills(m.skills, input.requiredSkills)) return 'missing-skills';
  if (input.head.waitedMs < (Math.max(1, m.tier) - 1) * input.tierWaitS * 1000) return 'tier-wait';
  return undefined;
}

const MESSAGES: Record<QueueStallReason, string> = {
  'no-members': 'The queue has no members',
  'no-agent-signed-in': 'No member is signed in (all offline)',
  'all-agents-away': 'No member is available: the signed-in ones are away or on do-not-disturb',
  'all-agents-busy': 'No member is available: all signed-in ones are on calls, ringing or in wrap-up',
  'phones-unreachable': "The available members' phones cannot be reached (unregistered, on another PBX node, or failing)",
  'missing-skills': 'The available members lack a skill the queue requires',
  'offer-pause': 'The available members are pausing after offers they missed, rejected or were busy for (noAnswerDelayS, rejectDelayS, busyDelayS)',
  'tier-wait': "The available members are in tiers the longest-waiting caller has not reached yet (tierWaitS)",
  'retry-pause': 'Pausing before the next ring round (retryDelayS) after one nobody answered',
};

/**
 * Why nobody is offered the head call (callers wait, no offer rings). The reason is the first
 * that holds: no members; no member available (busy if any is busy, else away if any is
 * away/dnd, else nobody signed in); every available member blocked: phones-unreachable when a
 * phone blocks any of them, else offer-pause when a pause after a missed offer blocks any, else
 * missing-skills when skills block any, else tier-wait; a member could be offered but the
 * queue is in its retry pause. undefined when a member can be offered and no pause holds it (an
 * offer is on its way).
 */
export function stallOf(input: StallInput): QueueStallView | undefined {
  const blocked: Partial<Record<QueueMemberBlock, number>> = {};
  let offerable = 0;
  for (const m of input.members) {
    const block = memberBlock(m, input);
    if (block) blocked[block] = (blocked[block] ?? 0) + 1;
    else offerable++;
  }
  const reason = pickReason(input.members.length, offerable, blocked, input.retryPause);
  return reason ? { reason, message: MESSAGES[reason], blocked } : undefined;
}

function pickReason(members: number, offerable: number, b: Partial<Record<QueueMemberBlock, number>>, retryPause: boolean): QueueStallReason | undefined {
  if (members === 0) return 'no-members';
  if (offerable > 0) return retryPause ? 'retry-pause' : undefined;
  const n = (k: QueueMemberBlock): number => b[k] ?? 0;
  const unavailable = n('offline') + n('away') + n('dnd') + n('busy');
  if (unavailable === members) return n('busy') > 0 ? 'all-agents-busy' : n('away') + n('dnd') > 0 ? 'all-agents-away' : 'no-agent-signed-in';
  if (n('endpoint-offline') + n('backed-off') + n('other-node') > 0) return 'phones-unreachable';
  if (n('offer-pause') > 0) return 'offer-pause';
  return n('missing-skills') > 0 ? 'missing-skills' : 'tier-wait';
}
