import type { AgentState } from '@callplane/contracts';

/**
 * Why an agent changes state; each transition of the table names the triggers allowed to make
 * it, so e.g. nobody can set an agent `on-call` by API, and a ring can only start from `available`.
 * - `agent`: the agent itself or a supervisor/admin (REST `PUT /agents/:id/state`, Socket.IO `agent.setState`)
 * - `ring`: the ACD reserves the agent for one offer and rings its phone
 * - `ring-ended`: the ring stopped without this agent answering (timeout, busy, cancelled)
 * - `answer`: the agent answered the offer
 * - `no-answer`: the agent missed `maxNoAnswer` offers in a row; the ACD sets it `away` (reason `no-answer`)
 * - `call-ended`: the agent's queue call ended (→ wrap-up)
 * - `wrap-up-done`: the wrap-up time elapsed
 * - `other-call`: the agent's phone is on a call callplane did not offer from a queue (direct, internal, transfer)
 * - `other-call-ended`: that call (every such call) ended
 * - `restart`: reconciliation at boot of a state left by the previous process (see AgentStateService)
 */
export type AgentStateTrigger =
  | 'agent'
  | 'ring'
  | 'ring-ended'
  | 'answer'
  | 'no-answer'
  | 'call-ended'
  | 'wrap-up-done'
  | 'other-call'
  | 'other-call-ended'
  | 'restart';

/** Every trigger (the runtime list of {@link AgentStateTrigger}). */
export const AGENT_STATE_TRIGGERS: readonly AgentStateTrigger[] = ['agent', 'ring', 'ring-ended', 'answer', 'no-answer', 'call-ended', 'wrap-up-done', 'other-call', 'other-call-ended', 'restart'];

/**
 * Allowed transitions: from → to → triggers. Anything absent is illegal (`agent-state-illegal`).
 * Notes: an agent may leave while its phone rings (away / offline / dnd end the reservation; the
 * ACD hangs that leg up); an agent on a call cannot be set anything (its call ends first); wrap-up
 * may be ended early by the agent; `away` always carries a reason.
 */
export const AGENT_STATE_TABLE: Readonly<Record<AgentState, Partial<Record<AgentState, readonly AgentStateTrigger[]>>>> = {
  offline: { available: ['agent'], away: ['agent'], dnd: ['agent'] },
  available: { away: ['agent', 'no-answer'], offline: ['agent'], dnd: ['agent'], ringing: ['ring'], 'on-call': ['other-call'] },
  ringing: { available: ['ring-ended', 'restart'], 'on-call': ['answer'], away: ['agent', 'no-answer'], offline: ['agent'], dnd: ['agent'] },
  'on-call': { 'wrap-up': ['call-ended'], available: ['other-call-ended', 'restart'] },
  'wrap-up': { available: ['wrap-up-done', 'agent', 'restart'], away: ['agent'], offline: ['agent'], dnd: ['agent'] },
  away: { available: ['agent'], offline: ['agent'], dnd: ['agent'] },
  dnd: { available: ['agent'], away: ['agent'], offline: ['agent'] },
};

/** True when `from` → `to` by `trigger` is in {@link AGENT_STATE_TABLE}. Same state → false (no transition). */
export function canTransition(from: AgentState, to: AgentState, trigger: AgentStateTrigger): boolean {
  return AGENT_STATE_TABLE[from][to]?.includes(trigger) ?? false;
}
