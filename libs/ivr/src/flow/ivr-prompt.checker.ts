import { Injectable } from '@nestjs/common';
import { errorMessage } from '@callplane/core';
import { parsePrompt, PbxDriver, PbxDrivers } from '@callplane/pbx';
import type { IvrFlowDefinition, IvrFlowIssue } from './ivr-flow.types';

/** How long one PBX node may take to answer the check, ms (validation must not hang on a slow node). */
const CHECK_TIMEOUT_MS = 5000;

/** Prompt kinds backed by files on the PBX; `digits:`/`number:`/`date:`/`tone:`/`silence:` are generated. */
const FILE_PROMPTS = new Set(['sound', 'recording']);

/**
 * Checks the file prompts of a flow (`sound:`, `recording:`) against every connected PBX node's
 * own media ({@link PbxDriver.promptsExist}: Asterisk `GET /sounds`, FreeSWITCH `file_exists`),
 * so a missing sound is found when the flow is validated or published, not when a caller
 * reaches it. Results are warnings: `{ nodeId, field: 'prompts', prompt, pbxNode, message }` per
 * node, prompt and PBX node that lacks it, and `{ pbxNode, message }` "could not check" per PBX
 * node that is down or failed to answer (never an error: the flow may be meant for other nodes).
 * Prompts are found in any string field of a node, so extension node types are covered too.
 */
@Injectable()
export class IvrPromptChecker {
  constructor(private readonly drivers: PbxDrivers) {}

  async check(def: IvrFlowDefinition): Promise<IvrFlowIssue[]> {
    const byNode = new Map<string, Set<string>>();
    for (const node of def.nodes) {
      const prompts = new Set<string>();
      collectPrompts(node, prompts);
      if (prompts.size > 0) byNode.set(node.id, prompts);
    }
    const all = [...new Set([...byNode.values()].flatMap((s) => [...s]))];
    if (all.length === 0) return [];
    const perDriver = await Promise.all(this.drivers.all().map((d) => this.checkOn(d, all, byNode)));
    return perDriver.flat();
  }

  private async checkOn(driver: PbxDriver, prompts: string[], byNode: Map<string, Set<string>>): Promise<IvrFlowIssue[]> {
    const pbxNode = driver.nodeId;
    if (driver.health().status !== 'up') return [{ pbxNode, message: `could not check prompts on PBX node ${pbxNode}: it is ${driver.health().status}` }];
    let found: Map<string, boolean>;
    try {
      found = await withTimeout(driver.promptsExist(prompts), CHECK_TIMEOUT_MS);
    } catch (err) {
      return [{ pbxNode, message: `could not check prompts on PBX node ${pbxNode}: ${errorMessage(err)}` }];
    }
    const issues: IvrFlowIssue[] = [];
    for (const [nodeId, nodePrompts] of byNode) {
      for (const prompt of nodePrompts) {
        if (found.get(prompt) === false) issues.push({ nodeId, field: 'prompts', prompt, pbxNode, message: `prompt ${prompt} does not exist on PBX node ${pbxNode} (${driver.type}): callers reaching this node get prompt-not-found` });
      }
    }
    return issues;
  }
}

function collectPrompts(value: unknown, into: Set<string>): void {
  if (typeof value === 'string') {
    const p = parsePrompt(value);
    if (p && FILE_PROMPTS.has(p.kind)) into.add(value);
  } else if (Array.isArray(value)) {
    for (const v of value) collectPrompts(v, into);
  } else if (value && typeof value === 'object') {
    for (const v of Object.values(value)) collectPrompts(v, into);
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)));
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
