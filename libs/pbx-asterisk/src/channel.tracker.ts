import { Q850, type ChannelDirection, type ChannelState } from '@callplane/pbx';

/**
 * How a channel came into callplane's Stasis app; decides which end-of-life events Asterisk
 * sends (recorded in /work/shared/fixtures/asterisk):
 * - `dialplan`: `Stasis(app)` from the dialplan → `StasisEnd`, no `ChannelDestroyed`;
 * - `created`: `POST /channels/create` → `StasisEnd` then `ChannelDestroyed`;
 * - `snoop`: `POST /channels/{id}/snoop` → `StasisEnd`, no `ChannelDestroyed`;
 * - `transfer`: a Local channel of a phone's blind transfer (`replace_channel`);
 * - `adopted`: found in Stasis at resync (origin unknown).
 */
export type ChannelOrigin = 'dialplan' | 'created' | 'snoop' | 'transfer' | 'adopted';

export interface TrackedChannel {
  readonly id: string;
  readonly origin: ChannelOrigin;
  readonly direction: ChannelDirection;
  /** Endpoint resource for originated legs. */
  endpoint?: string;
  bridgeId?: string;
  lastState?: ChannelState;
  inStasis: boolean;
  /** `ChannelHangupRequest` seen, or we sent `DELETE /channels/{id}`. */
  hangupRequested: boolean;
  /** Q.850 cause of a non-soft `ChannelHangupRequest`. */
  requestCause?: number;
  /** Cause we asked for in `hangup()`. */
  ourCause?: number;
  amiHangupSeen: boolean;
  /** Non-zero AMI `Hangup` `Cause`. */
  amiCause?: number;
  /** Sent to the dialplan by `redirect()`: leaves Stasis alive; its end is seen on AMI only. */
  redirected: boolean;
  /** ms epoch when tracking started (resync only sweeps channels tracked before its snapshot). */
  readonly since: number;
  timer?: NodeJS.Timeout;
}

export interface ChannelTrackerOptions {
  /** Emits `channel.hangup`; called exactly once per tracked channel. */
  /** `lostAt`: the PBX restarted under the channel; it was last known alive then. */
  onHangup: (channelId: string, cause: number, lostAt?: Date) => void;
  /** Whether AMI is connected (else no AMI `Hangup` will come: do not wait for it). */
  amiUp: () => boolean;
  /** Asks ARI whether a channel still exists (GET /channels/{id}); resolves false when gone. */
  exists: (channelId: string) => Promise<boolean>;
  /** How long to wait for the AMI `Hangup` / `ChannelDestroyed` that usually follows `StasisEnd`, ms. */
  settleMs?: number;
}

/**
 * Emits `channel.hangup` exactly once per channel with the best Q.850 cause Asterisk gives:
 * `ChannelDestroyed.cause`, else a non-soft `ChannelHangupRequest.cause`, else the AMI `Hangup`
 * `Cause` of that Uniqueid, else the cause we asked for, else 16. Dialplan channels get no
 * `ChannelDestroyed` after `StasisEnd`, and a soft hangup request's `cause` is the
 * AST_SOFTHANGUP flag (32), not Q.850 (recorded: inbound-answer-play-hangup); hence the wait for
 * AMI after `StasisEnd`.
 */
export class ChannelTracker {
  private readonly channels = new Map<string, TrackedChannel>();
  private readonly settleMs: number;

  constructor(private readonly options: ChannelTrackerOptions) {
    this.settleMs = options.settleMs ?? 500;
  }

  get size(): number {
    return this.channels.size;
  }

  get(id: string): TrackedChannel | undefined {
    return this.channels.get(id);
  }

  all(): IterableIterator<TrackedChannel> {
    return this.channels.values();
  }

  /** Starts tracking (idempotent: returns the existing entry). */
  track(id: string, origin: ChannelOrigin, direction: ChannelDirection, endpoint?: string): TrackedChannel {
    let t = this.channels.get(id);
    if (t) return t;
    t = { id, origin, direction, inStasis: true, hangupRequested: false, amiHangupSeen: false, redirected: false, since: Date.now() };
    if (endpoint) t.endpoint = endpoint;
    this.channels.set(id, t);
    return t;
  }

  onHangupRequest(id: string, cause: number | undefined, soft: boolean | undefined): void {
    const t = this.channels.get(id);
    if (!t) return;
    t.hangupRequested = true;
    if (!soft && typeof cause === 'number' && cause > 0) t.requestCause = cause;
  }

  noteOurHangup(id: string, cause: number): void {
    const t = this.channels.get(id);
    if (!t) return;
    t.hangupRequested = true;
    t.ourCause = cause;
  }

  noteRedirect(id: string): void {
    const t = this.channels.get(id);
    if (t) t.redirected = true;
  }

  onDestroyed(id: string, cause: number): void {
    const t = this.channels.get(id);
    if (t) this.finish(t, cause > 0 ? cause : this.bestCause(t));
  }

  onStasisEnd(id: string): void {
    const t = this.channels.get(id);
    if (!t) return;
    t.inStasis = false;
    if (t.redirected && !t.hangupRequested) {
      // Alive in the dialplan now; only AMI Hangup (or a resync) ends it.
      if (t.amiHangupSeen) this.finish(t, this.bestCause(t));
      return;
    }
    if (t.origin === 'created' || t.origin === 'adopted') {
      // ChannelDestroyed follows for created channels; do not wait forever for it.
      this.settle(t, this.settleMs * 2);
      return;
    }
    if (t.requestCause !== undefined || t.amiHangupSeen || !this.options.amiUp()) this.finish(t, this.bestCause(t));
    else if (t.hangupRequested) this.settle(t, this.settleMs);
    else this.settle(t, this.settleMs, true);
  }

  onAmiHangup(id: string, cause: number | undefined): void {
    const t = this.channels.get(id);
    if (!t) return;
    t.amiHangupSeen = true;
    if (cause !== undefined) t.amiCause = cause;
    if (!t.inStasis && (t.origin !== 'created' || t.redirected)) this.finish(t, this.bestCause(t));
  }

  /** Resync found the channel gone (it ended while a link was down). */
  vanished(id: string, lostAt?: Date): void {
    const t = this.channels.get(id);
    if (t) this.finish(t, lostAt ? Q850.NORMAL_TEMPORARY_FAILURE : this.bestCause(t), lostAt);
  }

  /** Stops every timer and forgets all channels (driver stop; no events). */
  clear(): void {
    for (const t of this.channels.values()) if (t.timer) clearTimeout(t.timer);
    this.channels.clear();
  }

  private bestCause(t: TrackedChannel): number {
    return t.requestCause ?? t.amiCause ?? t.ourCause ?? Q850.NORMAL_CLEARING;
  }

  /** Waits `ms` for a better cause; `verify`: it left Stasis without a hangup request, so ask ARI whether it still exists. */
  private settle(t: TrackedChannel, ms: number, verify = false): void {
    if (t.timer) clearTimeout(t.timer);
    t.timer = setTimeout(() => {
      t.timer = undefined;
      if (!verify) return this.finish(t, this.bestCause(t));
      this.options.exists(t.id).then(
        (alive) => {
          if (alive) t.redirected = true; // continued in the dialplan by someone else
          else this.finish(t, this.bestCause(t));
        },
        // ARI is down: the resync after reconnect decides.
        () => undefined,
      );
    }, ms);
    t.timer.unref();
  }

  private finish(t: TrackedChannel, cause: number, lostAt?: Date): void {
    if (this.channels.get(t.id) !== t) return;
    if (t.timer) clearTimeout(t.timer);
    this.channels.delete(t.id);
    this.options.onHangup(t.id, cause, lostAt);
  }
}
