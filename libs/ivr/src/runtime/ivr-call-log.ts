import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CallRecordsService, LiveCallRegistry } from '@callplane/calls';
import { CallEntity } from '@callplane/persistence';
import type { IvrRunResult, IvrStep } from './ivr-interpreter';

/**
 * Where the IVR writes what a call did (the call's `call_events` and call row). The default
 * binding, {@link CallRecordsIvrCallLog}, writes through the call engine's CallRecordsService.
 */
/**
 * Dispositions a flow decides (calls.disposition): `IVR_COMPLETED` when the flow hangs the
 * caller up itself (a `hangup` node, a menu out of retries). A caller who hangs up inside the
 * flow needs no outcome: the call engine records `IVR_ABANDONED` (see {@link IvrCallLog.answered}).
 */
export type IvrCallOutcome = 'TRANSFERRED' | 'VOICEMAIL' | 'FAILED' | 'IVR_COMPLETED';

export abstract class IvrCallLog {
  /** The call entered a flow version (→ `calls.ivrFlowId`, `calls.ivrFlowVersion`, event `ivr.started`). */
  abstract flowStarted(callId: string, flowId: string, version: number): Promise<void>;
  /** One executed node (→ event `ivr.node` `{ nodeId, type, digits, result, ms, dtmfToPromptMs?, flowId, flowVersion }`). */
  abstract step(callId: string, step: IvrStep): Promise<void>;
  /** The flow is over (→ event `ivr.ended`). */
  abstract flowEnded(callId: string, result: IvrRunResult): Promise<void>;
  /**
   * The flow is about to end the call its own way: the disposition the call row gets when the
   * caller's channel goes (set before the transfer / recording / error hangup, so it wins the race).
   */
  abstract markOutcome(callId: string, disposition: IvrCallOutcome): void;
  /**
   * The flow took an answered call (or answered it) at `at`: the call row's `answeredAt` (unless
   * it has one), and the call counts as served by the IVR until {@link handedOff}.
   */
  abstract answered(callId: string, at: Date): Promise<void>;
  /**
   * The flow hands the call to another target (`queue`, `true`), or that hand-off failed and the
   * flow keeps the call (`false`). Once handed off, the target's dispositions apply.
   */
  abstract handedOff(callId: string, handedOff: boolean): void;
  /** The flow version recorded on the call (`calls.ivrFlowVersion`), for adopting it after a restart. */
  abstract flowVersionOf(callId: string): Promise<number | undefined>;
}

/** {@link IvrCallLog} over @callplane/calls. */
@Injectable()
export class CallRecordsIvrCallLog extends IvrCallLog {
  constructor(
    private readonly records: CallRecordsService,
    private readonly live: LiveCallRegistry,
    private readonly dataSource: DataSource,
  ) {
    super();
  }

  async flowStarted(callId: string, flowId: string, version: number): Promise<void> {
    await this.records.update(callId, { ivrFlowId: flowId, ivrFlowVersion: version });
    await this.records.addEvent(callId, 'ivr.started', { flowId, flowVersion: version });
  }

  async step(callId: string, step: IvrStep): Promise<void> {
    await this.records.addEvent(callId, 'ivr.node', { ...step });
  }

  async flowEnded(callId: string, result: IvrRunResult): Promise<void> {
    await this.records.addEvent(callId, 'ivr.ended', { reason: result.reason, nodeId: result.nodeId, result: result.result, steps: result.steps.length });
  }

  markOutcome(callId: string, disposition: IvrCallOutcome): void {
    const state = this.live.get(callId);
    if (state) state.outcome = { ...state.outcome, disposition };
  }

  async answered(callId: string, at: Date): Promise<void> {
    const state = this.live.get(callId);
    if (!state) return;
    // Already served by a flow (a goto, or adopted after a restart): keep the first answer.
    if (state.ivr) return;
    state.ivr = { answeredAt: at, handedOff: false };
    await this.records.callAnswered(callId, at);
  }

  handedOff(callId: string, handedOff: boolean): void {
    const state = this.live.get(callId);
    if (state?.ivr) state.ivr.handedOff = handedOff;
  }

  async flowVersionOf(callId: string): Promise<number | undefined> {
    const row = await this.dataSource.getRepository(CallEntity).findOne({ where: { id: callId }, select: { id: true, ivrFlowVersion: true } });
    return row?.ivrFlowVersion ?? undefined;
  }
}
