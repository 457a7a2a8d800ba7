import { BranchNode } from './branch.node';
import { isOpen, localTime } from './business-hours';
import { SimulatedIvrContext } from '../runtime/simulated-ivr.context';

const weekdays = { mon: ['09:00-17:00'], tue: ['09:00-17:00'], wed: ['09:00-17:00'], thu: ['09:00-17:00'], fri: ['09:00-12:00', '13:00-17:00'] };

function config(timeZone: string) {
  return new BranchNode().configSchema.parse({
    timeZone,
    calendar: { weekly: weekdays, holidays: ['2026-12-25'] },
    conditions: [
      { when: { variable: 'vip', equals: 'yes' }, next: 'vip' },
      { when: { callerNumber: { prefix: '+49' } }, next: 'german' },
      { when: { businessHours: true }, next: 'open' },
    ],
    default: 'closed',
  });
}

async function branchAt(iso: string, timeZone: string, extra: { callerNumber?: string; variables?: Record<string, string> } = {}): Promise<string> {
  const sut = new BranchNode();
  const t = await sut.execute(new SimulatedIvrContext({ at: new Date(iso), ...extra }), config(timeZone));
  return 'next' in t ? t.next : 'ended';
}

describe(BranchNode.name, () => {
  it('reads business hours in the node time zone: one instant, open in New York, closed in Berlin and Tokyo', async () => {
    // Wed 2026-11-18 16:30 UTC = 11:30 New York (EST), 17:30 Berlin (CET), 01:30 Thu Tokyo.
    const at = '2026-11-18T16:30:00Z';
    expect(await branchAt(at, 'America/New_York')).toBe('open');
    expect(await branchAt(at, 'Europe/Berlin')).toBe('closed');
    expect(await branchAt(at, 'Asia/Tokyo')).toBe('closed');
    // An hour earlier Berlin is open (16:30) and New York too (10:30).
    expect(await branchAt('2026-11-18T15:30:00Z', 'Europe/Berlin')).toBe('open');
    expect(await branchAt('2026-11-18T15:30:00Z', 'America/New_York')).toBe('open');
  });

  it('follows daylight saving time (07:30 UTC is 08:30 in Berlin in winter, 09:30 in summer)', async () => {
    expect(await branchAt('2026-01-07T07:30:00Z', 'Europe/Berlin')).toBe('closed'); // 08:30 CET
    expect(await branchAt('2026-07-08T07:30:00Z', 'Europe/Berlin')).toBe('open'); // 09:30 CEST
  });

  it('is closed on holidays, on weekends and in the lunch gap, in local date terms', async () => {
    expect(await branchAt('2026-12-25T15:00:00Z', 'America/New_York')).toBe('closed'); // Fri 10:00, holiday
    expect(await branchAt('2026-12-24T15:00:00Z', 'America/New_York')).toBe('open'); // Thu 10:00
    expect(await branchAt('2026-11-21T15:00:00Z', 'America/New_York')).toBe('closed'); // Saturday
    expect(await branchAt('2026-11-20T17:30:00Z', 'America/New_York')).toBe('closed'); // Fri 12:30 lunch
    expect(await branchAt('2026-11-20T18:30:00Z', 'America/New_York')).toBe('open'); // Fri 13:30
  });

  it('checks variables and the caller number before the calendar, first match wins', async () => {
    const closedAt = '2026-11-21T15:00:00Z';
    expect(await branchAt(closedAt, 'UTC', { variables: { vip: 'yes' }, callerNumber: '+4930123' })).toBe('vip');
    expect(await branchAt(closedAt, 'UTC', { callerNumber: '+4930123' })).toBe('german');
    expect(await branchAt(closedAt, 'UTC', { callerNumber: '+1212555' })).toBe('closed');
  });

  it('rejects an unknown time zone and businessHours without a calendar at validation', () => {
    const sut = new BranchNode();
    const bad = sut.configSchema.safeParse({ timeZone: 'Mars/Olympus', conditions: [{ when: { businessHours: true }, next: 'a' }], default: 'b' });
    expect(bad.success).toBe(false);
    const paths = bad.success ? [] : bad.error.issues.map((i) => i.path.join('.'));
    expect(paths).toContain('timeZone');
  });

  it('localTime gives weekday and minutes in the zone', () => {
    expect(localTime(new Date('2026-11-18T23:30:00Z'), 'Asia/Tokyo')).toEqual({ weekday: 'thu', date: '2026-11-19', minutes: 8 * 60 + 30 });
    expect(isOpen({ weekly: { thu: ['22:00-06:00'] }, holidays: [] }, new Date('2026-11-19T23:00:00Z'), 'UTC')).toBe(true);
  });
});

describe(`${BranchNode.name} config`, () => {
  const sut = new BranchNode();
  const issues = (when: unknown) => {
    const r = sut.configSchema.safeParse({ conditions: [{ when, next: 'a' }], default: 'b' });
    return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
  };

  it('names the failing field of the condition kind given (picked by its key)', () => {
    expect(issues({ callerNumber: { prefix: 1 } })).toEqual([{ path: 'conditions.0.when.callerNumber.prefix', message: expect.any(String) }]);
    expect(issues({ variable: 'x', matches: '(a)\\1' })).toEqual([{ path: 'conditions.0.when.matches', message: expect.stringMatching(/linear-time/) }]);
    expect(issues({ colour: 'red' })).toEqual([{ path: 'conditions.0.when', message: 'needs one of: variable, callerNumber, calledNumber, time, businessHours' }]);
    expect(issues({ time: { from: '09:00', to: '17:00' } })).toEqual([]);
  });
});
