import { randomUUID } from 'node:crypto';
import type { SimRequest } from '../pbx-sim.types';
import { RequestDelays } from '../request-delays';
import type { EslHeaders } from './esl-frame.encoder';
import type { EslCommand, EslSession, EslSessionHost } from './esl-session';
import { API_COMMANDS, type FsCore } from './fs-api.commands';

/**
 * What every ESL session of the simulator talks to: auth, the api table, sendmsg, job events,
 * request logging, and the end of outbound sessions (mod_event_socket's side of a listener).
 */
export class FsEslHost implements EslSessionHost {
  readonly log: SimRequest[] = [];
  readonly listeners = new Set<(r: SimRequest) => void>();
  readonly delays = new RequestDelays();
  private readonly t0 = Date.now();
  authFails = false;

  constructor(
    private readonly core: FsCore,
    private pw: string,
  ) {}

  private get sw(): FsCore['sw'] {
    return this.core.sw;
  }

  /** The password `auth` must match; null = every auth fails. */
  readonly password = (): string | null => (this.authFails ? null : this.pw);

  async api(command: string, args: string): Promise<string> {
    const h = API_COMMANDS[command];
    if (!h) return `-ERR ${command} Command not found!\n`;
    return h(this.core, args);
  }

  /** sendmsg: `call-command: execute|hangup`; the Reply-Text (`+OK`, `-ERR invalid session id [uuid]`). */
  sendmsg(uuid: string | undefined, headers: Record<string, string>): string {
    const ch = uuid ? this.sw.channels.get(uuid) : undefined;
    if (!ch || !ch.alive) return `-ERR invalid session id [${uuid ?? ''}]`;
    const cmd = (headers['call-command'] ?? '').toLowerCase();
    if (cmd === 'hangup') {
      setImmediate(() => this.sw.hangup(ch, headers['hangup-cause'] || 'NORMAL_CLEARING', 'local'));
      return '+OK';
    }
    if (cmd !== 'execute') return '+OK';
    const app = headers['execute-app-name'] ?? '';
    const impl = this.core.apps[app];
    if (!impl) return '-ERR invalid application';
    const arg = headers['execute-app-arg'] ?? '';
    const loops = Math.max(1, Number(headers['loops'] ?? 1) || 1);
    const appUuid = headers['Event-UUID'] ?? headers['event-uuid'];
    setImmediate(() => {
      for (let i = 0; i < loops; i++) this.sw.execute(ch, app, arg, appUuid, impl);
    });
    return '+OK';
  }

  closed(session: EslSession): void {
    this.sw.sessions.delete(session);
    this.sw.recomputeSubscriptions();
    if (!session.outbound) return;
    const ch = this.sw.channels.get(session.outbound.uuid);
    if (!ch) return;
    if (ch.lingering) {
      ch.lingering = false;
      this.sw.destroy(ch);
    } else if (ch.alive) {
      // The controlling socket went away: mod_event_socket hangs the session up.
      this.sw.hangup(ch, 'NORMAL_CLEARING', 'local');
    }
  }

  subscriptionsChanged(): void {
    this.sw.recomputeSubscriptions();
  }

  record(cmd: EslCommand): number {
    const sp = cmd.line.indexOf(' ');
    const req: SimRequest = {
      t: Date.now() - this.t0, protocol: 'esl', method: sp < 0 ? cmd.line : cmd.line.slice(0, sp),
      path: cmd.line, params: { ...cmd.headers },
    };
    this.log.push(req);
    // Long demo / bench runs: keep the newest entries only.
    if (this.log.length > 200_000) this.log.splice(0, 100_000);
    for (const l of this.listeners) l(req);
    return this.delays.of(req);
  }

  connectReply(session: EslSession): EslHeaders | undefined {
    const ch = session.outbound ? this.sw.channels.get(session.outbound.uuid) : undefined;
    return ch ? this.core.dialplan.connectReply(ch) : undefined;
  }

  newJobUuid(): string {
    return randomUUID();
  }

  backgroundJob(jobUuid: string, command: string, args: string, body: string): void {
    const h: EslHeaders = [['Job-UUID', jobUuid], ['Job-Command', command]];
    if (args) h.push(['Job-Command-Arg', args]);
    this.sw.fireRaw('BACKGROUND_JOB', () => h, { body });
  }
}
