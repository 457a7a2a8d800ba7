import { table } from '../stats';
import type { BenchPath, StepRecord } from './live-bench.meter';

/** Everything one PBX's part of the run found. */
export interface PbxBenchResult {
  pbx: 'asterisk' | 'freeswitch';
  version: string;
  paths: Record<BenchPath, PathResult>;
  /** callplane after its overload steps: process alive and /health ok, then the recovery step. */
  survival?: {
    alive: boolean;
    exitCode?: number | string;
    recovery?: StepRecord;
    /** PBX channels the overload left behind (still up after the recovery step), and when they were gone. */
    leftover?: { after: number; drainedInS?: number; stillUp: number };
  };
  /** callplane log lines at error level or above during the run (first few, shortened). */
  callplaneErrors: string[];
  /** Distinct WARNING/ERROR lines the PBX logged during the callplane path, with counts. */
  pbxWarnings: { line: string; count: number }[];
}

export interface PathResult {
  highestSustained: number;
  steps: StepRecord[];
}

const f = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '–' : n.toFixed(digits));

function atRate(steps: StepRecord[], rate: number): StepRecord | undefined {
  return steps.find((s) => s.rate === rate && s.phase === 'sweep');
}

function overloadCell(s: StepRecord | undefined): string {
  if (!s) return '–';
  return `${s.rate}/s: ${s.failed} of ${Math.round(s.rate * s.durationS)} failed${s.failed ? ` (${s.failures})` : ''}`;
}

/** The summary table: one row per PBX and path. */
export function summaryTable(results: PbxBenchResult[], latencyRate: number): string {
  const rows: (string | number)[][] = [
    ['PBX', 'path', 'highest sustained calls/s', 'callplane / dialplan', 'callplane CPU ms/call', 'PBX CPU ms/call', `INVITE→200 p50 ms @${latencyRate}/s`, 'p99 ms', 'at 1.25×', 'at 2×'],
  ];
  for (const r of results) {
    for (const path of ['dialplan', 'callplane'] as BenchPath[]) {
      const p = r.paths[path];
      if (!p) continue;
      const top = atRate(p.steps, p.highestSustained);
      const lat = atRate(p.steps, latencyRate)?.latencyMs;
      const over = p.steps.filter((s) => s.phase === 'overload');
      const ratio = path === 'callplane' && r.paths.dialplan?.highestSustained ? f(p.highestSustained / r.paths.dialplan.highestSustained) : '';
      rows.push([r.pbx, path, p.highestSustained, ratio, f(top?.cpuMsPerCall.callplane), f(top?.cpuMsPerCall.pbx), f(lat?.p50), f(lat?.p99), overloadCell(over[0]), overloadCell(over[1])]);
    }
  }
  return table(rows);
}

/** Every step, for the record. */
export function stepsTable(results: PbxBenchResult[]): string {
  const rows: (string | number)[][] = [
    ['PBX', 'path', 'phase', 'offered calls/s', 'placed', 'answered', 'completed', 'sustained', 'how calls failed', 'callplane CPU ms/call', 'PBX CPU ms/call', 'sipp CPU ms/call', 'others\' CPU %'],
  ];
  for (const r of results) {
    const all = [...(r.paths.dialplan?.steps ?? []), ...(r.paths.callplane?.steps ?? [])];
    for (const s of all) {
      rows.push([r.pbx, s.path, s.phase, s.rate, s.placed, s.answered, s.completed, s.sustained ? 'yes' : 'no', s.failures, f(s.cpuMsPerCall.callplane), f(s.cpuMsPerCall.pbx), f(s.cpuMsPerCall.sipp), f(s.otherBusyPct, 0)]);
    }
  }
  return table(rows);
}

/** The survival lines: callplane alive after overload and serving calls at once. */
export function survivalLines(results: PbxBenchResult[]): string[] {
  return results
    .filter((r) => r.survival)
    .map((r) => {
      const s = r.survival!;
      const rec = s.recovery;
      const recovery = rec ? `${rec.completed}/${Math.round(rec.rate * rec.durationS)} calls answered and completed at ${rec.rate} calls/s right after (${rec.sustained ? 'all' : 'NOT all'})` : 'no recovery step';
      const left = s.leftover
        ? `; the PBX still had ${s.leftover.after} channels of the overload up after that, ${s.leftover.drainedInS !== undefined ? `gone ${s.leftover.drainedInS.toFixed(0)} s later` : `${s.leftover.stillUp} still up 60 s later`}`
        : '';
      return `- ${r.pbx}: callplane ${s.alive ? 'alive' : `DEAD (exit ${String(s.exitCode)})`} after the overload steps; ${recovery}${left}`;
    });
}

/** The Markdown kept in bench/results/live-latest.md (and printed). */
export function markdown(header: string, results: PbxBenchResult[], latencyRate: number): string {
  const warnings = results.flatMap((r) => r.pbxWarnings.slice(0, 5).map((w) => `- ${r.pbx} ×${w.count}: \`${w.line.slice(0, 200)}\``));
  const errors = results.flatMap((r) => r.callplaneErrors.slice(0, 5).map((e) => `- ${r.pbx}: \`${e.slice(0, 200)}\``));
  return [
    header,
    '',
    summaryTable(results, latencyRate),
    '',
    ...survivalLines(results),
    '',
    'All steps:',
    '',
    stepsTable(results),
    '',
    'PBX warnings during the callplane path (distinct, most frequent first):',
    '',
    ...(warnings.length ? warnings : ['- none']),
    '',
    'callplane errors (log level ≥ error):',
    '',
    ...(errors.length ? errors : ['- none']),
    '',
  ].join('\n');
}

/** Distinct log lines (timestamps, ids and numbers blanked) with their counts, most frequent first. */
export function distinctLines(lines: string[]): { line: string; count: number }[] {
  const counts = new Map<string, number>();
  for (const l of lines) {
    const key = l
      .replace(/^\[?[\d-]+[ T][\d:.]+\]?\s*/, '')
      .replace(/\[\d+\]/g, '[…]')
      .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '<uuid>')
      .replace(/\b\d+\b/g, 'N');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([line, count]) => ({ line, count }));
}
