import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { AdoptedCallState, CallTarget, CallTargetHandler, CallTargetRegistry, LiveCall } from '@callplane/calls';
import { ConflictError, createLogger, errorMessage } from '@callplane/core';
import { PbxDrivers, PbxEvent } from '@callplane/pbx';
import { IvrFlowsService } from './flow/ivr-flows.service';
import type { IvrFlowVersion } from './flow/ivr-flow.types';
import { IvrCallLog } from './runtime/ivr-call-log';
import { IvrInterpreter, IvrRunResult, IvrStep } from './runtime/ivr-interpreter';
import { IvrStepLatency } from './runtime/ivr-step-latency';
import { LiveIvrContext } from './runtime/live-ivr.context';

/** No handler is registered for a hand-off target type (e.g. the ACD module is not loaded). */
export class IvrHandOffUnavailableError extends ConflictError {
  override readonly code = 'ivr-hand-off-unavailable';
  constructor(targetType: string) {
    super(`No call target handler for "${targetType}": cannot hand the call over`, { targetType });
  }
}

const key = (nodeId: string, channelId: string): string => `${nodeId}\u0000${channelId}`;

/**
 * The call target handler for `ivr` targets (inbound routes pointing at a flow). `handle`
 * loads the flow's published version, records it on the call and starts the interpreter on
 * the caller's channel in the background; the call keeps that version to its end. Feeds the
 * channel's DTMF / playback / recording / hangup events to the running flow. `queue` nodes
 * hand off through the call engine's {@link CallTargetRegistry} (never importing the ACD).
 */
@Injectable()
export class IvrService extends CallTargetHandler implements OnModuleInit, OnModuleDestroy {
  readonly targetType = 'ivr';
  private readonly log = createLogger('ivr');
  private readonly sessions = new Map<string, LiveIvrContext>();
  private readonly playbacks = new Map<string, LiveIvrContext>();
  private readonly runs = new Map<string, Promise<IvrRunResult>>();
  private unsubscribe?: () => void;
  /** Set on shutdown: the calls live on in the PBX and the next process adopts them. */
  private stopping = false;

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly flows: IvrFlowsService,
    private readonly interpreter: IvrInterpreter,
    @Inject(IvrCallLog) private readonly callLog: IvrCallLog,
    private readonly targets: CallTargetRegistry,
    private readonly latency: IvrStepLatency,
  ) {
    super();
  }

  onModuleInit(): void {
    this.unsubscribe = this.drivers.onEvent((e) => this.onEvent(e));
  }

  onModuleDestroy(): void {
    this.stopping = true;
    this.unsubscribe?.();
    for (const s of this.sessions.values()) s.dispose();
  }

  /**
   * Starts the flow `target.id` on the call. Resolves once the flow runs (not when it ends).
   * @throws IvrFlowNotFoundError, IvrFlowNotPublishedError, PbxUnavailableError
   */
  async handle(call: LiveCall, target: CallTarget): Promise<void> {
    const version = await this.flows.published(target.id);
    this.start(call, version);
  }

  /**
   * Takes back a call that was inside a flow when callplane restarted: the flow starts again
   * from its start node, on the version the call was on (`calls.ivrFlowVersion`), else on the
   * published one. Where exactly the caller was inside the flow is not persisted.
   */
  override async adopt(call: LiveCall, target: CallTarget, state: AdoptedCallState): Promise<void> {
    const pinned = await this.callLog.flowVersionOf(call.id);
    const version = (pinned !== undefined ? await this.flows.version(target.id, pinned) : undefined) ?? (await this.flows.published(target.id));
    this.log.info({ callId: call.id, flowId: target.id, version: version.version, pbxState: state.kind }, 'adopted IVR call restarts its flow');
    this.start(call, version);
  }

  /** Runs a given flow version on a live call (handle() after loading; also for tests and tools). */
  start(call: LiveCall, version: IvrFlowVersion): Promise<IvrRunResult> {
    const driver = this.drivers.driver(call.nodeId);
    const ctx = new LiveIvrContext(call, driver, {
      handOff: (c, t) => this.handOff(c, t),
      markOutcome: (c, disposition) => this.callLog.markOutcome(c.id, disposition),
      answered: (c, at) => void this.callLog.answered(c.id, at).catch((err: unknown) => this.logWrite(c.id, err)),
      trackPlayback: (id, owner) => (owner ? this.playbacks.set(id, owner) : this.playbacks.delete(id)),
    });
    const k = key(call.nodeId, call.channelId);
    this.sessions.get(k)?.dispose();
    this.sessions.set(k, ctx);
    this.callLog.flowStarted(call.id, version.flowId, version.version).catch((err: unknown) => this.logWrite(call.id, err));
    // The call engine answers before routing: the flow serving the call is its answer (else ctx.answer() reports it).
    if (call.answered) this.callLog.answered(call.id, new Date()).catch((err: unknown) => this.logWrite(call.id, err));
    const run = this.run(ctx, version).finally(() => {
      if (this.sessions.get(k) === ctx) this.sessions.delete(k);
      this.runs.delete(call.id);
    });
    this.runs.set(call.id, run);
    return run;
  }

  /** The running flow of a call (resolves with how it ended), if any. */
  running(callId: string): Promise<IvrRunResult> | undefined {
    return this.runs.get(callId);
  }

  /** Number of calls inside a flow right now. */
  get activeCalls(): number {
    return this.sessions.size;
  }

  /** Never rejects: `handle` does not await the run, and a per-call failure must not reach the process. */
  private async run(ctx: LiveIvrContext, version: IvrFlowVersion): Promise<IvrRunResult> {
    let result: IvrRunResult;
    try {
      result = await this.interpreter.run(version, ctx, { onStep: (s) => this.onStep(ctx, s), loadFlow: (id) => this.flows.published(id) });
    } catch (err) {
      // The interpreter turns node errors into transitions; anything reaching here is a bug in it.
      this.log.error({ callId: ctx.callId, flowId: version.flowId, err: errorMessage(err) }, 'IVR interpreter failed; hanging up');
      ctx.failing();
      await ctx.hangup(41).catch((e: unknown) => this.log.debug({ callId: ctx.callId, err: errorMessage(e) }, 'hangup after interpreter failure failed (caller probably gone)'));
      result = { reason: 'error', nodeId: ctx.nodeId, result: 'error', steps: [] };
    }
    this.log.debug({ callId: ctx.callId, flowId: version.flowId, version: version.version, reason: result.reason, nodeId: result.nodeId }, 'IVR flow ended');
    // Stopped by our shutdown, not by the caller: no `ivr.ended` (the adopting process restarts the flow).
    if (this.stopping) return result;
    await this.callLog.flowEnded(ctx.callId, result).catch((err: unknown) => this.logWrite(ctx.callId, err));
    return result;
  }

  private async onStep(ctx: LiveIvrContext, step: IvrStep): Promise<void> {
    if (step.dtmfToPromptMs !== undefined) this.latency.record(step.dtmfToPromptMs);
    await this.callLog.step(ctx.callId, step);
  }

  private async handOff(call: LiveCall, target: CallTarget): Promise<void> {
    const handler = this.targets.get(target.type);
    if (!handler) throw new IvrHandOffUnavailableError(target.type);
    // Before handle(): a caller leaving while the queue takes the call is the queue's abandon.
    this.callLog.handedOff(call.id, true);
    try {
      await handler.handle(call, target);
    } catch (err) {
      this.callLog.handedOff(call.id, false);
      throw err;
    }
  }

  private onEvent(e: PbxEvent): void {
    switch (e.type) {
      case 'channel.dtmf':
        return this.sessions.get(key(e.nodeId, e.channelId))?.onDtmf(e.digit);
      case 'playback.finished':
        return this.playbacks.get(e.playbackId)?.onPlaybackFinished(e.playbackId, e.status);
      case 'recording.finished':
        if (e.target.startsWith('channel:')) this.sessions.get(key(e.nodeId, e.target.slice('channel:'.length)))?.onRecordingFinished(e.name);
        return;
      case 'channel.hangup':
        return this.sessions.get(key(e.nodeId, e.channelId))?.onHangup(e.cause);
      default:
        return;
    }
  }

  private logWrite(callId: string, err: unknown): void {
    this.log.error({ callId, err: errorMessage(err) }, 'IVR call record write failed');
  }
}
