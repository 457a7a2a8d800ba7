import { randomUUID } from 'node:crypto';
import { overflowPlan } from './queue-overflow';

describe(overflowPlan.name, () => {
  const id = randomUUID();
  const plan = (overflowTargetType: string | null, overflowTargetId: string | null) => overflowPlan({ id, overflowTargetType: overflowTargetType as never, overflowTargetId });

  it('no target or hangup: NO_ANSWER hangup', () => {
    expect(plan(null, null)).toEqual({ kind: 'hangup' });
    expect(plan('hangup', null)).toEqual({ kind: 'hangup' });
  });

  it('queue and IVR targets by id; a queue never overflows into itself', () => {
    const other = randomUUID();
    expect(plan('queue', other)).toEqual({ kind: 'queue', queueId: other });
    expect(plan('ivr', other)).toEqual({ kind: 'ivr', flowId: other });
    expect(plan('queue', id)).toMatchObject({ kind: 'invalid' });
    expect(plan('queue', 'sales')).toMatchObject({ kind: 'invalid' });
    expect(plan('ivr', null)).toMatchObject({ kind: 'invalid' });
  });

  it('voicemail boxes are digits only (they become a dialplan extension)', () => {
    expect(plan('voicemail', '4711')).toEqual({ kind: 'voicemail', box: '4711' });
    expect(plan('voicemail', '47 11')).toMatchObject({ kind: 'invalid' });
    expect(plan('voicemail', '4711\r\nEvent: x')).toMatchObject({ kind: 'invalid' });
    expect(plan('voicemail', '')).toMatchObject({ kind: 'invalid' });
  });

  it('an unknown target type is invalid', () => {
    expect(plan('fax', 'x')).toMatchObject({ kind: 'invalid' });
  });
});
