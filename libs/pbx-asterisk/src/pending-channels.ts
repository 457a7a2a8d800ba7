import type { ChannelOrigin } from './channel.tracker';

interface Pending {
  origin: Extract<ChannelOrigin, 'created' | 'snoop'>;
  endpoint?: string;
  entered: boolean;
  waiters: Array<(entered: boolean) => void>;
}

/**
 * Channels callplane is creating (originate legs, snoops), registered under their pre-chosen
 * id *before* the request goes out: their `StasisStart` can arrive before the HTTP answer and
 * must not be offered as an inbound call. `POST /channels/{id}/dial` before that `StasisStart`
 * fails with 409 (recorded quirk, fixtures README), so originate waits for it here.
 */
export class PendingChannels {
  private readonly pending = new Map<string, Pending>();

  add(id: string, origin: Pending['origin'], endpoint?: string): void {
    this.pending.set(id, { origin, endpoint, entered: false, waiters: [] });
  }

  /** Called on StasisStart: returns how we created it (undefined = not ours). */
  entered(id: string): { origin: Pending['origin']; endpoint?: string } | undefined {
    const p = this.pending.get(id);
    if (!p) return undefined;
    p.entered = true;
    for (const w of p.waiters.splice(0)) w(true);
    if (p.origin === 'snoop') this.pending.delete(id);
    return { origin: p.origin, endpoint: p.endpoint };
  }

  has(id: string): boolean {
    return this.pending.has(id);
  }

  /** Resolves true once the channel entered Stasis, false if it ended first or after `timeoutMs`. */
  waitEntered(id: string, timeoutMs: number): Promise<boolean> {
    const p = this.pending.get(id);
    if (!p) return Promise.resolve(false);
    if (p.entered) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      const done = (ok: boolean): void => {
        clearTimeout(timer);
        resolve(ok);
      };
      p.waiters.push(done);
    });
  }

  /** The channel ended (or the request failed): wake waiters with false and forget it. */
  remove(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    for (const w of p.waiters.splice(0)) w(false);
  }

  clear(): void {
    for (const id of [...this.pending.keys()]) this.remove(id);
  }
}
