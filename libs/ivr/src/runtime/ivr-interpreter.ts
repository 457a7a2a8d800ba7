import { performance } from 'node:perf_hooks';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { ChannelNotFoundError, PromptNotFoundError, Q850 } from '@callplane/pbx';
import { IvrFlowVersion, IvrNodeDefinition, nodeConfig, startNodeId } from '../flow/ivr-flow.types';
import { IvrEndReason, IvrTransition } from '../ivr-node.handler';
import { IvrNodeRegistry } from '../ivr-node.registry';
import { IvrCallerHangupError, IvrNodeError } from '../ivr.errors';
import { DEFAULT_IVR_OPTIONS, IVR_OPTIONS, IvrOptions } from '../ivr.options';
import { IvrRuntimeContext } from './ivr-runtime.context';

/**
 * One executed node, as stored in the call's `ivr.node` event and returned by `simulate`.
 * `ms`: time spent in the node (prompts and waits included). `dtmfToPromptMs`: DTMF received →
 * the next prompt requested (live calls only).
 */
export interface IvrStep {
  flowId: string;
  flowVersion: number;
  nodeId: string;
  type: string;
  digits: string;
  result: string;
  ms: number;
  dtmfToPromptMs?: number;
}

export interface IvrRunResult {
  reason: IvrEndReason;
  /** Node the flow ended in. */
  nodeId: string;
  result?: string;
  steps: IvrStep[];
}

export interface IvrRunOptions {
  /** Called after each node (e.g. to write the call event); awaited, errors are logged. */
  onStep?: (step: IvrStep) => Promise<void> | void;
  /** Loads another flow's published version for `goto` with `flow`. */
  loadFlow?: (flowId: string) => Promise<IvrFlowVersion>;
}

/**
 * Runs a flow version node by node on an {@link IvrRuntimeContext} (a live channel or a
 * simulation). The version object is held for the whole run: publishing a newer version never
 * changes a running call. A node error (IvrNodeError, PromptNotFoundError, anything thrown)
 * continues at the node's `onError`, else ends the call with Q.850 41. More than `maxSteps`
 * nodes end the call (loop protection).
 */
@Injectable()
export class IvrInterpreter {
  private readonly log = createLogger('ivr-interpreter');
  private readonly options: IvrOptions;
  private readonly configCache = new WeakMap<IvrNodeDefinition, unknown>();

  constructor(private readonly registry: IvrNodeRegistry, @Optional() @Inject(IVR_OPTIONS) options?: IvrOptions) {
    this.options = options ?? DEFAULT_IVR_OPTIONS;
  }

  async run(flow: IvrFlowVersion, ctx: IvrRuntimeContext, options: IvrRunOptions = {}, startAt?: string): Promise<IvrRunResult> {
    // Steps are reported in order but not awaited between nodes: a slow database write must
    // not delay the caller's next prompt. The run resolves after every report settled.
    let reports = Promise.resolve();
    const report = (step: IvrStep) => {
      reports = reports.then(() => this.report(options, step));
    };
    try {
      return await this.loop(flow, ctx, options, report, startAt);
    } finally {
      await reports;
    }
  }

  private async loop(flow: IvrFlowVersion, ctx: IvrRuntimeContext, options: IvrRunOptions, report: (s: IvrStep) => void, startAt?: string): Promise<IvrRunResult> {
    const steps: IvrStep[] = [];
    let current = flow;
    let nodeId = startAt ?? startNodeId(flow.definition) ?? '';
    for (let n = 0; n < this.options.maxSteps; n++) {
      const node = current.definition.nodes.find((x) => x.id === nodeId);
      if (!node) return this.fail(ctx, steps, nodeId, `node "${nodeId}" not found in flow ${current.flowId} v${current.version}`);
      ctx.enter(current.flowId, current.version, node.id);
      const started = performance.now();
      const transition = await this.execute(node, ctx);
      const observed = ctx.takeObservation();
      const step: IvrStep = { flowId: current.flowId, flowVersion: current.version, nodeId: node.id, type: node.type, digits: observed.digits, result: transition.result ?? 'ok', ms: round(performance.now() - started) };
      if (observed.dtmfToPromptMs !== undefined) step.dtmfToPromptMs = round(observed.dtmfToPromptMs);
      steps.push(step);
      report(step);
      if ('end' in transition) return { reason: transition.end, nodeId: node.id, result: transition.result, steps };
      if ('flow' in transition) {
        if (!options.loadFlow) return this.fail(ctx, steps, node.id, 'goto into another flow is not available here');
        try {
          current = await options.loadFlow(transition.flow);
        } catch (err) {
          return this.fail(ctx, steps, node.id, `flow ${transition.flow}: ${errorMessage(err)}`);
        }
        nodeId = transition.node ?? startNodeId(current.definition) ?? '';
      } else {
        nodeId = transition.next;
      }
    }
    this.log.warn({ callId: ctx.callId, flowId: current.flowId, maxSteps: this.options.maxSteps }, 'IVR step limit reached; hanging up');
    ctx.failing();
    await this.safeHangup(ctx, Q850.NORMAL_CLEARING);
    return { reason: 'max-steps', nodeId, result: `max-steps-${this.options.maxSteps}`, steps };
  }

  private async execute(node: IvrNodeDefinition, ctx: IvrRuntimeContext): Promise<IvrTransition> {
    try {
      const handler = this.registry.get(node.type);
      if (!handler) throw new IvrNodeError('unknown-type', `node type "${node.type}" is not registered`);
      let config = this.configCache.get(node);
      if (config === undefined) {
        config = handler.configSchema.parse(nodeConfig(node));
        this.configCache.set(node, config);
      }
      return await handler.execute(ctx, config);
    } catch (err) {
      if (err instanceof IvrCallerHangupError || err instanceof ChannelNotFoundError) return { end: 'caller-hangup', result: 'caller-hangup' };
      const result = err instanceof IvrNodeError ? err.result : err instanceof PromptNotFoundError ? 'prompt-not-found' : 'error';
      this.log.warn({ callId: ctx.callId, flowId: ctx.flowId, nodeId: node.id, result, err: errorMessage(err) }, 'IVR node failed');
      if (node.onError) return { next: node.onError, result };
      ctx.failing();
      await this.safeHangup(ctx, Q850.NORMAL_TEMPORARY_FAILURE);
      return { end: 'error', result };
    }
  }

  private async fail(ctx: IvrRuntimeContext, steps: IvrStep[], nodeId: string, why: string): Promise<IvrRunResult> {
    this.log.error({ callId: ctx.callId, nodeId, why }, 'IVR flow cannot continue; hanging up');
    ctx.failing();
    await this.safeHangup(ctx, Q850.NORMAL_TEMPORARY_FAILURE);
    return { reason: 'error', nodeId, result: why, steps };
  }

  private async safeHangup(ctx: IvrRuntimeContext, cause: number): Promise<void> {
    try {
      await ctx.hangup(cause);
    } catch (err) {
      // The caller may already be gone (the usual reason a flow stops); nothing left to hang up.
      if (!(err instanceof ChannelNotFoundError || err instanceof IvrCallerHangupError)) this.log.warn({ callId: ctx.callId, err: errorMessage(err) }, 'hangup after IVR error failed');
    }
  }

  private async report(options: IvrRunOptions, step: IvrStep): Promise<void> {
    if (!options.onStep) return;
    try {
      await options.onStep(step);
    } catch (err) {
      this.log.error({ nodeId: step.nodeId, err: errorMessage(err) }, 'recording an IVR step failed');
    }
  }
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
