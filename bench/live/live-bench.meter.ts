import { setTimeout as sleep } from 'node:timers/promises';
import type { AsteriskInstance } from '../../test/live/support/asterisk.instance';
import type { CallplaneProcess } from '../../test/live/support/callplane.process';
import type { FreeswitchInstance } from '../../test/live/support/freeswitch.instance';
import { machineCpuMs, processCpuMs } from './process-cpu';
import { failureSummary, isSustained, LoadStepResult, runLoadStep } from './sipp-load.runner';

export type BenchPath = 'callplane' | 'dialplan';
export type BenchPhase = 'warm-up' | 'sweep' | 'overload' | 'recovery';

/** One measured rate step of one path. */
export interface StepRecord extends Omit<LoadStepResult, 'latenciesMs'> {
  path: BenchPath;
  phase: BenchPhase;
  sustained: boolean;
  /** Calls not answered and completed (offered − completed). */
  failed: number;
  /** How they failed ("SIP 503 ×120, timeout … ×30"), or "none". */
  failures: string;
  /** CPU time per placed call over the step (until sipp exited), ms; callplane absent on the dialplan path. */
  cpuMsPerCall: { callplane?: number; pbx: number; sipp: number };
  /** Whole-machine CPU busy over the step, % of all cores, and the part not used by PBX/callplane/sipp. */
  machineBusyPct: number;
  otherBusyPct: number;
  /** INVITE → 200 OK percentiles, ms (traced steps only). */
  latencyMs?: { p50: number; p99: number; max: number; n: number };
  /** PBX channels still up 20 s after sipp ended (should be 0). */
  channelsLeft: number;
}

/**
 * Offers load on one path of one PBX and measures it: sipp's counters, CPU per call of the PBX
 * process, callplane's process (when it runs) and sipp (utime+stime deltas of /proc/<pid>/stat),
 * and the machine's load from others meanwhile (the 2 cores are shared). After each step it waits
 * until the PBX has no channels left, so steps do not overlap.
 */
export class StepMeter {
  readonly steps: StepRecord[] = [];

  constructor(
    readonly pbx: AsteriskInstance | FreeswitchInstance,
    readonly path: BenchPath,
    readonly did: string,
    readonly callTimeoutMs: number,
    readonly cp?: CallplaneProcess,
    private readonly log: (line: string) => void = () => undefined,
  ) {}

  async step(rate: number, durationS: number, phase: BenchPhase, opts: { traceMessages?: boolean } = {}): Promise<StepRecord> {
    const pbx0 = processCpuMs(this.pbx.proc.pid) ?? 0;
    const cp0 = this.cp ? processCpuMs(this.cp.proc.pid) : undefined;
    const m0 = machineCpuMs();
    let sippPid = 0;
    let sippCpu = 0;
    const poll = setInterval(() => {
      if (sippPid) sippCpu = processCpuMs(sippPid) ?? sippCpu;
    }, 250);
    let r: LoadStepResult;
    try {
      r = await runLoadStep({ target: this.pbx.sipTarget, did: this.did, rate, durationS, traceMessages: opts.traceMessages, callTimeoutMs: this.callTimeoutMs, onStart: (pid) => (sippPid = pid) });
    } finally {
      clearInterval(poll);
    }
    const pbxMs = (processCpuMs(this.pbx.proc.pid) ?? pbx0) - pbx0;
    const cpMs = cp0 !== undefined && this.cp ? (processCpuMs(this.cp.proc.pid) ?? cp0) - cp0 : undefined;
    const m1 = machineCpuMs();
    const channelsLeft = await this.drain();
    const calls = Math.max(1, r.placed);
    const machineBusy = m1.busy - m0.busy;
    const wall = Math.max(1, m1.total - m0.total);
    const { latenciesMs, ...counts } = r;
    const sorted = [...latenciesMs].sort((a, b) => a - b);
    const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
    const total = Math.round(rate * durationS);
    const rec: StepRecord = {
      ...counts,
      path: this.path,
      phase,
      // Leftover channels fail a step, except the recovery step: they are the overload's, not its calls'.
      sustained: isSustained(r) && (channelsLeft === 0 || phase === 'recovery'),
      failed: Math.max(0, total - r.completed),
      failures: failureSummary(r),
      cpuMsPerCall: { callplane: cpMs !== undefined ? cpMs / calls : undefined, pbx: pbxMs / calls, sipp: sippCpu / calls },
      machineBusyPct: (100 * machineBusy) / wall,
      otherBusyPct: Math.max(0, (100 * (machineBusy - pbxMs - (cpMs ?? 0) - sippCpu)) / wall),
      latencyMs: sorted.length ? { p50: pct(50), p99: pct(99), max: sorted[sorted.length - 1], n: sorted.length } : undefined,
      channelsLeft,
    };
    if (phase !== 'warm-up') this.steps.push(rec);
    this.log(
      `[${this.pbx.type} ${this.path}] ${phase} ${rate} calls/s × ${durationS} s: ${r.answered}/${total} answered, ${r.completed} completed, ` +
        `${rec.sustained ? 'sustained' : `NOT sustained (${rec.failures}${channelsLeft ? `, ${channelsLeft} channels left` : ''})`}; ` +
        `CPU ms/call PBX ${rec.cpuMsPerCall.pbx.toFixed(2)}${rec.cpuMsPerCall.callplane !== undefined ? ` callplane ${rec.cpuMsPerCall.callplane.toFixed(2)}` : ''}` +
        `${rec.latencyMs ? `; INVITE→200 p50 ${rec.latencyMs.p50.toFixed(2)} ms p99 ${rec.latencyMs.p99.toFixed(2)} ms` : ''}; others' load ${rec.otherBusyPct.toFixed(0)}%`,
    );
    return rec;
  }

  /** Waits (≤ `maxS`) until the PBX has no channels; returns how many are left. */
  async drain(maxS = 20): Promise<number> {
    const deadline = Date.now() + maxS * 1000;
    for (;;) {
      const n = await this.pbx.channelCount().catch(() => -1);
      if (n === 0 || Date.now() > deadline) {
        await sleep(1000);
        return Math.max(0, n);
      }
      await sleep(250);
    }
  }
}

/**
 * The call-rate sweep: the `ladder` rates in order until one is not sustained, then (at most two)
 * steps halfway between the last sustained and the first failed rate while they are more than 20 %
 * apart. Returns the highest sustained rate (0 when even the first fails).
 */
export async function sweep(meter: StepMeter, ladder: number[], durationS: number, latencyRate: number): Promise<number> {
  let good = 0;
  let bad: number | undefined;
  for (const rate of ladder) {
    const r = await meter.step(rate, durationS, 'sweep', { traceMessages: rate === latencyRate });
    if (!r.sustained) {
      bad = rate;
      break;
    }
    good = rate;
    if (meter.cp?.proc.hasExited()) break;
  }
  for (let i = 0; i < 2 && bad !== undefined && good > 0 && (bad - good) / good > 0.2 && !meter.cp?.proc.hasExited(); i++) {
    const mid = Math.round((good + bad) / 2 / 5) * 5;
    if ((await meter.step(mid, durationS, 'sweep')).sustained) good = mid;
    else bad = mid;
  }
  return good;
}
