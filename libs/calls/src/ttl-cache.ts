/** How long configuration read on the call path (routes, queues, members) is reused, ms. */
export const CONFIG_CACHE_TTL_MS = 2000;

/**
 * A small read-through cache with a time-to-live, for configuration the call path reads on
 * every call (so 100 calls/s cost one query per key per TTL, not 100). Concurrent misses of one
 * key share one load; a failed load is not cached. Changes made elsewhere show after ≤ `ttlMs`.
 */
export class TtlCache<K, V> {
  private readonly entries = new Map<K, { at: number; value: Promise<V> }>();

  constructor(private readonly ttlMs: number = CONFIG_CACHE_TTL_MS, private readonly now: () => number = Date.now) {}

  get(key: K, load: () => Promise<V>): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.now() - hit.at < this.ttlMs) return hit.value;
    const value = load();
    this.entries.set(key, { at: this.now(), value });
    value.catch(() => {
      if (this.entries.get(key)?.value === value) this.entries.delete(key);
    });
    if (this.entries.size > 10_000) this.prune();
    return value;
  }

  /** Forget one key (or everything). */
  invalidate(key?: K): void {
    if (key === undefined) this.entries.clear();
    else this.entries.delete(key);
  }

  private prune(): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (t - e.at >= this.ttlMs) this.entries.delete(k);
  }
}
