import { randomBytes } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { sleep } from '@callplane/testing';
import { liveEnv } from './live-env';
import { freePortBlock } from './live-ports';
import { LiveProcess, startProcess } from './live-processes';
import { runCommand } from './run-command';

const REPO = resolve(__dirname, '../../..');

/**
 * A real FreeSWITCH 1.10 for one live test file: the vanilla configuration of the install copied to a
 * temporary directory, `freeswitch-config/` rendered over it by its own `render.sh`, and the include
 * line added to vars.xml as freeswitch-config/README.md tells an admin to. The run changes only its
 * ports (SIP profiles, event socket, ws/wss) so runs never collide, and makes the prompts the flows
 * play from Asterisk's English sound files (no FreeSWITCH sounds ship; ../shared/pbx/README.md).
 */
export class FreeswitchInstance {
  readonly type = 'freeswitch' as const;
  proc!: LiveProcess;
  readonly agentPasswords: Record<string, string> = {
    '1001': randomBytes(8).toString('hex'),
    '1002': randomBytes(8).toString('hex'),
  };
  readonly eslPassword = randomBytes(12).toString('hex');

  private constructor(
    readonly dir: string,
    readonly ports: { internal: number; external: number; agents: number; esl: number; ws: number; wss: number; outbound: number },
  ) {}

  /**
   * @param opts.extraDialplan an `<include>` of public-context extensions, written to
   *   dialplan/public/00_000_live_extra.xml so they match before the bundled 00_callplane.xml park
   *   extension (e.g. the benchmark's answer/playback/hangup DID); none by default.
   */
  static async start(opts: { extraDialplan?: string } = {}): Promise<FreeswitchInstance> {
    const b = await freePortBlock(8);
    const dir = mkdtempSync(join(tmpdir(), 'callplane-live-freeswitch-'));
    const fs = new FreeswitchInstance(dir, { internal: b, external: b + 1, agents: b + 2, esl: b + 3, ws: b + 4, wss: b + 5, outbound: b + 6 });
    await fs.writeConfig();
    if (opts.extraDialplan) writeFileSync(join(dir, 'conf/dialplan/public/00_000_live_extra.xml'), opts.extraDialplan);
    await fs.launch();
    return fs;
  }

  /** Where the carrier (sipp) sends INVITEs: the external profile (context public). */
  get sipTarget(): string {
    return `127.0.0.1:${this.ports.external}`;
  }

  /** Where agent phones register: the bundled `callplane` profile. */
  get agentRegistrar(): string {
    return `127.0.0.1:${this.ports.agents}`;
  }

  get connection(): { FREESWITCH_ESL_HOST: string; FREESWITCH_ESL_PORT: string; FREESWITCH_ESL_PASSWORD: string } {
    return { FREESWITCH_ESL_HOST: '127.0.0.1', FREESWITCH_ESL_PORT: String(this.ports.esl), FREESWITCH_ESL_PASSWORD: this.eslPassword };
  }

  /** `fs_cli -x <command>` against this instance's event socket. */
  cli(command: string): Promise<string> {
    return runCommand(liveEnv().freeswitch.cli, ['-H', '127.0.0.1', '-P', String(this.ports.esl), '-p', this.eslPassword, '-x', command], { timeoutMs: 10_000 });
  }

  /** Active channels (`show channels count`). */
  async channelCount(): Promise<number> {
    const out = await this.cli('show channels count');
    const m = /(\d+) total/.exec(out);
    if (!m) throw new Error(`unexpected 'show channels count' output: ${out}`);
    return Number(m[1]);
  }

  /** True when the agent profile holds a registration for the extension (`sofia status profile callplane reg`). */
  async isRegistered(extension: string): Promise<boolean> {
    const out = await this.cli(`sofia status profile callplane reg ${extension}`).catch(() => '');
    return /Total items returned: [1-9]/.test(out);
  }

  /** Bridged calls (`show calls count`). */
  async callCount(): Promise<number> {
    const out = await this.cli('show calls count');
    const m = /(\d+) total/.exec(out);
    if (!m) throw new Error(`unexpected 'show calls count' output: ${out}`);
    return Number(m[1]);
  }

  /** Conferences (virtual bridges of 3+ members) still running. */
  async conferenceCount(): Promise<number> {
    const out = await this.cli('conference list count');
    return /No active conferences/.test(out) ? 0 : Number(/(\d+)/.exec(out)?.[1] ?? 0);
  }

  logSize(): number {
    const file = join(this.dir, 'log/freeswitch.log');
    return existsSync(file) ? readFileSync(file).length : 0;
  }

  /** [WARNING]/[ERR]/[CRIT] lines of freeswitch.log after `fromByte`. */
  logProblems(fromByte = 0): string[] {
    const file = join(this.dir, 'log/freeswitch.log');
    if (!existsSync(file)) return [];
    return readFileSync(file, 'utf8')
      .slice(fromByte)
      .split('\n')
      .filter((l) => /\[(WARNING|ERR|CRIT|ALERT)\]/.test(l));
  }

  async kill(): Promise<void> {
    await this.proc.kill();
  }

  async restart(): Promise<void> {
    rmSync(join(this.dir, 'run/freeswitch.pid'), { force: true });
    await this.launch();
  }

  async stop(): Promise<void> {
    if (this.proc && !this.proc.hasExited()) {
      await this.cli('shutdown').catch(() => undefined);
      await this.proc.stop(8000);
    }
  }

  cleanup(): void {
    if (process.env.LIVE_KEEP !== '1') rmSync(this.dir, { recursive: true, force: true });
  }

  private async launch(): Promise<void> {
    const e = liveEnv().freeswitch;
    const d = (s: string) => join(this.dir, s);
    this.proc = startProcess(
      'freeswitch',
      e.binary,
      ['-nonat', '-nc', '-nf', '-conf', d('conf'), '-log', d('log'), '-db', d('db'), '-run', d('run'), '-storage', d('storage'), '-recordings', d('recordings'), '-sounds', d('sounds'), '-mod', e.modules],
      d('freeswitch.out'),
    );
    const deadline = Date.now() + 40_000;
    for (;;) {
      if (this.proc.hasExited()) throw new Error(`FreeSWITCH exited during start; see ${this.proc.logFile}`);
      const out = await this.cli('status').catch(() => '');
      // Ready when the core says so and the agents' SIP profile is up.
      if (out.includes('is ready')) {
        const profiles = await this.cli('sofia status').catch(() => '');
        if (/callplane\s+profile\s+\S+\s+RUNNING/.test(profiles) && /external\s+profile\s+\S+\s+RUNNING/.test(profiles)) return;
      }
      if (Date.now() > deadline) throw new Error(`FreeSWITCH not ready after 40 s; see ${this.proc.logFile}`);
      await sleep(250);
    }
  }

  private async writeConfig(): Promise<void> {
    const e = liveEnv();
    const d = (s: string) => join(this.dir, s);
    for (const s of ['log', 'db', 'run', 'storage', 'recordings', 'sounds']) mkdirSync(d(s), { recursive: true });
    cpSync(e.freeswitch.vanillaConf, d('conf'), { recursive: true });
    await runCommand('bash', [join(REPO, 'freeswitch-config/render.sh'), d('conf')], {
      env: {
        ...process.env,
        CALLPLANE_ESL_PASSWORD: this.eslPassword,
        CALLPLANE_ESL_LISTEN_IP: '127.0.0.1',
        CALLPLANE_CONTROL_PLANE_CIDR: '127.0.0.1/32',
        CALLPLANE_HOST: '127.0.0.1',
        CALLPLANE_AGENT_1001_PASSWORD: this.agentPasswords['1001'],
        CALLPLANE_AGENT_1002_PASSWORD: this.agentPasswords['1002'],
      },
    });
    // What freeswitch-config/README.md tells the admin to add at the end of vars.xml.
    edit(d('conf/vars.xml'), /<\/include>\s*$/, '  <X-PRE-PROCESS cmd="include" data="callplane_vars.xml"/>\n</include>\n');
    // The run's own ports.
    const p = this.ports;
    edit(d('conf/vars.xml'), /data="internal_sip_port=5060"/, `data="internal_sip_port=${p.internal}"`);
    edit(d('conf/vars.xml'), /data="external_sip_port=5080"/, `data="external_sip_port=${p.external}"`);
    edit(d('conf/callplane_vars.xml'), /callplane_esl_port=8021/, `callplane_esl_port=${p.esl}`);
    edit(d('conf/callplane_vars.xml'), /callplane_sip_port=5070/, `callplane_sip_port=${p.agents}`);
    edit(d('conf/callplane_vars.xml'), /callplane_outbound_port=8084/, `callplane_outbound_port=${p.outbound}`);
    edit(d('conf/sip_profiles/internal.xml'), /value=":5066"/, `value="127.0.0.1:${p.ws}"`);
    edit(d('conf/sip_profiles/internal.xml'), /value=":7443"/, `value="127.0.0.1:${p.wss}"`);
    symlinkSync(e.freeswitch.music, d('sounds/music'));
    await makePrompts(d('sounds/en/us/callie'));
  }
}

function edit(file: string, pattern: RegExp, replacement: string): void {
  const text = readFileSync(file, 'utf8');
  if (!pattern.test(text)) throw new Error(`${file}: ${pattern} not found (did the vanilla or bundled config change?)`);
  writeFileSync(file, text.replace(pattern, replacement));
}

/**
 * FreeSWITCH's sound_prefix (`$${sounds_dir}/en/us/callie`) filled with 8 kHz WAVs converted by sox from
 * Asterisk's English GSM prompts (same names, digits/ included), cached per machine: the conversion
 * of ~400 files takes a few seconds once.
 */
async function makePrompts(target: string): Promise<void> {
  const e = liveEnv();
  const cache = join(tmpdir(), 'callplane-live-fs-sounds-v1');
  if (!existsSync(join(cache, '.complete'))) {
    rmSync(cache, { recursive: true, force: true });
    const jobs: [string, string][] = [];
    const walk = (rel: string) => {
      for (const entry of readdirSync(join(e.asterisk.sounds, rel), { withFileTypes: true })) {
        const r = rel ? `${rel}/${entry.name}` : entry.name;
        if (entry.isDirectory()) walk(r);
        else if (entry.name.endsWith('.gsm')) jobs.push([join(e.asterisk.sounds, r), join(cache, r.replace(/\.gsm$/, '.wav'))]);
      }
    };
    walk('');
    for (let i = 0; i < jobs.length; i += 16) {
      await Promise.all(
        jobs.slice(i, i + 16).map(([from, to]) => {
          mkdirSync(resolve(to, '..'), { recursive: true });
          return runCommand(e.sox, [from, '-r', '8000', '-c', '1', '-b', '16', to]);
        }),
      );
    }
    writeFileSync(join(cache, '.complete'), '');
  }
  mkdirSync(resolve(target, '..'), { recursive: true });
  symlinkSync(cache, target);
}
