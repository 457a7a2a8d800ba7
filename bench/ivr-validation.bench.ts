import { cpus, loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_IVR_OPTIONS, IvrFlowDefinition, IvrFlowValidator, IvrNodeDefinition, ivrTestKit } from '@callplane/ivr';
import { percentile, table } from './stats';

/**
 * IVR flow validation bench (issue 13 item 3; target ≤ 100 ms for a 5,000-node flow): the
 * validator as saving a flow runs it, without HTTP or database. Three 5,000-node flows — the
 * default node limit (IVR_MAX_FLOW_NODES), so the worst a flow may be:
 * - `mixed`: groups of 10 nodes (play, gather with a pattern, branch with `matches`, http with
 *   onError, set, menu looping back to the previous group, goto, voicemail, transfer, queue),
 *   every group reachable and every loop with an exit — valid;
 * - `chain`: 4,999 `goto`s in a row and a hangup — valid (was 1.6 s before issue 13);
 * - `cycle`: 5,000 `goto`s in a ring, no exit — 5,000 errors, capped to 100 (was minutes).
 *
 * Per flow: `IvrFlowValidator.validate` (synchronous, all of the work) timed `runs` times after
 * `warmup` runs — p50, p99, max ms and the median CPU time; then `IvrFlowsService.validateDefinition` (what POST
 * /ivr/flows runs: the same checks, yielding to the event loop every 100 nodes) — wall time and
 * the longest event-loop block measured meanwhile (perf_hooks.monitorEventLoopDelay).
 */
export interface ValidationBenchOptions {
  nodes: number;
  runs: number;
  warmup: number;
}

export const VALIDATION_DEFAULTS: ValidationBenchOptions = { nodes: DEFAULT_IVR_OPTIONS.maxFlowNodes, runs: 30, warmup: 5 };

export interface ValidationFigures {
  flow: string;
  nodes: number;
  valid: boolean;
  errorsReported: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU time of one validate (user + system), median, ms: less sensitive to other processes than wall time. */
  cpuP50Ms: number;
  /** validateDefinition wall time, ms (median of the runs). */
  savePathMs: number;
  /** Longest event-loop block during the validateDefinition runs, ms. */
  saveMaxBlockMs: number;
}

/** A valid flow of `n` nodes in groups of ten node types (see the module doc). */
export function mixedFlow(n: number): IvrFlowDefinition {
  const nodes: IvrNodeDefinition[] = [];
  const groups = Math.ceil(n / 10);
  const id = (g: number, k: string) => `g${g}-${k}`;
  for (let g = 0; g < groups; g++) {
    const next = g + 1 < groups ? id(g + 1, 'play') : id(g, 'queue');
    const back = g > 0 ? id(g - 1, 'play') : id(g, 'play');
    nodes.push(
      { id: id(g, 'play'), type: 'play', prompts: ['sound:welcome', 'digits:123'], next: id(g, 'gather') },
      { id: id(g, 'gather'), type: 'gather', variable: 'pin', prompts: ['sound:enter-pin'], pattern: '^\\d{4,6}$', maxRetries: 2, next: id(g, 'branch'), onFailure: id(g, 'vm') },
      { id: id(g, 'branch'), type: 'branch', conditions: [{ when: { variable: 'pin', matches: '^(?:12|34)\\d+$' }, next: id(g, 'http') }, { when: { callerNumber: { prefix: '+49' } }, next: id(g, 'set') }], default: id(g, 'menu') },
      { id: id(g, 'http'), type: 'http', url: 'https://crm.example/api/callers?pin={{pin}}', responseMap: { tier: 'customer.tier' }, next: id(g, 'set'), onError: id(g, 'menu') },
      { id: id(g, 'set'), type: 'set', variables: { group: String(g), seen: '{{callerNumber}}' }, next: id(g, 'menu') },
      { id: id(g, 'menu'), type: 'menu', prompts: ['sound:menu'], options: [{ digit: '1', next: id(g, 'goto') }, { digit: '2', next: back }, { digit: '3', next: id(g, 'transfer') }], default: id(g, 'vm') },
      { id: id(g, 'goto'), type: 'goto', node: next },
      { id: id(g, 'vm'), type: 'voicemail', mailbox: `box${g}` },
      { id: id(g, 'transfer'), type: 'transfer', extension: `10${g % 100}` },
      { id: id(g, 'queue'), type: 'queue', queue: `queue-${g}` },
    );
  }
  return { start: id(0, 'play'), nodes: nodes.slice(0, n) };
}

export function gotoChain(n: number): IvrFlowDefinition {
  return { nodes: Array.from({ length: n }, (_, i) => (i === n - 1 ? { id: `n${i}`, type: 'hangup' } : { id: `n${i}`, type: 'goto', node: `n${i + 1}` })) };
}

export function gotoCycle(n: number): IvrFlowDefinition {
  return { nodes: Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: 'goto', node: `n${(i + 1) % n}` })) };
}

export async function benchIvrValidation(options: ValidationBenchOptions = VALIDATION_DEFAULTS): Promise<ValidationFigures[]> {
  const { registry, flows } = ivrTestKit();
  const validator = new IvrFlowValidator(registry, { maxFlowNodes: options.nodes });
  const out: ValidationFigures[] = [];
  for (const [name, def] of [['mixed', mixedFlow(options.nodes)], ['chain', gotoChain(options.nodes)], ['cycle', gotoCycle(options.nodes)]] as const) {
    for (let i = 0; i < options.warmup; i++) validator.validate(def);
    const times: number[] = [];
    const cpu: number[] = [];
    let last = validator.validate(def);
    for (let i = 0; i < options.runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      last = validator.validate(def);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const loop = monitorEventLoopDelay({ resolution: 5 });
    loop.enable();
    await new Promise((r) => setTimeout(r, 20)); // the histogram's first tick is not measured
    const saves: number[] = [];
    for (let i = 0; i < Math.min(options.runs, 10); i++) {
      const t0 = process.hrtime.bigint();
      await flows.validateDefinition(def);
      saves.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    await new Promise((r) => setTimeout(r, 20));
    loop.disable();
    out.push({
      flow: name, nodes: def.nodes.length, valid: last.valid, errorsReported: last.errors.length,
      p50Ms: percentile(times, 50), p99Ms: percentile(times, 99), maxMs: Math.max(...times), cpuP50Ms: percentile(cpu, 50),
      savePathMs: percentile(saves, 50), saveMaxBlockMs: loop.max / 1e6,
    });
  }
  return out;
}

/** The bench's table: "validation time of a 5,000-node flow". */
export function validationTable(figures: ValidationFigures[]): string {
  const rows: (string | number)[][] = [['IVR flow validation', 'nodes', 'valid', 'errors listed', 'p50 ms', 'p99 ms', 'max ms', 'CPU p50 ms', 'save path ms', 'longest event-loop block ms']];
  for (const f of figures) rows.push([f.flow, f.nodes, f.valid ? 'yes' : 'no', f.errorsReported, f.p50Ms, f.p99Ms, f.maxMs, f.cpuP50Ms, f.savePathMs, f.saveMaxBlockMs]);
  return `${table(rows)}\n(target: validation time of a ${figures[0]?.nodes ?? 5000}-node flow ≤ 100 ms)`;
}

// `node dist/bench/ivr-validation.bench.js` (or `npm run bench:validation`) runs this part alone.
if (require.main === module) {
  benchIvrValidation()
    .then((figures) => {
      // eslint-disable-next-line no-console
      // Times on a shared machine depend on what else runs: the load average goes with them.
      const load = loadavg().map((l) => l.toFixed(2)).join(' ');
      console.log(`\ncallplane IVR validation bench — ${new Date().toISOString()} — ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${load}\n\n${validationTable(figures)}\n`);
      process.exit(0);
    })
    .catch((err) => {
      // eslint-disable-next-line no-console
      console.error(err);
      process.exit(1);
    });
}
