import { measureIvrStepLatency } from './ivr-latency.bench';

// Not a timed assertion: checks that the bench measures one sample per call on both PBXes.
describe(measureIvrStepLatency.name, () => {
  it.each(['asterisk', 'freeswitch'] as const)('measures DTMF → next prompt once per call on %s', async (pbx) => {
    const r = await measureIvrStepLatency({ pbx, calls: 20 });
    expect(r.count).toBe(20);
    expect(r.p50Ms).toBeGreaterThan(0);
    expect(r.p99Ms).toBeGreaterThanOrEqual(r.p50Ms);
  });
});
