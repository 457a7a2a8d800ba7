/**
 * `npm run bench:live` (issue 12 item 6): a sipp call-rate sweep against a real Asterisk 22 and a real
 * FreeSWITCH 1.10 (../shared/pbx, or the LIVE_* variables of test/live/support/live-env.ts), each
 * with the same flow — answer → play a short prompt → hang up — on two paths in one run:
 *
 * - dialplan: the flow in the PBX's own dialplan (DID 8999; callplane not running);
 * - callplane: callplane as main.ts wires it (SQLite), an inbound route → an IVR flow with a `play`
 *   and a `hangup` node (DID 8000), seeded over REST.
 *
 * Each rate runs for BENCH_LIVE_STEP_S seconds (default 20) and counts as sustained when every call
 * was placed at the offered rate, answered and completed (the PBX's BYE), none failed. Then 1.25× and
 * 2× the highest sustained rate (BENCH_LIVE_OVERLOAD_S each) show what overload does; on the callplane path callplane must still be
 * alive after them and answer a short 10 calls/s run. Results: bench/results/live-latest.md + JSON.
 *
 * Env: BENCH_LIVE_STEP_S (20), BENCH_LIVE_OVERLOAD_S (10), BENCH_LIVE_RATES (ladder, calls/s),
 * BENCH_LIVE_RECOVERY_S (5), BENCH_LIVE_CALL_TIMEOUT_MS (5000: a caller waiting longer for the answer,
 * or for the BYE after the 0.4 s prompt, counts as failed), BENCH_LIVE_LOG_LEVEL (callplane's LOG_LEVEL, warn),
 * BENCH_LIVE_OUT (bench/results), LIVE_PBX (asterisk,freeswitch).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { AsteriskInstance } from '../../test/live/support/asterisk.instance';
import { CallplaneProcess } from '../../test/live/support/callplane.process';
import { FreeswitchInstance } from '../../test/live/support/freeswitch.instance';
import { LivePbx, liveUnavailableReason } from '../../test/live/support/live-env';
import { killAllLiveProcesses } from '../../test/live/support/live-processes';
import { StepMeter, sweep } from './live-bench.meter';
import { benchDialplan, CALLPLANE_DID, DIALPLAN_DID, seedCallplanePath } from './live-bench.paths';
import { distinctLines, markdown, PbxBenchResult } from './live-bench.report';

const env = process.env;
const STEP_S = Number(env.BENCH_LIVE_STEP_S ?? 20);
const OVERLOAD_S = Number(env.BENCH_LIVE_OVERLOAD_S ?? Math.min(STEP_S, 10));
const LATENCY_RATE = 20;
const LADDER = (env.BENCH_LIVE_RATES ?? '20,100,200,300,400,600').split(',').map(Number);
const RECOVERY_RATE = 10;
const RECOVERY_S = Number(env.BENCH_LIVE_RECOVERY_S ?? 5);
const CALL_TIMEOUT_MS = Number(env.BENCH_LIVE_CALL_TIMEOUT_MS ?? 5000);
const LOG_LEVEL = env.BENCH_LIVE_LOG_LEVEL ?? 'warn';
const OUT = resolve(__dirname, '../..', env.BENCH_LIVE_OUT ?? 'bench/results');

const say = (line: string) => process.stdout.write(`${line}\n`);

async function benchPbx(pbx: LivePbx): Promise<PbxBenchResult> {
  const instance = pbx === 'asterisk' ? await AsteriskInstance.start({ extraDialplan: benchDialplan(pbx) }) : await FreeswitchInstance.start({ extraDialplan: benchDialplan(pbx) });
  let cp: CallplaneProcess | undefined;
  try {
    const versionLine = (await instance.cli(pbx === 'asterisk' ? 'core show version' : 'version')).trim();
    const version = pbx === 'asterisk' ? (/Asterisk \S+/.exec(versionLine)?.[0] ?? versionLine) : `FreeSWITCH ${/Version (\S+)/.exec(versionLine)?.[1] ?? versionLine}`;
    say(`== ${pbx}: ${version}`);

    // Dialplan path, with callplane not running: the PBX's own figure, nothing else on it.
    const dialplan = new StepMeter(instance, 'dialplan', DIALPLAN_DID, CALL_TIMEOUT_MS, undefined, say);
    const warm = await dialplan.step(5, 2, 'warm-up');
    if (warm.completed !== 10) throw new Error(`${pbx} dialplan path does not work (${warm.failures}); see ${instance.dir}`);
    const dpTop = await sweep(dialplan, LADDER, STEP_S, LATENCY_RATE);
    await overload(dialplan, dpTop);

    // callplane path: callplane as an operator runs it, the flow seeded over REST.
    cp = await CallplaneProcess.start({ db: 'sqlite', pbxEnv: instance.connection as unknown as Record<string, string>, env: { LOG_LEVEL: LOG_LEVEL } });
    await cp.waitPbxUp();
    await seedCallplanePath(cp);
    const logMark = instance.logSize();
    const viaCp = new StepMeter(instance, 'callplane', CALLPLANE_DID, CALL_TIMEOUT_MS, cp, say);
    const cpWarm = await viaCp.step(5, 2, 'warm-up');
    if (cpWarm.completed !== 10) throw new Error(`${pbx} callplane path does not work (${cpWarm.failures}); callplane log:\n${cp.logTail()}`);
    const cpTop = await sweep(viaCp, LADDER, STEP_S, LATENCY_RATE);
    await overload(viaCp, cpTop);
    const survival = await checkSurvival(viaCp, cp);
    const result: PbxBenchResult = {
      pbx,
      version,
      paths: { dialplan: { highestSustained: dpTop, steps: dialplan.steps }, callplane: { highestSustained: cpTop, steps: viaCp.steps } },
      survival,
      callplaneErrors: cp.errorLines().map((l) => `${String(l.msg)} ${JSON.stringify(l)}`.slice(0, 300)),
      pbxWarnings: distinctLines(instance.logProblems(logMark)),
    };
    return result;
  } finally {
    await cp?.stop().catch(() => undefined);
    await instance.stop().catch(() => undefined);
    await killAllLiveProcesses();
    await cp?.cleanup();
    instance.cleanup();
  }
}

/** 1.25× and 2× the highest sustained rate, OVERLOAD_S each. */
async function overload(meter: StepMeter, top: number): Promise<void> {
  if (top <= 0) return;
  for (const factor of [1.25, 2]) {
    if (meter.cp?.proc.hasExited()) return;
    await meter.step(Math.round(top * factor), OVERLOAD_S, 'overload');
  }
}

/**
 * After overload: callplane's process alive, /health answering, a short 10 calls/s run all answered,
 * and how long the PBX then needs to be rid of the overload's leftover channels (≤ 60 s more).
 */
async function checkSurvival(meter: StepMeter, cp: CallplaneProcess): Promise<NonNullable<PbxBenchResult['survival']>> {
  if (cp.proc.hasExited()) return { alive: false, exitCode: await cp.proc.exited };
  const health = await fetch(`${cp.url}/health`).catch(() => undefined);
  const alive = !cp.proc.hasExited() && health !== undefined;
  const recovery = await meter.step(RECOVERY_RATE, RECOVERY_S, 'recovery');
  const t0 = Date.now();
  const channelsLeft = recovery.channelsLeft > 0 ? await meter.drain(60) : 0;
  return { alive: alive && !cp.proc.hasExited(), recovery, leftover: recovery.channelsLeft > 0 ? { after: recovery.channelsLeft, drainedInS: channelsLeft === 0 ? (Date.now() - t0) / 1000 : undefined, stillUp: channelsLeft } : undefined };
}

const pbxes = (['asterisk', 'freeswitch'] as LivePbx[]).filter((p) => {
  const reason = liveUnavailableReason(p);
  if (reason) say(`bench:live SKIPPED on ${p}: ${reason}`);
  return !reason;
});

const maybe = pbxes.length ? it : it.skip;
maybe(`live call-rate sweep on ${pbxes.join(', ') || 'no PBX'} (steps of ${STEP_S} s)`, async () => {
  const started = new Date();
  const results: PbxBenchResult[] = [];
  try {
    for (const pbx of pbxes) results.push(await benchPbx(pbx));
  } finally {
    await killAllLiveProcesses();
  }
  const minutes = (Date.now() - started.getTime()) / 60_000;
  const header = `callplane live bench — ${started.toISOString()} — ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'CPU'}, Node ${process.version}; ${results.map((r) => r.version).join('; ')}; steps of ${STEP_S} s (overload ${OVERLOAD_S} s); took ${minutes.toFixed(1)} min`;
  const md = markdown(header, results, LATENCY_RATE);
  say(`\n${md}`);
  mkdirSync(OUT, { recursive: true });
  writeFileSync(join(OUT, 'live-latest.md'), md);
  writeFileSync(join(OUT, `live-${started.toISOString().replace(/[:.]/g, '-')}.json`), JSON.stringify({ started: started.toISOString(), stepS: STEP_S, overloadS: OVERLOAD_S, callTimeoutMs: CALL_TIMEOUT_MS, ladder: LADDER, latencyRate: LATENCY_RATE, callplaneLogLevel: LOG_LEVEL, results }, null, 2));
  say(`results: ${join(OUT, 'live-latest.md')}`);

  // Overload must never take callplane down, and it must serve calls again at once (issue 12).
  for (const r of results) {
    expect({ pbx: r.pbx, alive: r.survival?.alive }).toEqual({ pbx: r.pbx, alive: true });
    expect({ pbx: r.pbx, recoveredAllAnswered: r.survival?.recovery?.sustained }).toEqual({ pbx: r.pbx, recoveredAllAnswered: true });
  }
});
