import type { LiveCall } from '@callplane/calls';
import type { QueueEntity } from '@callplane/persistence';
import type { QueueEntry } from '../queue-entry';
import { summarizeWaiting } from './queue-waiting';

const T0 = Date.UTC(2026, 11, 4, 12, 0, 0);
let seq = 0;
const entry = (state: QueueEntry['state'], enqueuedAtMs: number, priority = 0): QueueEntry => ({
  call: { id: `c${++seq}`, nodeId: 'n1' } as LiveCall,
  queue: { id: 'q1' } as QueueEntity,
  priority,
  enqueuedAt: new Date(enqueuedAtMs),
  seq,
  state,
  ringing: new Map(),
  tried: new Set(),
});

describe(summarizeWaiting.name, () => {
  it('nobody waiting', () => {
    expect(summarizeWaiting([], T0)).toEqual({ waiting: 0, ringing: 0, longestWaitS: 0, longestWaitSinceMs: undefined, head: undefined });
  });

  it('counts greeting, waiting and ringing callers; the longest wait is the earliest entry, whole seconds', () => {
    const vip = entry('waiting', T0 - 5_000, 10);
    const entries = [vip, entry('ringing', T0 - 42_900), entry('greeting', T0 - 1_000), entry('connected', T0 - 90_000), entry('timed-out', T0 - 200_000)];
    expect(summarizeWaiting(entries, T0)).toEqual({ waiting: 3, ringing: 1, longestWaitS: 42, longestWaitSinceMs: T0 - 42_900, head: vip });
    // The clock moves on: the same callers have waited longer.
    expect(summarizeWaiting(entries, T0 + 60_000).longestWaitS).toBe(102);
  });

  it('the head is the first caller in service order no offer rings for', () => {
    const ringing = entry('ringing', T0 - 10_000);
    const next = entry('waiting', T0 - 8_000);
    expect(summarizeWaiting([ringing, next], T0).head).toBe(next);
    expect(summarizeWaiting([ringing], T0).head).toBeUndefined();
  });
});
