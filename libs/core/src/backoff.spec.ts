import { retryForever } from './backoff';

describe(retryForever.name, () => {
  const policy = { initialMs: 1, maxMs: 4, factor: 2 };

  it('keeps trying until the attempt succeeds, reporting each failure', async () => {
    let calls = 0;
    const failures: number[] = [];
    const sut = retryForever(
      async () => {
        calls++;
        if (calls < 15) throw new Error(`refused ${calls}`);
        return 'connected';
      },
      { policy, shouldContinue: () => true, onFailure: (_e, n) => failures.push(n) },
    );
    await expect(sut).resolves.toBe('connected');
    expect(calls).toBe(15);
    expect(failures).toEqual(Array.from({ length: 14 }, (_, i) => i + 1));
  });

  it('stops with the last error once shouldContinue turns false (shutdown)', async () => {
    let calls = 0;
    const sut = retryForever(
      async () => {
        calls++;
        throw new Error(`refused ${calls}`);
      },
      { policy, shouldContinue: () => calls < 3 },
    );
    await expect(sut).rejects.toThrow('refused 3');
  });
});
