import type { LiveCall } from '@callplane/calls';
import type { QueueEntity } from '@callplane/persistence';
import { QueueEntry, QueueEntryStateError, compareEntries, moveEntry } from './queue-entry';

let seq = 0;
const entry = (priority: number, enqueuedAtMs: number, state: QueueEntry['state'] = 'waiting'): QueueEntry => ({
  call: { id: `call-${seq}` } as LiveCall,
  queue: {} as QueueEntity,
  priority,
  enqueuedAt: new Date(enqueuedAtMs),
  seq: seq++,
  state,
  ringing: new Map(),
  tried: new Set(),
});

describe('queue entries', () => {
  it('serves higher priority first, then the earliest enqueued, then arrival order', () => {
    const low = entry(0, 1000);
    const high = entry(5, 3000);
    const early = entry(0, 500);
    const sameTimeLater = entry(0, 500);
    expect([low, sameTimeLater, high, early].sort(compareEntries)).toEqual([high, early, sameTimeLater, low]);
  });

  it('moves along the table and refuses illegal moves with a stable code', () => {
    const sut = entry(0, 0, 'greeting');
    moveEntry(sut, 'waiting');
    moveEntry(sut, 'ringing');
    moveEntry(sut, 'connected');
    expect(() => moveEntry(sut, 'waiting')).toThrow(QueueEntryStateError);
    expect(() => moveEntry(sut, 'ringing')).toThrow(expect.objectContaining({ code: 'queue-entry-illegal' }));
    moveEntry(sut, 'ended');
    expect(sut.state).toBe('ended');
  });
});
