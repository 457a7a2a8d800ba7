import { AGENT_STATES, AgentState } from '@callplane/contracts';
import { AGENT_STATE_TABLE, canTransition } from './agent-state.table';

describe('AGENT_STATE_TABLE', () => {
  it('has a row for every agent state and only targets known states', () => {
    expect(Object.keys(AGENT_STATE_TABLE).sort()).toEqual([...AGENT_STATES].sort());
    for (const row of Object.values(AGENT_STATE_TABLE)) for (const to of Object.keys(row)) expect(AGENT_STATES).toContain(to);
  });

  it.each<[AgentState, AgentState]>([
    ['offline', 'available'],
    ['available', 'away'],
    ['away', 'available'],
    ['wrap-up', 'available'],
    ['wrap-up', 'offline'],
    ['available', 'offline'],
  ])('lets the agent go %s → %s', (from, to) => {
    expect(canTransition(from, to, 'agent')).toBe(true);
  });

  it.each<[AgentState, AgentState]>([
    ['on-call', 'away'],
    ['on-call', 'offline'],
    ['on-call', 'available'],
    ['ringing', 'away'],
    ['offline', 'on-call'],
    ['available', 'on-call'],
    ['available', 'ringing'],
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
    expect(canTransition('wrap-up', 'ringing', 'ring')).toBe(false);
    expect(canTransition('on-call', 'wrap-up', 'agent')).toBe(false);
  });

  it('treats the same state as no transition', () => {
    for (const s of AGENT_STATES) expect(canTransition(s, s, 'agent')).toBe(false);
  });
});
