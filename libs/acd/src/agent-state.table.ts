import type { AgentState } from '@callplane/contracts';

/**
 * Why an agent changes state; each transition of the table names the triggers allowed to make
 * it, so e.g. an agent cannot set itself `on-call`, and a ring can only start from `available`.
 * - `agent`: the agent (or a supervisor) over Socket.IO / REST
 * - `ring`: the ACD starts ringing the agent's phone
 * - `ring-ended`: the ring stopped without this agent answering (timeout, busy, cancelled)
 * - `answer`: the agent answered
 * - `call-ended`: the agent's call ended (→ wrap-up)
 * - `wrap-up-done`: the queue's wrap-up time elapsed
 */
export type AgentStateTrigger = 'agent' | 'ring' | 'ring-ended' | 'answer' | 'call-ended' | 'wrap-up-done';

/** Allowed transitions: from → to → triggers. Anything absent is illegal (`agent-state-illegal`). */
export const AGENT_STATE_TABLE: Readonly<Record<AgentState, Partial<Record<AgentState, readonly AgentStateTrigger[]>>>> = {
  offline: { available: ['agent'], away: ['agent'] },
  available: { away: ['agent'], offline: ['agent'], ringing: ['ring'] },
  away: { available: ['agent'], offline: ['agent'] },
  ringing: { available: ['ring-ended'], 'on-call': ['answer'] },
  'on-call': { 'wrap-up': ['call-ended'] },
  'wrap-up': { available: ['wrap-up-done', 'agent'], away: ['agent'], offline: ['agent'] },
};

/** True when `from` → `to` by `trigger` is in {@link AGENT_STATE_TABLE}. Same state → false (no transition). */
export function canTransition(from: AgentState, to: AgentState, trigger: AgentStateTrigger): boolean {
  return AGENT_STATE_TABLE[from][to]?.includes(trigger) ?? false;
}
