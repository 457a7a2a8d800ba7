import { Inject, Injectable, Optional } from '@nestjs/common';
import { ValidationError } from '@callplane/core';
import { IvrFlowInvalidError, IvrFlowNotFoundError, IvrFlowNotPublishedError } from '../ivr.errors';
import { IvrNodeRegistry } from '../ivr-node.registry';
import { DEFAULT_IVR_OPTIONS, IVR_OPTIONS, IvrOptions } from '../ivr.options';
import { IvrInterpreter, IvrRunResult, IvrStep } from '../runtime/ivr-interpreter';
import { IvrSimulatedAction, SimulatedCallInput, SimulatedIvrContext } from '../runtime/simulated-ivr.context';
import { parseIvrFlow } from './ivr-flow.parser';
import { IvrFlowRecord, IvrFlowStore, IvrFlowVersionInfo } from './ivr-flow.store';
import { IvrFlowDefinition, IvrFlowIssue, IvrFlowValidation, IvrFlowVersion } from './ivr-flow.types';
import { capFlowIssues, IvrFlowValidator } from './ivr-flow.validator';
import { IvrPromptChecker } from './ivr-prompt.checker';

/** Result of {@link IvrFlowsService.simulate}. */
export interface IvrSimulation {
  /** Nodes in the order they ran. */
  path: Pick<IvrStep, 'nodeId' | 'type' | 'result' | 'digits'>[];
  ended: Pick<IvrRunResult, 'reason' | 'nodeId' | 'result'>;
  /** Prompts played, hangups, hand-offs… in order. */
  actions: IvrSimulatedAction[];
  /** Call variables at the end. */
  variables: Record<string, string>;
}

/**
 * Flow administration: CRUD of drafts (YAML/JSON, validated on save), validate, publish
 * (draft → next immutable version) and simulate (a draft walked without a PBX).
 */
@Injectable()
export class IvrFlowsService {
  private readonly validator: IvrFlowValidator;
  private readonly maxFlowNodes: number;

  constructor(
    @Inject(IvrFlowStore) private readonly store: IvrFlowStore,
    registry: IvrNodeRegistry,
    private readonly interpreter: IvrInterpreter,
    /** Absent without PBX drivers (ivrTestKit, simulation-only use): prompts are then not checked. */
    @Optional() private readonly prompts?: IvrPromptChecker,
    @Optional() @Inject(IVR_OPTIONS) options?: IvrOptions,
  ) {
    this.maxFlowNodes = (options ?? DEFAULT_IVR_OPTIONS).maxFlowNodes;
    this.validator = new IvrFlowValidator(registry, { maxFlowNodes: this.maxFlowNodes });
  }

  list(): Promise<IvrFlowRecord[]> {
    return this.store.list();
  }

  /** @throws IvrFlowNotFoundError */
  async get(id: string): Promise<IvrFlowRecord & { versions: IvrFlowVersionInfo[] }> {
    const flow = await this.store.get(id);
    if (!flow) throw new IvrFlowNotFoundError(id);
    return { ...flow, versions: await this.store.versions(id) };
  }

  /**
   * @param definition YAML/JSON text or an object
   * @throws IvrFlowParseError, IvrFlowInvalidError (errors name node and field), IvrFlowNameTakenError
   */
  async create(name: string, definition: unknown): Promise<IvrFlowRecord> {
    const draft = await this.checked(definition);
    return this.store.create({ name: checkName(name), draft });
  }

  /** @throws IvrFlowNotFoundError, IvrFlowParseError, IvrFlowInvalidError, IvrFlowNameTakenError */
  async update(id: string, patch: { name?: string; definition?: unknown }): Promise<IvrFlowRecord> {
    const draft = patch.definition === undefined ? undefined : await this.checked(patch.definition);
    return this.store.update(id, { name: patch.name === undefined ? undefined : checkName(patch.name), draft });
  }

  delete(id: string): Promise<void> {
    return this.store.delete(id);
  }

  /**
   * Validates a stored draft, or a given definition (not stored). Never throws for an invalid
   * flow. Also checks the flow's `sound:`/`recording:` prompts against every PBX node
   * (warnings, see {@link IvrPromptChecker}).
   */
  async validate(id: string, definition?: unknown): Promise<IvrFlowValidation> {
    const def = definition === undefined ? (await this.get(id)).draft : parseIvrFlow(definition);
    const result = await this.validateDefinition(def);
    if (result.valid) result.warnings.push(...(await this.promptWarnings(def)));
    return result;
  }

  async validateDefinition(def: IvrFlowDefinition): Promise<IvrFlowValidation> {
    const result = await this.validator.checkYielding(def);
    if (def.nodes.length > this.maxFlowNodes) return result; // over the node limit: nothing else is checked
    // `goto` into another flow: that flow must exist (each flow looked up once, however many gotos name it).
    const flows = new Map<string, Promise<IvrFlowRecord | undefined>>();
    for (const node of def.nodes) {
      if (node?.type !== 'goto' || typeof node.flow !== 'string') continue;
      if (!flows.has(node.flow)) flows.set(node.flow, this.store.get(node.flow));
      const target = await flows.get(node.flow);
      if (!target) result.errors.push({ nodeId: node.id, field: 'flow', message: `flow "${node.flow}" does not exist` });
      else if (target.publishedVersion === undefined) result.warnings.push({ nodeId: node.id, field: 'flow', message: `flow "${target.name}" has no published version yet: calls reaching this node end with an error` });
    }
    return capFlowIssues(result);
  }

  /**
   * Makes the draft the next published version; running calls stay on theirs. `warnings`: the
   * prompt checks against the PBX nodes (publishing goes ahead: a warning is not an error).
   * @throws IvrFlowInvalidError
   */
  async publish(id: string): Promise<IvrFlowVersion & { warnings: IvrFlowIssue[] }> {
    const flow = await this.get(id);
    await this.checked(flow.draft);
    const warnings = await this.promptWarnings(flow.draft);
    return { ...(await this.store.publish(id, flow.draft)), warnings };
  }

  private async promptWarnings(def: IvrFlowDefinition): Promise<IvrFlowIssue[]> {
    return this.prompts ? this.prompts.check(def) : [];
  }

  /** The version new calls run. @throws IvrFlowNotFoundError, IvrFlowNotPublishedError */
  async published(flowId: string): Promise<IvrFlowVersion> {
    const flow = await this.store.get(flowId);
    if (!flow) throw new IvrFlowNotFoundError(flowId);
    if (flow.publishedVersion === undefined) throw new IvrFlowNotPublishedError(flowId);
    const v = await this.store.version(flowId, flow.publishedVersion);
    if (!v) throw new IvrFlowNotPublishedError(flowId);
    return v;
  }

  /** One published version, if it exists. */
  version(flowId: string, version: number): Promise<IvrFlowVersion | undefined> {
    return this.store.version(flowId, version);
  }

  /**
   * Walks the flow's draft (or `version`) without a PBX: digits, variables, time and caller
   * number given; `goto` into other flows uses their published version.
   */
  async simulate(id: string, input: SimulatedCallInput & { version?: number }): Promise<IvrSimulation> {
    const flow = await this.get(id);
    let version: IvrFlowVersion = { flowId: id, version: 0, definition: flow.draft };
    if (input.version !== undefined) {
      const v = await this.store.version(id, input.version);
      if (!v) throw new ValidationError('version', `flow ${id} has no version ${input.version}`);
      version = v;
    }
    const ctx = new SimulatedIvrContext(input);
    const run = await this.interpreter.run(version, ctx, { loadFlow: (f) => this.published(f) });
    return {
      path: run.steps.map((s) => ({ nodeId: s.nodeId, type: s.type, result: s.result, digits: s.digits })),
      ended: { reason: run.reason, nodeId: run.nodeId, result: run.result },
      actions: ctx.actions,
      variables: ctx.variables,
    };
  }

  private async checked(input: unknown): Promise<IvrFlowDefinition> {
    // A YAML document may carry the flow's `name`; the flow row holds the name, not the draft.
    const { name: _name, ...def } = parseIvrFlow(input);
    const v = await this.validateDefinition(def);
    if (!v.valid) throw new IvrFlowInvalidError(v.errors, v.warnings);
    return def;
  }
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || !/^\S.{0,99}$/.test(name)) throw new ValidationError('name', 'must be 1-100 characters, not starting with a space');
  return name;
}
