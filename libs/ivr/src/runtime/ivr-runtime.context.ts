import type { CallTarget } from '@callplane/calls';
import type { IvrCollectOptions, IvrCollectResult, IvrContext, IvrPlayOptions, IvrPlayResult } from './ivr-context';

/** What one step saw, for the call's IVR path. */
export interface IvrStepObservation {
  /** Digits collected during the step (timeouts leave no digit). */
  digits: string;
  /** Each collect of the step: digits and why it ended. */
  inputs: IvrCollectResult[];
  /** DTMF received → next prompt requested, ms (set on the step whose prompt followed a digit). */
  dtmfToPromptMs?: number;
}

/**
 * Shared state of the live and the simulated context: identity, variables, and what the
 * current step observed. The interpreter calls {@link enter} before each node and
 * {@link takeObservation} after it.
 */
export abstract class IvrRuntimeContext implements IvrContext {
  flowId = '';
  flowVersion = 0;
  nodeId = '';
  abstract readonly simulated: boolean;
  protected observation: IvrStepObservation = { digits: '', inputs: [] };

  constructor(
    readonly callId: string,
    readonly callerNumber: string,
    readonly calledNumber: string,
    readonly variables: Record<string, string>,
  ) {}

  enter(flowId: string, flowVersion: number, nodeId: string): void {
    this.flowId = flowId;
    this.flowVersion = flowVersion;
    this.nodeId = nodeId;
  }

  /** The interpreter is about to hang up because the flow failed (error, step limit). */
  failing(): void {
    // Nothing to note by default; the live context marks the call FAILED.
  }

  takeObservation(): IvrStepObservation {
    const o = this.observation;
    this.observation = { digits: '', inputs: [] };
    return o;
  }

  protected observeInput(result: IvrCollectResult): void {
    this.observation.digits += result.digits;
    this.observation.inputs.push(result);
  }

  abstract now(): Date;
  abstract play(prompts: string[], options?: IvrPlayOptions): Promise<IvrPlayResult>;
  abstract collectDigits(options: IvrCollectOptions): Promise<IvrCollectResult>;
  abstract answer(): Promise<void>;
  abstract hangup(cause?: number): Promise<void>;
  abstract transfer(target: { extension: string; context?: string }): Promise<void>;
  abstract record(options: { name: string; maxDurationS: number; beep: boolean }): Promise<void>;
  abstract handOff(target: CallTarget): Promise<void>;
}
