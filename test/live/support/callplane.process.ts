import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { waitFor } from '@callplane/testing';
import { createTestDatabase, TestDatabase, TestDatabaseKind } from '@callplane/persistence/testing';
import { freePortBlock } from './live-ports';
import { LiveProcess, startProcess } from './live-processes';

const REPO = resolve(__dirname, '../../..');
/** The built entry point (`npm run build`): callplane exactly as main.ts wires it. */
export const MAIN_JS = join(REPO, 'dist/apps/control-plane/src/main.js');

export interface LogLine {
  level: number;
  msg?: string;
  [k: string]: unknown;
}

/**
 * callplane as an operator runs it: `node dist/apps/control-plane/src/main.js` in its own process with
 * its configuration in the environment (PBX links from ASTERISK_* / FREESWITCH_*, a first admin, a real
 * database), logging JSON lines to a file the test reads. `kill()` is a SIGKILL (a crash);
 * `start()` again boots it on the same database.
 */
export class CallplaneProcess {
  proc!: LiveProcess;
  readonly url: string;
  private token?: string;
  private starts = 0;
  readonly adminEmail = 'admin@callplane.live';
  readonly adminPassword = `pw-${randomBytes(8).toString('hex')}`;
  private readonly jwtSecret = randomBytes(24).toString('hex');

  private constructor(
    readonly dir: string,
    readonly port: number,
    readonly db: TestDatabase,
    readonly pbxEnv: Record<string, string>,
    readonly extraEnv: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  static async start(opts: { db: TestDatabaseKind; pbxEnv: Record<string, string>; env?: Record<string, string> }): Promise<CallplaneProcess> {
    if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run \`npm run build\` first (npm run test:live does)`);
    const dir = mkdtempSync(join(tmpdir(), 'callplane-live-cp-'));
    const cp = new CallplaneProcess(dir, await freePortBlock(1), await createTestDatabase(opts.db), opts.pbxEnv, opts.env ?? {});
    await cp.boot();
    return cp;
  }

  get logFile(): string {
    return join(this.dir, `callplane-${this.starts}.log`);
  }

  /** Boots callplane (again) and waits until /health answers and the admin can log in. */
  async boot(): Promise<void> {
    this.starts++;
    this.token = undefined;
    this.proc = startProcess('callplane', process.execPath, [MAIN_JS], this.logFile, {
      cwd: this.dir,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'test',
        HTTP_HOST: '127.0.0.1',
        HTTP_PORT: String(this.port),
        LOG_LEVEL: process.env.LIVE_LOG_LEVEL ?? 'info',
        LOG_PRETTY: 'false',
        DATA_DIR: join(this.dir, 'data'),
        DATABASE_URL: this.db.url,
        JWT_SECRET: this.jwtSecret,
        ADMIN_EMAIL: this.adminEmail,
        ADMIN_PASSWORD: this.adminPassword,
        PBX_RECONNECT_MIN_MS: '100',
        PBX_RECONNECT_MAX_MS: '1000',
        ...this.pbxEnv,
        ...this.extraEnv,
      },
    });
    await waitFor(
      async () => {
        if (this.proc.hasExited()) throw new Error(`callplane exited during boot; log: ${this.logFile}\n${this.logTail()}`);
        const res = await fetch(`${this.url}/health`).catch(() => undefined);
        return res !== undefined;
      },
      'callplane /health',
      30_000,
      100,
    ).catch((err) => {
      throw new Error(`${String(err)}\n${this.logTail()}`);
    });
  }

  /** Waits until /health reports every PBX link up. */
  async waitPbxUp(timeoutMs = 20_000): Promise<void> {
    await waitFor(async () => {
      const res = await fetch(`${this.url}/health`);
      const body = (await res.json()) as { status: string; pbx?: unknown };
      return res.status === 200 && body.status === 'ok' ? body : undefined;
    }, 'callplane /health ok with every PBX link up', timeoutMs, 100);
  }

  async kill(): Promise<void> {
    await this.proc.kill();
  }

  async stop(): Promise<void> {
    await this.proc.stop(5000);
  }

  async cleanup(): Promise<void> {
    await this.db.drop().catch(() => undefined);
    if (process.env.LIVE_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  /** JSON log lines of every boot so far. */
  logLines(): LogLine[] {
    const lines: LogLine[] = [];
    for (let i = 1; i <= this.starts; i++) {
      const file = join(this.dir, `callplane-${i}.log`);
      if (!existsSync(file)) continue;
      for (const l of readFileSync(file, 'utf8').split('\n')) {
        if (!l.startsWith('{')) continue;
        try {
          lines.push(JSON.parse(l) as LogLine);
        } catch {
          // a line cut by a SIGKILL
        }
      }
    }
    return lines;
  }

  /** Lines at error level or above (pino: 50 error, 60 fatal), and anything not JSON on stderr. */
  errorLines(): LogLine[] {
    return this.logLines().filter((l) => l.level >= 50);
  }

  logTail(n = 30): string {
    return existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').split('\n').slice(-n).join('\n') : '';
  }

  /** REST as the admin (Bearer token from POST /auth/login). Throws on a non-2xx answer unless `expect` says otherwise. */
  async api<T = any>(method: string, path: string, body?: unknown, expect?: number): Promise<T> {
    if (!this.token) this.token = await this.login(this.adminEmail, this.adminPassword);
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    const parsed = text ? JSON.parse(text) : undefined;
    if (expect !== undefined ? res.status !== expect : res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return parsed as T;
  }

  async login(email: string, password: string): Promise<string> {
    const res = await fetch(`${this.url}/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
    const body = (await res.json()) as { accessToken?: string };
    if (!body.accessToken) throw new Error(`login ${email} failed: ${res.status} ${JSON.stringify(body)}`);
    return body.accessToken;
  }
}
