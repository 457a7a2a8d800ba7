import { TtlCache } from './ttl-cache';

describe(TtlCache.name, () => {
  let now = 0;
  const sut = () => new TtlCache<string, number>(1000, () => now);

  it('loads once per key within the TTL, again after it', async () => {
    const cache = sut();
    let loads = 0;
    const load = async () => ++loads;
    now = 0;
    expect(await Promise.all([cache.get('a', load), cache.get('a', load)])).toEqual([1, 1]);
    now = 999;
    expect(await cache.get('a', load)).toBe(1);
    now = 1000;
    expect(await cache.get('a', load)).toBe(2);
  });

  it('does not keep a failed load', async () => {
    const cache = sut();
    now = 0;
    await expect(cache.get('a', () => Promise.reject(new Error('db down')))).rejects.toThrow('db down');
    expect(await cache.get('a', async () => 7)).toBe(7);
  });
});
