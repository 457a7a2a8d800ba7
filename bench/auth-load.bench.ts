import 'reflect-metadata';
import { fork } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { configureLogging, loadConfig } from '@callplane/core';
import { percentile, table } from './stats';

/**
 * `/health` under a password-guessing burst (issue 13 item 8): callplane (this process, SQLite,
 * no PBX) answers `parallel` clients that post wrong logins back to back, while one more client
 * asks `GET /health` every `probeEveryMs`; the figure is that probe's latency (p50/p99/max),
 * against a baseline without the burst. Target: p99 ≤ 50 ms with 50 parallel logins.
 *
 * The clients run in a child process (a fork of this file), so their own CPU does not count
 * against callplane's event loop. Two scenarios:
 * - `every attempt hashes`: the login throttle raised out of the way, so each attempt costs a
 *   bcrypt compare (cost 10) — the worst case the hasher has to carry;
 * - `default throttle`: the shipped limits (per e-mail+address 10, per address 50 / 15 min,
 *   global 600 / min): after the first 50 attempts the address gets 429 without any hashing.
 *
 * Alone: `npm run build && node dist/bench/auth-load.bench.js [--parallel 50] [--duration 10]`;
 * in `npm run bench` as the `auth` part (`--only auth`).
 */
export interface AuthLoadOptions {
  parallel: number;
  /** Seconds of burst per scenario. */
  durationS: number;
  probeEveryMs: number;
}

export const AUTH_LOAD_DEFAULTS: AuthLoadOptions = { parallel: 50, durationS: 10, probeEveryMs: 20 };

export interface AuthLoadRow {
  scenario: string;
  parallel: number;
  loginsPerS: number;
  /** Answers by HTTP status during the burst. */
  statuses: Record<string, number>;
  probes: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

interface ChildRequest {
  url: string;
  email: string;
  parallel: number;
  durationMs: number;
  probeEveryMs: number;
}

interface ChildResult {
  healthMs: number[];
  logins: number;
  statuses: Record<string, number>;
}

/** The load child: `parallel` login loops plus the /health probe, for `durationMs`. */
async function runLoad(req: ChildRequest): Promise<ChildResult> {
  const until = Date.now() + req.durationMs;
  const statuses: Record<string, number> = {};
  let logins = 0;
  const loop = async (i: number) => {
    for (let n = 0; Date.now() < until; n++) {
      const email = n % 2 ? req.email : `nobody-${i}-${n}@bench.test`;
      const res = await fetch(`${req.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password: `wrong-${i}-${n}` }) });
      await res.arrayBuffer();
      statuses[res.status] = (statuses[res.status] ?? 0) + 1;
      logins++;
    }
  };
  const healthMs: number[] = [];
  const probe = async () => {
    while (Date.now() < until) {
      const t0 = performance.now();
      const res = await fetch(`${req.url}/health`);
      await res.arrayBuffer();
      healthMs.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, req.probeEveryMs));
    }
  };
  await Promise.all([probe(), ...Array.from({ length: req.parallel }, (_, i) => loop(i))]);
  return { healthMs, logins, statuses };
}

function inChild(req: ChildRequest): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, ['--load-child'], { stdio: 'inherit' });
    child.once('message', (m: ChildResult) => {
      resolve(m);
      child.kill();
    });
    child.once('error', reject);
    child.send(req);
  });
}

async function scenario(name: string, env: Record<string, string>, opts: AuthLoadOptions, parallel: number): Promise<AuthLoadRow> {
  const dir = mkdtempSync(join(tmpdir(), 'callplane-auth-bench-'));
  const config = loadConfig({}, {
    NODE_ENV: 'test', LOG_LEVEL: 'error', DATA_DIR: dir, HTTP_PORT: '0', JWT_SECRET: randomBytes(24).toString('hex'),
    ADMIN_EMAIL: 'admin@bench.test', ADMIN_PASSWORD: `pw-${randomBytes(6).toString('hex')}`, ...env,
  });
  const { createControlPlane } = await import('../apps/control-plane/src/bootstrap');
  const app = await createControlPlane(config);
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  try {
    const r = await inChild({ url, email: 'admin@bench.test', parallel, durationMs: opts.durationS * 1000, probeEveryMs: opts.probeEveryMs });
    return {
      scenario: name, parallel, loginsPerS: r.logins / opts.durationS, statuses: r.statuses, probes: r.healthMs.length,
      p50Ms: percentile(r.healthMs, 50), p99Ms: percentile(r.healthMs, 99), maxMs: Math.max(...r.healthMs),
    };
  } finally {
    await app.close();
  }
}

/** Runs the baseline and both scenarios (one fresh callplane each). */
export async function benchAuthLoad(opts: AuthLoadOptions = AUTH_LOAD_DEFAULTS): Promise<AuthLoadRow[]> {
  const relaxed = { LOGIN_MAX_FAILURES_PER_ADDRESS: '100000000', LOGIN_MAX_FAILURES_GLOBAL: '100000000' };
  return [
    await scenario('no logins (baseline)', relaxed, { ...opts, durationS: Math.min(opts.durationS, 3) }, 0),
    await scenario('every attempt hashes', relaxed, opts, opts.parallel),
    await scenario('default throttle', {}, opts, opts.parallel),
  ];
}

/** The bench table: one row per scenario. */
export function authLoadTable(rows: AuthLoadRow[]): string {
  return table([
    ['scenario', 'parallel wrong logins', 'logins/s', 'answers', '/health probes', '/health p50 ms', 'p99 ms', 'max ms', 'target p99 ≤ 50 ms'],
    ...rows.map((r) => [
      r.scenario, r.parallel, Math.round(r.loginsPerS), Object.entries(r.statuses).map(([s, n]) => `${s}×${n}`).join(' ') || '-', r.probes,
      r.p50Ms, r.p99Ms, r.maxMs, r.parallel === 0 ? '-' : r.p99Ms <= 50 ? 'met' : 'MISSED',
    ]),
  ]);
}

/** Prints the table and writes `auth-latest.md` + `auth-<stamp>.json` into `out`; returns the table. */
export async function writeAuthLoad(out: string, opts: AuthLoadOptions = AUTH_LOAD_DEFAULTS): Promise<string> {
  const rows = await benchAuthLoad(opts);
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
  const tables = authLoadTable(rows);
  const text = `callplane auth-load bench — ${new Date().toISOString()} — ${machine}\n\n${tables}`;
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, `auth-${stamp}.json`), JSON.stringify(rows, null, 2));
  writeFileSync(join(out, 'auth-latest.md'), `${text}\n`);
  // eslint-disable-next-line no-console
  console.log(`\n${text}\n`);
  return tables;
}

if (require.main === module) {
  if (process.argv.includes('--load-child')) {
    process.once('message', (req: ChildRequest) => {
      void runLoad(req).then((r) => process.send?.(r));
    });
  } else {
    const arg = (name: string, fallback: number) => {
      const i = process.argv.indexOf(name);
      return i > 0 ? Number(process.argv[i + 1]) : fallback;
    };
    configureLogging({ level: 'error' });
    writeAuthLoad(join(process.cwd(), 'bench/results'), { parallel: arg('--parallel', 50), durationS: arg('--duration', 10), probeEveryMs: 20 })
      .then(() => process.exit(0))
      .catch((err) => {
        // eslint-disable-next-line no-console
        console.error(err);
        process.exit(1);
      });
  }
}
