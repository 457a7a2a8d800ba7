import { KeyedTrailingThrottle } from './keyed-throttle';

describe(KeyedTrailingThrottle.name, () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('coalesces hits per key into one trailing flush per window', () => {
    const flushed: string[] = [];
    const sut = new KeyedTrailingThrottle<string>(250, (k) => flushed.push(k));

    sut.hit('q1');
    sut.hit('q1');
    sut.hit('q2');
    jest.advanceTimersByTime(249);
    sut.hit('q1');
    expect(flushed).toEqual([]);
    jest.advanceTimersByTime(1);
    expect(flushed).toEqual(['q1', 'q2']);

    // A hit after the flush opens a new window: the newest change is never dropped.
    sut.hit('q1');
    jest.advanceTimersByTime(250);
    expect(flushed).toEqual(['q1', 'q2', 'q1']);
    expect(sut.pending).toBe(0);
  });

  it('clear() drops pending flushes', () => {
    const flushed: string[] = [];
    const sut = new KeyedTrailingThrottle<string>(250, (k) => flushed.push(k));
    sut.hit('q1');
    sut.clear();
    jest.advanceTimersByTime(1000);
    expect(flushed).toEqual([]);
  });
});
