import { IvrStepLatency } from './ivr-step-latency';

describe(IvrStepLatency.name, () => {
  it('reports nearest-rank p50/p99 and the maximum, ms', () => {
    const sut = new IvrStepLatency();
    for (let ms = 1; ms <= 100; ms++) sut.record(ms / 10);
    expect(sut.summary()).toEqual({ count: 100, p50Ms: 5, p99Ms: 9.9, maxMs: 10 });
  });

  it('is all zeros without samples, and after reset', () => {
    const sut = new IvrStepLatency();
    expect(sut.summary()).toEqual({ count: 0, p50Ms: 0, p99Ms: 0, maxMs: 0 });
    sut.record(3);
    sut.reset();
    expect(sut.summary().count).toBe(0);
  });
});
