import { AGENT_STATES, AgentState } from '@callplane/contracts';
import { AGENT_STATE_TABLE, AGENT_STATE_TRIGGERS, canTransition } from './agent-state.table';

describe('AGENT_STATE_TABLE', () => {
  it('has a row for every agent state and only targets known states by known triggers', () => {
    expect(Object.keys(AGENT_STATE_TABLE).sort()).toEqual([...AGENT_STATES].sort());
    for (const row of Object.values(AGENT_STATE_TABLE)) {
      for (const [to, triggers] of Object.entries(row)) {
        expect(AGENT_STATES).toContain(to);
        for (const t of triggers ?? []) expect(AGENT_STATE_TRIGGERS).toContain(t);
      }
    }
  });

  it.each<[AgentState, AgentState]>([
    ['offline', 'available'],
    ['offline', 'dnd'],
    ['available', 'away'],
    ['available', 'dnd'],
    ['away', 'available'],
    ['away', 'dnd'],
    ['dnd', 'available'],
    ['dnd', 'away'],
    ['dnd', 'offline'],
    ['wrap-up', 'available'],
    ['wrap-up', 'offline'],
    ['wrap-up', 'dnd'],
    ['available', 'offline'],
    ['ringing', 'away'],
    ['ringing', 'offline'],
    ['ringing', 'dnd'],
  ])('lets the agent go %s → %s', (from, to) => {
    expect(canTransition(from, to, 'agent')).toBe(true);
  });

  it.each<[AgentState, AgentState]>([
    ['on-call', 'away'],
    ['on-call', 'offline'],
    ['on-call', 'available'],
    ['on-call', 'dnd'],
    ['ringing', 'available'],
    ['offline', 'on-call'],
    ['available', 'on-call'],
    ['available', 'ringing'],
    ['wrap-up', 'ringing'],
    ['away', 'wrap-up'],
    ['dnd', 'ringing'],
  ])('refuses the agent %s → %s', (from, to) => {
    expect(canTransition(from, to, 'agent')).toBe(false);
  });

  it('runs the call cycle only by the ACD triggers', () => {
    expect(canTransition('available', 'ringing', 'ring')).toBe(true);
    expect(canTransition('ringing', 'on-call', 'answer')).toBe(true);
    expect(canTransition('ringing', 'available', 'ring-ended')).toBe(true);
    expect(canTransition('on-call', 'wrap-up', 'call-ended')).toBe(true);
    expect(canTransition('wrap-up', 'available', 'wrap-up-done')).toBe(true);
    expect(canTransition('away', 'ringing', 'ring')).toBe(false);
    expect(canTransition('dnd', 'ringing', 'ring')).toBe(false);
    expect(canTransition('wrap-up', 'ringing', 'ring')).toBe(false);
    expect(canTransition('on-call', 'wrap-up', 'agent')).toBe(false);
  });

  it('sets away for missed offers from ringing (or available), never from a call', () => {
    expect(canTransition('ringing', 'away', 'no-answer')).toBe(true);
    expect(canTransition('available', 'away', 'no-answer')).toBe(true);
    expect(canTransition('on-call', 'away', 'no-answer')).toBe(false);
    expect(canTransition('wrap-up', 'away', 'no-answer')).toBe(false);
  });

  it('marks an available agent on another call and frees it when that call ends', () => {
    expect(canTransition('available', 'on-call', 'other-call')).toBe(true);
    expect(canTransition('on-call', 'available', 'other-call-ended')).toBe(true);
    expect(canTransition('away', 'on-call', 'other-call')).toBe(false);
    expect(canTransition('ringing', 'on-call', 'other-call')).toBe(false);
    expect(canTransition('wrap-up', 'available', 'other-call-ended')).toBe(false);
  });

  it('reconciles at restart only states that cannot be true any more', () => {
    expect(canTransition('ringing', 'available', 'restart')).toBe(true);
    expect(canTransition('on-call', 'available', 'restart')).toBe(true);
    expect(canTransition('wrap-up', 'available', 'restart')).toBe(true);
    for (const kept of ['away', 'dnd', 'offline'] as const) for (const to of AGENT_STATES) expect(canTransition(kept, to, 'restart')).toBe(false);
  });

  it('treats the same state as no transition', () => {
    for (const s of AGENT_STATES) expect(canTransition(s, s, 'agent')).toBe(false);
  });
});
