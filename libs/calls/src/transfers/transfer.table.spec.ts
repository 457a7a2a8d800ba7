import { TRANSFER_EVENTS, TRANSFER_FINAL_STATES, TRANSFER_STATES, TRANSFER_TABLE, TransferTransitionError, nextTransferState } from './transfer.table';

describe('transfer table', () => {
  it('walks an attended transfer: ringing → consulting → swapped → consulting → conference → completed', () => {
    let s = nextTransferState('consult-ringing', 'target-answered');
    expect(s).toBe('consulting');
    s = nextTransferState(s, 'swap');
    expect(s).toBe('swapped');
    s = nextTransferState(s, 'swap');
    expect(s).toBe('consulting');
    s = nextTransferState(s, 'conference');
    expect(s).toBe('conference');
    expect(nextTransferState(s, 'complete')).toBe('completed');
  });

  it('returns the agent to the caller when the target fails or hangs up before completion', () => {
    expect(nextTransferState('consult-ringing', 'target-failed')).toBe('cancelled');
    expect(nextTransferState('consulting', 'target-hangup')).toBe('cancelled');
    expect(nextTransferState('swapped', 'target-hangup')).toBe('cancelled');
  });

  it('completes an attended transfer when the agent hangs up (a ringing target becomes a blind dial)', () => {
    expect(nextTransferState('consulting', 'agent-hangup')).toBe('completed');
    expect(nextTransferState('consult-ringing', 'agent-hangup')).toBe('dialing');
    expect(nextTransferState('dialing', 'target-answered')).toBe('completed');
  });

  it('refuses complete before the target answered, and every command once final, with the current state', () => {
    expect(() => nextTransferState('consult-ringing', 'complete')).toThrow(TransferTransitionError);
    for (const state of TRANSFER_FINAL_STATES) {
      for (const event of TRANSFER_EVENTS) {
        const err = (() => {
          try {
            nextTransferState(state, event);
          } catch (e) {
            return e as TransferTransitionError;
          }
          return undefined;
        })();
        expect(err).toBeInstanceOf(TransferTransitionError);
        expect(err?.httpStatus).toBe(409);
        expect(err?.details).toEqual({ state, event });
      }
    }
  });

  it('ends every live state when the caller hangs up, and only final states have no way out', () => {
    for (const state of TRANSFER_STATES) {
      const final = TRANSFER_FINAL_STATES.has(state);
      expect(Object.keys(TRANSFER_TABLE[state]).length === 0).toBe(final);
      if (!final) expect(nextTransferState(state, 'caller-hangup')).toBe('ended');
    }
  });
});
