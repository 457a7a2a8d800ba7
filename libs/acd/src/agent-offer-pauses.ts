/**
 * Per-agent "next offer not before" times after a missed offer (mod_callcenter
 * no-answer-delay-time / reject-delay-time / busy-delay-time), each with one timer that calls
 * `ended(agentId)` when the pause is over. Times are ms since the epoch from `Date.now()`
 * (jest fake timers move both).
 */
export class AgentOfferPauses {
  private readonly until = new Map<string, number>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly ended: (agentId: string) => void) {}

  /** Pause offers to the agent until `untilMs` (ms epoch); a longer pause already set wins. */
  pause(agentId: string, untilMs: number): void {
    const now = Date.now();
    if (untilMs <= now || untilMs <= (this.until.get(agentId) ?? 0)) return;
    this.clear(agentId);
    this.until.set(agentId, untilMs);
    const timer = setTimeout(() => {
      this.timers.delete(agentId);
      this.until.delete(agentId);
      this.ended(agentId);
    }, untilMs - now);
    timer.unref?.();
    this.timers.set(agentId, timer);
  }

  /** ms epoch before which the agent must not be offered; 0 = offerable now. */
  offerableAt(agentId: string): number {
    const at = this.until.get(agentId) ?? 0;
    return at > Date.now() ? at : 0;
  }

  /** Ends the agent's pause without calling `ended`. */
  clear(agentId: string): void {
    clearTimeout(this.timers.get(agentId));
    this.timers.delete(agentId);
    this.until.delete(agentId);
  }

  clearAll(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.until.clear();
  }
}
