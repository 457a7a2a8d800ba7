import { mkdtempSync, writeFileSync } from 'node:fs';
import { Socket, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sleep, waitFor } from '@callplane/testing';
import { liveEnv } from './live-env';
import { freePortBlock } from './live-ports';
import { LiveProcess, startProcess } from './live-processes';
import { runCommand } from './run-command';

export interface BaresipEvent {
  type: string;
  peeruri?: string;
  param?: string;
  [k: string]: unknown;
}

/**
 * A real softphone for an agent: baresip (apt) registered with digest auth on the PBX, playing an
 * 8 kHz tone file as its microphone, answering automatically or never (`answer: 'never'` rings until
 * the caller or callplane gives up). Driven and observed over baresip's ctrl_tcp module (netstring JSON).
 */
export class BaresipAgent {
  readonly events: BaresipEvent[] = [];
  private ctrl?: Socket;
  private buf = '';

  private constructor(
    readonly extension: string,
    readonly proc: LiveProcess,
    readonly dir: string,
    readonly sipPort: number,
  ) {}

  /**
   * @param registrar `host:port` of the PBX's agent SIP port
   * @param answer `auto` answers at once, `never` leaves every call ringing
   * @param registered asks the PBX whether the extension's contact is registered
   */
  static async start(opts: { extension: string; password: string; registrar: string; answer: 'auto' | 'never'; registered: () => Promise<boolean> }): Promise<BaresipAgent> {
    const base = await freePortBlock(16);
    const dir = mkdtempSync(join(tmpdir(), `callplane-live-baresip-${opts.extension}-`));
    await runCommand(liveEnv().sox, ['-n', '-r', '8000', '-c', '1', '-b', '16', join(dir, 'mic.wav'), 'synth', '120', 'sine', '440', 'vol', '0.3']);
    // sip_listen binds base (UDP/TCP) and base+1 (TLS); ctrl_tcp on base+2; RTP in base+4..base+15.
    writeFileSync(
      join(dir, 'config'),
      [
        'poll_method epoll',
        `sip_listen 127.0.0.1:${base}`,
        `audio_player aufile,${join(dir, 'speaker.wav')}`,
        `audio_source aufile,${join(dir, 'mic.wav')}`,
        `audio_alert aufile,${join(dir, 'mic.wav')}`,
        `rtp_ports ${base + 4}-${base + 15}`,
        'module_path /usr/lib/baresip/modules',
        'module g711.so',
        'module aufile.so',
        'module_app account.so',
        'module_app menu.so',
        'module_app ctrl_tcp.so',
        `ctrl_tcp_listen 127.0.0.1:${base + 2}`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'accounts'),
      `<sip:${opts.extension}@${opts.registrar};transport=udp>;auth_pass=${opts.password};answermode=${opts.answer === 'auto' ? 'auto' : 'manual'};regint=600;audio_codecs=PCMU\n`,
    );
    const proc = startProcess(`baresip-${opts.extension}`, 'baresip', ['-f', dir], join(dir, 'baresip.out'));
    const agent = new BaresipAgent(opts.extension, proc, dir, base);
    await agent.connectCtrl(base + 2);
    // Registered as far as the PBX can tell (its contact list), not just baresip's own view.
    await waitFor(() => opts.registered(), `${opts.extension} registered on the PBX`, 15_000, 100);
    return agent;
  }

  /** Calls established/closed so far. */
  count(type: 'CALL_INCOMING' | 'CALL_ESTABLISHED' | 'CALL_CLOSED' | 'CALL_RINGING'): number {
    return this.events.filter((e) => e.type === type).length;
  }

  /** Hangs up the current call (BYE or reject). */
  hangup(): Promise<void> {
    return this.command('hangup');
  }

  /** Unregisters (REGISTER Expires: 0) and quits — the phone is gone from the PBX. */
  async unregisterAndQuit(): Promise<void> {
    await this.command('quit').catch(() => undefined);
    await Promise.race([this.proc.exited, sleep(3000)]);
    await this.proc.stop();
  }

  /** SIGKILL: the phone vanishes without unregistering (unreachable once the PBX qualifies it). */
  async kill(): Promise<void> {
    this.ctrl?.destroy();
    await this.proc.kill();
  }

  async stop(): Promise<void> {
    this.ctrl?.destroy();
    await this.proc.stop(2000);
  }

  private command(command: string, params = ''): Promise<void> {
    const body = JSON.stringify({ command, params, token: String(Date.now()) });
    this.ctrl?.write(`${Buffer.byteLength(body)}:${body},`);
    return Promise.resolve();
  }

  private async connectCtrl(port: number): Promise<void> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        this.ctrl = await new Promise<Socket>((resolve, reject) => {
          const s = connect(port, '127.0.0.1', () => resolve(s));
          s.once('error', reject);
        });
        break;
      } catch (err) {
        if (Date.now() > deadline || this.proc.hasExited()) throw new Error(`baresip ${this.extension}: ctrl_tcp not reachable (${String(err)}); see ${this.proc.logFile}`);
        await sleep(100);
      }
    }
    this.ctrl.on('error', () => undefined);
    this.ctrl.on('data', (chunk) => {
      this.buf += chunk.toString('utf8');
      // netstrings: <len>:<json>,
      for (;;) {
        const colon = this.buf.indexOf(':');
        if (colon < 0) return;
        const len = Number(this.buf.slice(0, colon));
        if (this.buf.length < colon + 1 + len + 1) return;
        const json = this.buf.slice(colon + 1, colon + 1 + len);
        this.buf = this.buf.slice(colon + 1 + len + 1);
        try {
          const msg = JSON.parse(json);
          if (msg.event) this.events.push(msg as BaresipEvent);
        } catch {
          // not JSON: ignore (baresip only sends JSON here)
        }
      }
    });
  }
}
