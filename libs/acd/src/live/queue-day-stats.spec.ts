import { QueueDayStats, startOfLocalDay } from './queue-day-stats';

/** Local wall-clock times (the stats count per local day of the server). */
const at = (h: number, m = 0, s = 0, day = 4): number => new Date(2026, 11, day, h, m, s).getTime();
const S = 1000;

describe(QueueDayStats.name, () => {
  it('service level = answered within the threshold ÷ (answered + abandoned after it); short abandons do not count', () => {
    const now = at(10);
    const sut = new QueueDayStats(now);
    sut.answered('a1', 5 * S, now, now); // in time
    sut.answered('a2', 20 * S, now, now); // exactly at the threshold: in time
    sut.answered('a3', 45 * S, now, now); // late
    sut.abandoned('x1', 3 * S, now, now); // short abandon: excluded
    sut.abandoned('x2', 60 * S, now, now); // late abandon: against the SL

    expect(sut.view(20, now)).toEqual({
      since: new Date(at(0)).toISOString(),
      answered: 3,
      abandoned: 2,
      abandonedWithinThreshold: 1,
      overflowed: 0,
      callbacksRequested: 0,
      serviceLevelS: 20,
      serviceLevelPct: 50, // 2 / (3 + 1)
      averageSpeedOfAnswerS: 23.3, // (5 + 20 + 45) / 3
    });
  });

  it('callers sent away unanswered (max wait, leave key) after the threshold count against the service level', () => {
    const now = at(10);
    const sut = new QueueDayStats(now);
    sut.answered('a1', 5 * S, now, now);
    sut.overflowed('o1', 120 * S, now, now); // max wait
    sut.overflowed('o2', 4 * S, now, now); // leave key pressed early: like a short abandon
    expect(sut.view(20, now)).toMatchObject({ answered: 1, overflowed: 2, serviceLevelPct: 50 });
    // Nobody answered, everyone timed out: 0 %, not "no service level".
    const empty = new QueueDayStats(now);
    empty.overflowed('o3', 120 * S, now, now);
    expect(empty.view(20, now).serviceLevelPct).toBe(0);
  });

  it('a callback request is neither an abandon nor in the service level, and its later NO_ANSWER end is not counted again', () => {
    const now = at(10);
    const sut = new QueueDayStats(now);
    sut.answered('a1', 5 * S, now, now);
    expect(sut.callbackRequested('cb1', now, now)).toBe(true);
    expect(sut.overflowed('cb1', 300 * S, now, now)).toBe(false);
    expect(sut.view(20, now)).toMatchObject({ answered: 1, abandoned: 0, overflowed: 0, callbacksRequested: 1, serviceLevelPct: 100 });
  });

  it('applies a changed threshold to the whole day', () => {
    const now = at(10);
    const sut = new QueueDayStats(now);
    sut.answered('a1', 5 * S, now, now);
    sut.answered('a2', 30 * S, now, now);
    expect(sut.view(20, now).serviceLevelPct).toBe(50);
    expect(sut.view(30, now).serviceLevelPct).toBe(100);
  });

  it('has no service level or ASA before any call counts, and only abandons give no ASA', () => {
    const now = at(9);
    const sut = new QueueDayStats(now);
    expect(sut.view(20, now)).toMatchObject({ answered: 0, abandoned: 0, serviceLevelPct: null, averageSpeedOfAnswerS: null });
    sut.abandoned('x1', 2 * S, now, now);
    expect(sut.view(20, now)).toMatchObject({ abandoned: 1, serviceLevelPct: null, averageSpeedOfAnswerS: null });
    sut.abandoned('x2', 25 * S, now, now);
    expect(sut.view(20, now)).toMatchObject({ abandoned: 2, serviceLevelPct: 0 });
  });

  it('counts a call once, however often it is reported (start-up read and bus)', () => {
    const now = at(11);
    const sut = new QueueDayStats(now);
    expect(sut.answered('a1', 4 * S, now, now)).toBe(true);
    expect(sut.answered('a1', 4 * S, now, now)).toBe(false);
    expect(sut.abandoned('a1', 4 * S, now, now)).toBe(false);
    expect(sut.view(20, now)).toMatchObject({ answered: 1, abandoned: 0 });
  });

  it('starts from zero at local midnight and ignores calls of the day before', () => {
    const sut = new QueueDayStats(at(23, 59, 0));
    sut.answered('late', 10 * S, at(23, 59, 30), at(23, 59, 30));
    expect(sut.view(20, at(23, 59, 59)).answered).toBe(1);

    const after = at(0, 0, 1, 5);
    expect(sut.view(20, after)).toMatchObject({ since: new Date(at(0, 0, 0, 5)).toISOString(), answered: 0, serviceLevelPct: null });
    // Reported after midnight, answered before: yesterday's.
    expect(sut.answered('straggler', 10 * S, at(23, 59, 58), after)).toBe(false);
    expect(sut.answered('new', 2 * S, after, after)).toBe(true);
    expect(sut.view(20, after)).toMatchObject({ answered: 1, averageSpeedOfAnswerS: 2 });
  });

  it('startOfLocalDay is local midnight', () => {
    expect(startOfLocalDay(at(15, 42, 7))).toBe(at(0));
    expect(startOfLocalDay(at(0))).toBe(at(0));
  });
});
