import 'reflect-metadata';
import { fork, ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { DataSource, Like } from 'typeorm';
import { configureLogging, loadConfig, AppConfig } from '@callplane/core';
import type { PbxConnectionConfig } from '@callplane/pbx';
import { AgentStateService } from '@callplane/acd';
import { IvrFlowsService, IvrStepLatency } from '@callplane/ivr';
import { AgentEntity, CallEntity, InboundRouteEntity, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import type { createControlPlane } from '../apps/control-plane/src/bootstrap';
import { percentile, table } from './stats';
import { benchRouting, routingTables, RoutingBenchResult } from './acd-routing.bench';
import { writeAuthLoad } from './auth-load.bench';
import { benchIvrValidation, validationTable } from './ivr-validation.bench';

/**
 * `npm run bench`: pushes scripted calls through pbx-sim (own process) → callplane (this
 * process) for each PBX type and prints calls/s sustained, p50/p99 latency from the offer
 * (StasisStart / CHANNEL_PARK) to the answer request and to the first agent dial, and RSS per
 * 1,000 concurrent calls; then the ACD routing decision time and memory (acd-routing.bench.ts,
 * in this process). Results go to bench/results/. `--only routing` runs the routing part alone
 * (`npm run bench:routing`, seconds), `--only calls` the PBX part alone, `--only auth` the `/health`
 * latency under 50 parallel wrong logins (auth-load.bench.ts, ~25 s), `--only validation` the
 * IVR validation time of 5,000-node flows (ivr-validation.bench.ts, `npm run bench:validation`, seconds).
 */
const program = new Command()
  .option('--pbx <list>', 'PBX types', 'asterisk,freeswitch')
  .option('--rates <list>', 'offered call rates to step through, calls/s', '50,100,150,200')
  .option('--duration <s>', 'seconds per rate step', '8')
  .option('--hold <ms>', 'caller hangs up this many ms after the offer', '1500')
  .option('--concurrent <n>', 'concurrent calls for the memory figure', '1000')
  .option('--ivr-calls <n>', 'concurrent calls in IVR menus for the IVR step latency', '500')
  .option('--out <dir>', 'results folder', 'bench/results')
  .option('--log-level <level>', 'callplane log level during the bench', 'error')
  .option('--only <parts>', 'parts to run: calls (PBX load, IVR, memory), routing (ACD decisions), auth (/health under wrong logins), validation (IVR flows of 5,000 nodes)', 'calls,routing,auth,validation')
  .option('--child-out <file>', '(internal) run one PBX in this process and write its result here')
  .parse();
const opts = program.opts<{ pbx: string; rates: string; duration: string; hold: string; concurrent: string; ivrCalls: string; out: string; logLevel: string; only: string; childOut?: string }>();

class SimWorker {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private constructor(private readonly child: ChildProcess) {
    child.on('message', (m: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.ok) p?.resolve(m.result);
      else p?.reject(new Error(m.error));
    });
  }
  static spawn(): SimWorker {
    const child = fork(join(__dirname, 'sim-worker.js'), [], { stdio: 'inherit' });
    // A failed bench must not leave the simulator running.
    process.on('exit', () => child.kill());
    return new SimWorker(child);
  }
  call<T = any>(msg: Record<string, unknown>): Promise<T> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...msg, id });
    });
  }
}

function configFor(connection: PbxConnectionConfig, dir: string): AppConfig {
  const env: Record<string, string> = {
    NODE_ENV: 'test',
    HTTP_PORT: '0',
    HTTP_HOST: '127.0.0.1',
    LOG_LEVEL: opts.logLevel,
    DATABASE_URL: `sqlite:${join(dir, 'bench.sqlite')}`,
    JWT_SECRET: randomBytes(24).toString('hex'),
    PBX_REQUEST_TIMEOUT_MS: '5000',
  };
  if (connection.type === 'asterisk') {
    Object.assign(env, {
      ASTERISK_ARI_URL: connection.ariUrl, ASTERISK_ARI_USERNAME: connection.ariUsername, ASTERISK_ARI_PASSWORD: connection.ariPassword,
      ASTERISK_ARI_APP: connection.app, ASTERISK_AMI_HOST: connection.amiHost, ASTERISK_AMI_PORT: String(connection.amiPort),
      ASTERISK_AMI_USERNAME: connection.amiUsername, ASTERISK_AMI_SECRET: connection.amiSecret,
    });
  } else {
    Object.assign(env, { FREESWITCH_ESL_HOST: connection.eslHost, FREESWITCH_ESL_PORT: String(connection.eslPort), FREESWITCH_ESL_PASSWORD: connection.eslPassword });
  }
  return loadConfig({}, env);
}

async function seed(ds: DataSource, states: AgentStateService, agentCount: number): Promise<string[]> {
  const queue = await ds.getRepository(QueueEntity).save(ds.getRepository(QueueEntity).create({ name: 'bench', strategy: 'longest-idle', ringTimeoutS: 20, maxWaitS: 120, wrapUpS: 0, greetingPrompt: 'sound:beep', mohClass: 'default' }));
  await ds.getRepository(InboundRouteEntity).save({ did: '7000', targetType: 'queue', targetId: queue.id, pbxNodeId: null });
  const endpoints: string[] = [];
  for (let i = 0; i < agentCount; i++) {
    const endpoint = String(2000 + i);
    const agent = await ds.getRepository(AgentEntity).save(ds.getRepository(AgentEntity).create({ name: `bench ${endpoint}`, endpoint, state: 'offline', stateChangedAt: new Date(), skills: {} }));
    await ds.getRepository(QueueMemberEntity).save({ queueId: queue.id, agentId: agent.id, penalty: 0 });
    await states.set(agent.id, 'available', 'agent');
    endpoints.push(endpoint);
  }
  return endpoints;
}

async function waitEnded(ds: DataSource, prefix: string, expected: number, timeoutMs: number): Promise<{ ended: number; answered: number }> {
  const calls = ds.getRepository(CallEntity);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rows = await calls.find({ where: { callerNumber: Like(`${prefix}%`) }, select: { status: true, disposition: true } });
    const ended = rows.filter((r) => r.status === 'ended').length;
    if (ended >= expected || Date.now() > deadline) return { ended, answered: rows.filter((r) => r.disposition === 'ANSWERED').length };
    await new Promise((r) => setTimeout(r, 250));
  }
}

const rss = () => process.memoryUsage().rss / 1024 / 1024;
const heap = () => process.memoryUsage().heapUsed / 1024 / 1024;
const gc = () => (global as { gc?: () => void }).gc?.();

async function benchPbx(pbx: 'asterisk' | 'freeswitch') {
  const worker = SimWorker.spawn();
  const { connection } = await worker.call<{ connection: PbxConnectionConfig }>({ cmd: 'start', pbx });
  const dir = mkdtempSync(join(tmpdir(), `callplane-bench-${pbx}-`));
  // Loaded here, not at the top: `--only routing` needs none of the app.
  const { createControlPlane: create } = await import('../apps/control-plane/src/bootstrap');
  const app = await create(configFor(connection, dir));
  await app.listen(0, '127.0.0.1');
  await new Promise((r) => setTimeout(r, 500)); // drivers connect
  const concurrent = Number(opts.concurrent);
  const endpoints = await seed(app.get(DataSource), app.get(AgentStateService), Math.max(concurrent + 300, 400));
  await worker.call({ cmd: 'register', endpoints, answerAfterMs: 100 });

  // Memory first, on a freshly booted process. RSS is taken as a slope: with `warm` calls up,
  // then with `concurrent` more, so boot-time allocations and allocator slack cancel out.
  const warm = 250;
  await worker.call({ cmd: 'hold', count: warm, rate: 200, prefix: '8000' });
  await new Promise((r) => setTimeout(r, 3000));
  gc();
  gc();
  const base = rss();
  const baseHeap = heap();
  await worker.call({ cmd: 'hold', count: concurrent, rate: 200, prefix: '8001' });
  await new Promise((r) => setTimeout(r, 3000));
  gc();
  gc();
  const loaded = rss();
  const loadedHeap = heap();
  const live = (await app.get(DataSource).getRepository(CallEntity).count({ where: { callerNumber: Like('8001%'), status: 'active' } }));
  await worker.call({ cmd: 'hangupAll' });
  await waitEnded(app.get(DataSource), '800', concurrent + warm, 30_000);
  await new Promise((r) => setTimeout(r, 3000)); // write-behind flushes and timers settle before the rate steps

  // Warm-up (not reported): JIT, connection pools and caches reach steady state first.
  await worker.call({ cmd: 'load', rate: 30, durationS: 3, holdMs: Number(opts.hold), prefix: '9999' });
  await waitEnded(app.get(DataSource), '9999', 90, 20_000);

  const steps = [];
  for (const rate of opts.rates.split(',').map(Number)) {
    const prefix = `9${String(rate).padStart(3, '0')}`;
    const cpu0 = process.cpuUsage();
    const r = await worker.call<{ placed: number; failed: number; wallS: number; answerMs: number[]; dialMs: number[]; simCpuPct: number }>({ cmd: 'load', rate, durationS: Number(opts.duration), holdMs: Number(opts.hold), prefix });
    const done = await waitEnded(app.get(DataSource), prefix, r.placed, 30_000);
    const cpu = process.cpuUsage(cpu0);
    const cpuPct = ((cpu.user + cpu.system) / 1000 / (r.wallS * 1000)) * 100;
    steps.push({
      rate, placed: r.placed, failed: r.failed, answered: done.answered, ended: done.ended,
      sustained: r.failed === 0 && done.answered === r.placed,
      answerP50: percentile(r.answerMs, 50), answerP99: percentile(r.answerMs, 99),
      dialP50: percentile(r.dialMs, 50), dialP99: percentile(r.dialMs, 99),
      cpuMsPerCall: (cpu.user + cpu.system) / 1000 / Math.max(1, r.placed),
      callplaneCpuPct: cpuPct,
      simCpuPct: r.simCpuPct,
    });
  }

  const ivr = await benchIvr(app, worker, Number(opts.ivrCalls));
  await app.close();
  await worker.call({ cmd: 'stop' });
  return { pbx, steps, ivr, memory: { concurrent: live, baseRssMb: base, loadedRssMb: loaded, rssPer1000Mb: ((loaded - base) * 1000) / Math.max(1, live), heapPer1000Mb: ((loadedHeap - baseHeap) * 1000) / Math.max(1, live) } };
}

/**
 * IVR step latency (issue 4): `calls` callers sit in a two-level menu; each presses one digit
 * (spread over 1 s); measured inside callplane from the DTMF event to the next prompt request.
 */
async function benchIvr(app: Awaited<ReturnType<typeof createControlPlane>>, worker: SimWorker, calls: number) {
  const flows = app.get(IvrFlowsService);
  const flow = await flows.create('bench-menu', {
    name: 'bench-menu',
    start: 'main',
    nodes: [
      { id: 'main', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 60_000, maxRetries: 0, options: [{ digit: '1', next: 'sub' }] },
      { id: 'sub', type: 'menu', prompts: ['sound:sub-menu'], timeoutMs: 60_000, maxRetries: 0, options: [{ digit: '1', next: 'bye' }] },
      { id: 'bye', type: 'hangup', cause: 16 },
    ],
  });
  await flows.publish(flow.id);
  await app.get(DataSource).getRepository(InboundRouteEntity).save({ did: '7100', targetType: 'ivr', targetId: flow.id, pbxNodeId: null });
  await new Promise((r) => setTimeout(r, 2500)); // the call engine caches routes for 2 s
  await worker.call({ cmd: 'hold', count: calls, rate: 250, prefix: '7100', to: '7100' });
  await new Promise((r) => setTimeout(r, 3000)); // every caller is in the first menu
  const latency = app.get(IvrStepLatency);
  latency.reset();
  // Digit 1 leaves the first menu for the second (whose prompt request is the measured step);
  // the step is recorded when it completes, so a second digit ends the second menu.
  await worker.call({ cmd: 'dtmfAll', digit: '1', spreadMs: 1000 });
  await new Promise((r) => setTimeout(r, 1500));
  await worker.call({ cmd: 'dtmfAll', digit: '1', spreadMs: 1000 });
  await new Promise((r) => setTimeout(r, 1500));
  const summary = latency.summary();
  await worker.call({ cmd: 'hangupAll' });
  await new Promise((r) => setTimeout(r, 1000));
  return summary;
}

type PbxResult = Awaited<ReturnType<typeof benchPbx>>;

/** Each PBX runs in a fresh process (same flags), so one run's heap and RSS never leak into the next. */
function benchInChild(pbx: string): Promise<PbxResult> {
  const out = join(mkdtempSync(join(tmpdir(), 'callplane-bench-result-')), 'result.json');
  const args = process.argv.slice(2).filter((a, i, all) => a !== '--pbx' && all[i - 1] !== '--pbx');
  const child = fork(__filename, [...args, '--pbx', pbx, '--child-out', out], { execArgv: process.execArgv, stdio: 'inherit' });
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(readFileSync(out, 'utf8')) as PbxResult) : reject(new Error(`bench of ${pbx} exited with ${code}`)))),
  );
}

async function main(): Promise<void> {
  configureLogging({ level: opts.logLevel });
  if (opts.childOut) {
    writeFileSync(opts.childOut, JSON.stringify(await benchPbx(opts.pbx as 'asterisk' | 'freeswitch')));
    process.exit(0);
  }
  const parts = opts.only.split(',');
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}`;
  mkdirSync(opts.out, { recursive: true });
  // Before the PBX runs: this process's heap is still small and quiet for the memory figure.
  const routing = parts.includes('routing') ? writeRouting(benchRouting(), stamp, machine) : undefined;
  const validation = parts.includes('validation') ? await writeValidation(stamp, machine) : undefined;
  const auth = parts.includes('auth') ? await writeAuthLoad(opts.out) : undefined;
  if (!parts.includes('calls')) process.exit(0);
  const results: PbxResult[] = [];
  for (const pbx of opts.pbx.split(',')) results.push(await benchInChild(pbx));

  const rows: (string | number)[][] = [['PBX', 'offered calls/s', 'placed', 'answered', 'sustained', 'offer→answer p50 ms', 'p99 ms', 'offer→first dial p50 ms', 'p99 ms', 'callplane CPU ms/call', 'callplane CPU %', 'sim CPU %']];
  for (const r of results) for (const s of r.steps) rows.push([r.pbx, s.rate, s.placed, s.answered, s.sustained ? 'yes' : 'no', s.answerP50, s.answerP99, s.dialP50, s.dialP99, s.cpuMsPerCall, s.callplaneCpuPct, s.simCpuPct]);
  const mem: (string | number)[][] = [['PBX', 'calls added', 'RSS before MB', 'RSS after MB', 'RSS per 1,000 calls MB', 'JS heap per 1,000 calls MB']];
  for (const r of results) mem.push([r.pbx, r.memory.concurrent, r.memory.baseRssMb, r.memory.loadedRssMb, r.memory.rssPer1000Mb, r.memory.heapPer1000Mb]);
  const ivrRows: (string | number)[][] = [['PBX', 'calls in menus', 'steps measured', 'DTMF→next prompt p50 ms', 'p99 ms', 'max ms']];
  for (const r of results) ivrRows.push([r.pbx, Number(opts.ivrCalls), r.ivr.count, r.ivr.p50Ms, r.ivr.p99Ms, r.ivr.maxMs]);
  const best = results.map((r) => [r.pbx, Math.max(0, ...r.steps.filter((s) => s.sustained).map((s) => s.rate))] as const);
  const text = [
    `callplane bench — ${new Date().toISOString()} — ${machine}`,
    '', table(rows), '', table(mem), '', table(ivrRows), '',
    `Highest sustained rate (all calls answered): ${best.map(([p, v]) => `${p} ${v} calls/s`).join(', ')}`,
    ...(routing ? ['', routing] : []),
    ...(validation ? ['', validation] : []),
    ...(auth ? ['', auth] : []),
  ].join('\n');
  // eslint-disable-next-line no-console
  console.log(`\n${text}\n`);
  writeFileSync(join(opts.out, `${stamp}.json`), JSON.stringify(results, null, 2));
  writeFileSync(join(opts.out, 'latest.md'), `${text}\n`);
  process.exit(0);
}

/** Prints the routing tables and writes routing-latest.md + routing-<stamp>.json; returns the tables. */
function writeRouting(result: RoutingBenchResult, stamp: string, machine: string): string {
  const tables = routingTables(result);
  // Decision times on a shared machine depend on what else runs: the load average goes with them.
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const text = `callplane routing bench — ${new Date().toISOString()} — ${machine}, load average ${load}\n\n${tables}`;
  // eslint-disable-next-line no-console
  console.log(`\n${text}\n`);
  writeFileSync(join(opts.out, `routing-${stamp}.json`), JSON.stringify(result, null, 2));
  writeFileSync(join(opts.out, 'routing-latest.md'), `${text}\n`);
  return tables;
}

/** Prints the IVR validation table and writes validation-latest.md + validation-<stamp>.json; returns the table. */
async function writeValidation(stamp: string, machine: string): Promise<string> {
  const figures = await benchIvrValidation();
  const tableText = validationTable(figures);
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  const text = `callplane IVR validation bench — ${new Date().toISOString()} — ${machine}, load average ${load}\n\n${tableText}`;
  // eslint-disable-next-line no-console
  console.log(`\n${text}\n`);
  writeFileSync(join(opts.out, `validation-${stamp}.json`), JSON.stringify(figures, null, 2));
  writeFileSync(join(opts.out, 'validation-latest.md'), `${text}\n`);
  return tableText;
}

main().catch((err) => {
  // eslint-disable-next-line no-console
  console.error(err);
  process.exit(1);
});
