import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CallRecordsService, LiveCallRegistry } from '@callplane/calls';
import { CallEntity } from '@callplane/persistence';
import type { IvrRunResult, IvrStep } from './ivr-interpreter';

/**
 * Where the IVR writes what a call did (the call's `call_events` and call row). The default
 * binding, {@link CallRecordsIvrCallLog}, writes through the call engine's CallRecordsService.
 */
/** Dispositions a flow decides (calls.disposition). */
export type IvrCallOutcome = 'TRANSFERRED' | 'VOICEMAIL' | 'FAILED';

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

  async flowVersionOf(callId: string): Promise<number | undefined> {
    const row = await this.dataSource.getRepository(CallEntity).findOne({ where: { id: callId }, select: { id: true, ivrFlowVersion: true } });
    return row?.ivrFlowVersion ?? undefined;
  }
}
