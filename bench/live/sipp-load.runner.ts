import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveEnv } from '../../test/live/support/live-env';
import { startProcess } from '../../test/live/support/live-processes';
import { carrierScenario, sippCarrierArgs } from '../../test/live/support/sipp.carrier';
import { answerLatenciesMs, LoadStepCounts, parseLoadStep } from './sipp-load.parser';

/** One rate step offered by sipp. */
export interface LoadStepOptions {
  /** The PBX's carrier-facing SIP address, `host:port`. */
  target: string;
  did: string;
  /** Offered calls/s. */
  rate: number;
  /** Seconds of offered load (sipp places `rate × durationS` calls). */
  durationS: number;
  /** Also log every message (`-trace_msg`) for the INVITE → 200 OK latencies. Costs sipp CPU: low rates only. */
  traceMessages?: boolean;
  /** How long a call may wait for the 200 OK and then for the PBX's BYE before sipp fails it, ms. */
  callTimeoutMs: number;
  /** Called while sipp runs, with sipp's PID (for its CPU figures). */
  onStart?: (pid: number) => void;
}

export interface LoadStepResult extends LoadStepCounts {
  rate: number;
  durationS: number;
  /** INVITE → 200 OK of each answered call, ms (only with `traceMessages`). */
  latenciesMs: number[];
  exitCode: number | string;
}

/**
 * Runs one step: `sipp -r <rate> -m <rate×duration> -l <limit>` with the live suite's carrier scenario
 * (`carrierScenario({ end: 'wait' })`: INVITE → 200 → ACK → wait for the PBX's BYE → 200), and reads
 * its counters when it exits. The concurrent-call limit is high (the offered rate must not be
 * throttled by sipp); a call stuck in the PBX is failed by sipp after `callTimeoutMs`.
 */
export async function runLoadStep(opts: LoadStepOptions): Promise<LoadStepResult> {
  const dir = mkdtempSync(join(tmpdir(), 'callplane-bench-sipp-'));
  const scenario = join(dir, 'carrier.xml');
  writeFileSync(scenario, carrierScenario({ end: 'wait', waitByeMs: opts.callTimeoutMs }));
  const total = Math.round(opts.rate * opts.durationS);
  const args = [
    ...(await sippCarrierArgs({ target: opts.target, scenario, did: opts.did, callerNumber: '5551234', callerName: 'Bench Caller' })),
    '-r', String(opts.rate),
    '-m', String(total),
    '-l', String(Math.max(200, opts.rate * 30)),
    '-recv_timeout', String(opts.callTimeoutMs),
    '-timeout', `${opts.durationS + Math.ceil((2 * opts.callTimeoutMs) / 1000) + 30}s`,
    '-nostdin',
    '-trace_counts',
    '-trace_stat', '-stf', join(dir, 'stat.csv'), '-fd', '1',
    '-trace_err', '-error_file', join(dir, 'errors.log'),
    ...(opts.traceMessages || process.env.BENCH_LIVE_TRACE === '1' ? ['-trace_msg', '-message_file', join(dir, 'messages.log')] : []),
  ];
  const proc = startProcess('sipp-load', liveEnv().sipp, args, join(dir, 'sipp.out'), { cwd: dir });
  opts.onStart?.(proc.pid);
  const exitCode = await proc.exited;
  // sipp names the counts file <scenario>_<pid>_counts.csv.
  const counts = parseLoadStep(join(dir, `carrier_${proc.pid}_counts.csv`), join(dir, 'stat.csv'), total);
  const latenciesMs = opts.traceMessages ? answerLatenciesMs(join(dir, 'messages.log')) : [];
  if (process.env.LIVE_KEEP === '1') process.stdout.write(`sipp files kept: ${dir}\n`);
  else rmSync(dir, { recursive: true, force: true });
  return { rate: opts.rate, durationS: opts.durationS, ...counts, latenciesMs, exitCode };
}

/** "Sustained" = every call placed at the offered rate was answered and completed, none failed. */
export function isSustained(r: LoadStepResult): boolean {
  const total = Math.round(r.rate * r.durationS);
  return r.placed === total && r.answered === total && r.completed === total && Object.keys(r.failedByReason).length === 0 && r.placingS <= r.durationS * 1.1 + 1;
}

/** How the calls of a step that were not answered and completed failed, e.g. "503 ×120, timeout ×30". */
export function failureSummary(r: LoadStepResult): string {
  const parts = [
    ...Object.entries(r.rejectedByStatus).map(([code, n]) => `SIP ${code} ×${n}`),
    ...Object.entries(r.failedByReason).map(([reason, n]) => `${reason} ×${n}`),
  ];
  if (r.byeBeforeAnswer > 0) parts.push(`answered too late (BYE before the 200 OK) ×${r.byeBeforeAnswer}`);
  if (r.inviteTimeouts > 0 && !parts.some((p) => p.startsWith('no response'))) parts.push(`INVITE unanswered ×${r.inviteTimeouts}`);
  const total = Math.round(r.rate * r.durationS);
  if (r.placed < total) parts.push(`${total - r.placed} not placed`);
  if (r.placingS > r.durationS * 1.1 + 1) parts.push(`offered rate not reached (placing took ${r.placingS.toFixed(1)} s)`);
  return parts.join(', ') || 'none';
}
