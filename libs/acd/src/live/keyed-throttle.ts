/**
 * Trailing throttle per key: the first `hit(key)` starts a window of `windowMs`; further hits in
 * the window are coalesced; when it closes, `flush(key)` runs once. A key therefore flushes at
 * most once per window, and always after its last hit (never drops the newest change).
 */
export class KeyedTrailingThrottle<K> {
  private readonly timers = new Map<K, NodeJS.Timeout>();

  constructor(
    private readonly windowMs: number,
    private readonly flush: (key: K) => void,
  ) {}

  hit(key: K): void {
    if (this.timers.has(key)) return;
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.flush(key);
    }, this.windowMs);
    timer.unref?.();
    this.timers.set(key, timer);
  }

  /** Keys with a flush pending. */
  get pending(): number {
    return this.timers.size;
  }

  /** Drops every pending flush. */
  clear(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
