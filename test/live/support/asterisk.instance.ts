import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from '@callplane/testing';
import { liveEnv } from './live-env';
import { freePortBlock } from './live-ports';
import { LiveProcess, startProcess } from './live-processes';
import { runCommand } from './run-command';

const REPO = resolve(__dirname, '../../..');

/** Connection settings callplane needs for this Asterisk (the env of main.ts). */
export interface AsteriskConnection {
  ASTERISK_ARI_URL: string;
  ASTERISK_ARI_USERNAME: string;
  ASTERISK_ARI_PASSWORD: string;
  ASTERISK_ARI_APP: string;
  ASTERISK_AMI_HOST: string;
  ASTERISK_AMI_PORT: string;
  ASTERISK_AMI_USERNAME: string;
  ASTERISK_AMI_SECRET: string;
}

/**
 * A real Asterisk 22 for one live test file: `asterisk-config/` rendered by its own `render.sh`
 * into a temporary directory (the bundled config an admin uses), with only what a test run adds:
 * its own ports (HTTP/ARI, AMI, SIP), an `asterisk.conf` pointing every directory at the run's
 * folder, a `logger.conf` writing warnings and errors to `log/messages.log`, and an anonymous
 * "carrier" endpoint so sipp's unauthenticated INVITEs reach `from-external` (the pjsip `[anonymous]`
 * endpoint; ../shared/pbx/README.md). Started as a foreground process, stopped by PID.
 */
export class AsteriskInstance {
  readonly type = 'asterisk' as const;
  proc!: LiveProcess;
  /** Agent SIP passwords by extension (pjsip.conf agents 1001, 1002). */
  readonly agentPasswords: Record<string, string> = {
    '1001': randomBytes(8).toString('hex'),
    '1002': randomBytes(8).toString('hex'),
  };
  private readonly ariPassword = randomBytes(12).toString('hex');
  private readonly amiSecret = randomBytes(12).toString('hex');

  private constructor(
    readonly dir: string,
    readonly sipPort: number,
    readonly httpPort: number,
    readonly amiPort: number,
  ) {}

  /**
   * @param opts.extraDialplan extensions.conf text appended after the bundled dialplan (e.g. the
   *   benchmark's `[from-external](+)` extension); none by default.
   */
  static async start(opts: { extraDialplan?: string } = {}): Promise<AsteriskInstance> {
    const base = await freePortBlock(4);
    const dir = mkdtempSync(join(tmpdir(), 'callplane-live-asterisk-'));
    const ast = new AsteriskInstance(dir, base, base + 1, base + 2);
    await ast.writeConfig();
    if (opts.extraDialplan) appendFileSync(join(dir, 'etc/extensions.conf'), `\n; added by the live run\n${opts.extraDialplan}\n`);
    await ast.launch();
    return ast;
  }

  get sipTarget(): string {
    return `127.0.0.1:${this.sipPort}`;
  }

  get connection(): AsteriskConnection {
    return {
      ASTERISK_ARI_URL: `http://127.0.0.1:${this.httpPort}`,
      ASTERISK_ARI_USERNAME: 'callplane',
      ASTERISK_ARI_PASSWORD: this.ariPassword,
      ASTERISK_ARI_APP: 'callplane',
      ASTERISK_AMI_HOST: '127.0.0.1',
      ASTERISK_AMI_PORT: String(this.amiPort),
      ASTERISK_AMI_USERNAME: 'callplane',
      ASTERISK_AMI_SECRET: this.amiSecret,
    };
  }

  /** `asterisk -rx <command>` against this instance's control socket. */
  cli(command: string): Promise<string> {
    return runCommand(liveEnv().asterisk.binary, ['-C', join(this.dir, 'etc/asterisk.conf'), '-rx', command], { timeoutMs: 10_000 });
  }

  /** Active channels (`core show channels count`). */
  async channelCount(): Promise<number> {
    const out = await this.cli('core show channels count');
    const m = /(\d+) active channels?/.exec(out);
    if (!m) throw new Error(`unexpected 'core show channels count' output: ${out}`);
    return Number(m[1]);
  }

  /** True when the PBX holds a reachable contact for the agent extension (`pjsip show contacts`). */
  async isRegistered(extension: string): Promise<boolean> {
    const out = await this.cli(`pjsip show contacts`).catch(() => '');
    return new RegExp(`Contact:\\s+${extension}/\\S+\\s+\\S+\\s+(Avail|NonQual|Unknown)`).test(out);
  }

  /** Bridges as ARI lists them (`GET /ari/bridges`). */
  async bridges(): Promise<{ id: string; bridge_type: string; channels: string[] }[]> {
    const c = this.connection;
    const res = await fetch(`${c.ASTERISK_ARI_URL}/ari/bridges`, { headers: { authorization: `Basic ${Buffer.from(`callplane:${this.ariPassword}`).toString('base64')}` } });
    if (!res.ok) throw new Error(`GET /ari/bridges: ${res.status}`);
    return (await res.json()) as { id: string; bridge_type: string; channels: string[] }[];
  }

  /** WARNING/ERROR lines of messages.log since the instance started (or since `fromByte`). */
  logProblems(fromByte = 0): string[] {
    const file = join(this.dir, 'log/messages.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .slice(fromByte)
      .split('\n')
      .filter((l) => /\b(WARNING|ERROR)\[/.test(l));
  }

  logSize(): number {
    const file = join(this.dir, 'log/messages.log');
    return existsSync(file) ? readFileSync(file).length : 0;
  }

  /** SIGKILL (a crash) — callplane sees its ARI/AMI links drop. */
  async kill(): Promise<void> {
    await this.proc.kill();
  }

  /** Starts Asterisk again on the same directory and ports (after kill()). */
  async restart(): Promise<void> {
    rmSync(join(this.dir, 'run/asterisk.ctl'), { force: true });
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.proc && !this.proc.hasExited()) {
      await this.cli('core stop now').catch(() => undefined);
      await this.proc.stop(5000);
    }
  }

  /** Removes the run's directory (keeps it when LIVE_KEEP=1, for reading its logs). */
  cleanup(): void {
    if (process.env.LIVE_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    this.proc = startProcess('asterisk', liveEnv().asterisk.binary, ['-C', join(this.dir, 'etc/asterisk.conf'), '-f'], join(this.dir, 'asterisk.out'));
    const deadline = Date.now() + 30_000;
    for (;;) {
      if (this.proc.hasExited()) throw new Error(`Asterisk exited during start; see ${this.proc.logFile}`);
      const out = await this.cli('core waitfullybooted').catch(() => '');
      if (out.includes('fully booted')) return;
      if (Date.now() > deadline) throw new Error(`Asterisk not fully booted after 30 s; see ${this.proc.logFile}`);
      await sleep(200);
    }
  }

  private async writeConfig(): Promise<void> {
    const e = liveEnv().asterisk;
    const d = (sub: string) => join(this.dir, sub);
    for (const sub of ['etc', 'data', 'db', 'keys', 'spool', 'run', 'log']) mkdirSync(d(sub), { recursive: true });
    await runCommand('bash', [join(REPO, 'asterisk-config/render.sh'), d('etc')], {
      env: {
        ...process.env,
        CALLPLANE_SIP_BIND: `127.0.0.1:${this.sipPort}`,
        CALLPLANE_HTTP_BIND_ADDR: '127.0.0.1',
        CALLPLANE_AMI_BIND_ADDR: '127.0.0.1',
        CALLPLANE_CONTROL_PLANE_NET: '127.0.0.1/255.255.255.255',
        CALLPLANE_ARI_PASSWORD: this.ariPassword,
        CALLPLANE_AMI_SECRET: this.amiSecret,
        CALLPLANE_AGENT_1001_PASSWORD: this.agentPasswords['1001'],
        CALLPLANE_AGENT_1002_PASSWORD: this.agentPasswords['1002'],
      },
    });
    // The run's own ports: the bundled files name Asterisk's standard 8088 (HTTP) and 5038 (AMI).
    replaceInFile(d('etc/http.conf'), /^bindport = 8088$/m, `bindport = ${this.httpPort}`);
    replaceInFile(d('etc/manager.conf'), /^port = 5038$/m, `port = ${this.amiPort}`);
    // The SIP load generator's carrier: unauthenticated INVITEs land in from-external (→ Stasis).
    appendFileSync(
      d('etc/pjsip.conf'),
      ['', '; added by the live test suite: sipp as the carrier', '[anonymous]', 'type = endpoint', 'transport = transport-udp', 'context = from-external', 'disallow = all', 'allow = ulaw', 'direct_media = no', 'rtp_symmetric = yes', 'dtmf_mode = rfc4733', ''].join('\n'),
    );
    writeFileSync(
      d('etc/asterisk.conf'),
      [
        '[directories]',
        `astetcdir => ${d('etc')}`,
        `astmoddir => ${e.modules}`,
        `astvarlibdir => ${d('data')}`,
        `astdatadir => ${d('data')}`,
        `astdbdir => ${d('db')}`,
        `astkeydir => ${d('keys')}`,
        `astspooldir => ${d('spool')}`,
        `astrundir => ${d('run')}`,
        `astlogdir => ${d('log')}`,
        `astsbindir => ${join(e.prefix, 'sbin')}`,
        '',
        '[options]',
        'verbose = 0',
        'debug = 0',
        '',
      ].join('\n'),
    );
    writeFileSync(d('etc/logger.conf'), ['[general]', 'dateformat = %F %T.%3q', '', '[logfiles]', 'messages.log => notice,warning,error', ''].join('\n'));
    for (const sub of ['rest-api', 'documentation', 'static-http']) symlinkSync(join(e.varlib, sub), d(`data/${sub}`));
    mkdirSync(d('data/sounds'), { recursive: true });
    symlinkSync(e.sounds, d('data/sounds/en'));
    symlinkSync(e.moh, d('data/moh'));
  }
}

function replaceInFile(file: string, pattern: RegExp, replacement: string): void {
  const text = readFileSync(file, 'utf8');
  if (!pattern.test(text)) throw new Error(`${file}: ${pattern} not found (did the bundled config change?)`);
  writeFileSync(file, text.replace(pattern, replacement));
}
