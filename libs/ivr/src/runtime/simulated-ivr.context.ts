import type { CallTarget } from '@callplane/calls';
import type { IvrCollectOptions, IvrCollectResult, IvrPlayOptions, IvrPlayResult } from './ivr-context';
import { IvrRuntimeContext } from './ivr-runtime.context';

/** Something the flow did to the call in a simulation. */
export type IvrSimulatedAction =
  | { action: 'play'; nodeId: string; prompts: string[]; bargedIn: boolean }
  | { action: 'answer'; nodeId: string }
  | { action: 'hangup'; nodeId: string; cause: number }
  | { action: 'transfer'; nodeId: string; extension: string; context?: string }
  | { action: 'record'; nodeId: string; name: string; maxDurationS: number }
  | { action: 'hand-off'; nodeId: string; target: CallTarget };

export interface SimulatedCallInput {
  /**
   * What the caller keys. A string: one continuous stream of key presses. A list: one entry per
   * input the flow asks for, each followed by silence; `''` = the caller stays silent (timeout).
   * When input runs out, every further collect times out.
   */
  digits?: string | string[];
  variables?: Record<string, string>;
  /** Simulated wall-clock time of the call start (time-of-day branches). Default now. */
  at?: Date;
  callerNumber?: string;
  calledNumber?: string;
}

/**
 * The IvrContext of `simulate`: no PBX. Prompts "play" instantly, digits come from the given
 * input, timeouts advance a simulated clock, hand-offs and hangups are only recorded.
 */
export class SimulatedIvrContext extends IvrRuntimeContext {
  readonly simulated = true;
  readonly actions: IvrSimulatedAction[] = [];
  private readonly groups: string[];
  private clockMs: number;

  constructor(input: SimulatedCallInput) {
    super('simulation', input.callerNumber ?? 'anonymous', input.calledNumber ?? '', { ...(input.variables ?? {}) });
    this.groups = typeof input.digits === 'string' ? [input.digits] : [...(input.digits ?? [])];
    this.clockMs = (input.at ?? new Date()).getTime();
  }

  now(): Date {
    return new Date(this.clockMs);
  }

  async play(prompts: string[], options: IvrPlayOptions = {}): Promise<IvrPlayResult> {
    const bargedIn = !!options.bargeIn && (this.groups[0]?.length ?? 0) > 0;
    this.actions.push({ action: 'play', nodeId: this.nodeId, prompts, bargedIn });
    return { bargedIn };
  }

  async collectDigits(options: IvrCollectOptions): Promise<IvrCollectResult> {
    let digits = '';
    const result = (reason: IvrCollectResult['reason']): IvrCollectResult => {
      const r = { digits, reason };
      this.observeInput(r);
      return r;
    };
    if (this.groups.length === 0) {
      this.clockMs += options.timeoutMs;
      return result('timeout');
    }
    let group = this.groups[0];
    while (group.length > 0) {
      const key = group[0];
      group = group.slice(1);
      this.groups[0] = group;
      if (options.terminator && key === options.terminator) return this.consumed(result('terminator'));
      digits += key;
      if (digits.length >= options.max) return this.consumed(result('max'));
    }
    // The group ran out before the collect was satisfied: silence follows.
    this.groups.shift();
    this.clockMs += digits ? options.interDigitTimeoutMs : options.timeoutMs;
    return result(digits ? 'inter-digit-timeout' : 'timeout');
  }

  async answer(): Promise<void> {
    this.actions.push({ action: 'answer', nodeId: this.nodeId });
  }

  async hangup(cause = 16): Promise<void> {
    this.actions.push({ action: 'hangup', nodeId: this.nodeId, cause });
  }

  async transfer(target: { extension: string; context?: string }): Promise<void> {
    this.actions.push({ action: 'transfer', nodeId: this.nodeId, ...target });
  }

  async record(options: { name: string; maxDurationS: number }): Promise<void> {
    this.actions.push({ action: 'record', nodeId: this.nodeId, name: options.name, maxDurationS: options.maxDurationS });
  }

  async handOff(target: CallTarget): Promise<void> {
    this.actions.push({ action: 'hand-off', nodeId: this.nodeId, target });
  }

  /** A satisfied collect leaves the rest of its group as type-ahead; an emptied group is done. */
  private consumed(r: IvrCollectResult): IvrCollectResult {
    if (this.groups[0] === '') this.groups.shift();
    return r;
  }
}
