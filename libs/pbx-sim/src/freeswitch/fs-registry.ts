import type { SimEndpointBehaviour } from '../pbx-sim.types';
import type { EslHeaders } from './esl-frame.encoder';
import { localStamp } from './fs-event.factory';
import type { FsSwitch } from './fs-switch';

/** A SIP endpoint (agent phone) known to the simulated directory. */
export interface FsEndpoint {
  resource: string;
  behaviour: Required<Omit<SimEndpointBehaviour, 'answerAfterMs'>> & { answerAfterMs: number | null };
  registered: boolean;
  port: number;
  callId: string;
  /** Registration Expires, s. */
  expires: number;
  /** Epoch s at which sofia deletes the row (expires + late margin). */
  expiresAt: number;
  expireTimer?: NodeJS.Timeout;
  userAgent: string;
  /** What the phone displays for the last INVITE it got (From display name and user); undefined before any. */
  display?: { name: string; number: string };
}

/** FreeSWITCH adds `sip-expires-late-margin` (default 60 s) before sofia::expire. */
const LATE_MARGIN_S = 60;

/**
 * Directory + registrations of the `internal` profile (mod_sofia): sofia::register /
 * unregister / expire events with the directory user's variables (registrations.jsonl).
 */
export class FsRegistry {
  readonly endpoints = new Map<string, FsEndpoint>();
  private nextPort = 5181;
  private callSeq = 1;

  constructor(
    private readonly sw: FsSwitch,
    private readonly domain: string,
    /** Multiplies registration expiry timers (1 = real seconds). */
    private readonly timeScale: number,
  ) {}

  /** Users in the directory: the vanilla 1000–1019 plus every endpoint ever registered. */
  inDirectory(user: string): boolean {
    return this.endpoints.has(user) || /^10(0\d|1\d)$/.test(user);
  }

  register(resource: string, behaviour: SimEndpointBehaviour = {}, expires = 3600): FsEndpoint {
    let ep = this.endpoints.get(resource);
    if (!ep) {
      ep = {
        resource,
        behaviour: { ringAfterMs: 2, answerAfterMs: null, busy: false, unreachable: false, sipProfile: 'internal' },
        registered: false,
        port: this.nextPort++,
        callId: `${this.callSeq++}-sim@127.0.0.1`,
        expires,
        expiresAt: 0,
        userAgent: `callplane-sim-${resource}`,
      };
      this.endpoints.set(resource, ep);
    }
    this.setBehaviour(resource, behaviour);
    ep.registered = true;
    ep.expires = expires;
    ep.expiresAt = Math.floor(Date.now() / 1000) + expires + LATE_MARGIN_S;
    if (ep.expireTimer) clearTimeout(ep.expireTimer);
    ep.expireTimer = setTimeout(() => this.expire(resource), (expires + LATE_MARGIN_S) * 1000 * this.timeScale);
    ep.expireTimer.unref();
    const e = ep;
    this.sw.fireRaw('CUSTOM', () => this.registerHeaders(e), { subclass: 'sofia::register' });
    return ep;
  }

  setBehaviour(resource: string, b: SimEndpointBehaviour): void {
    const ep = this.endpoints.get(resource);
    if (!ep) return;
    ep.behaviour = {
      ringAfterMs: b.ringAfterMs ?? ep.behaviour.ringAfterMs,
      answerAfterMs: b.answerAfterMs !== undefined ? b.answerAfterMs : ep.behaviour.answerAfterMs,
      busy: b.busy ?? ep.behaviour.busy,
      unreachable: b.unreachable ?? ep.behaviour.unreachable,
      sipProfile: b.sipProfile ?? ep.behaviour.sipProfile,
    };
  }

  unregister(resource: string): void {
    const ep = this.endpoints.get(resource);
    if (!ep || !ep.registered) return;
    ep.registered = false;
    if (ep.expireTimer) clearTimeout(ep.expireTimer);
    this.sw.fireRaw('CUSTOM', () => this.unregisterHeaders(ep), { subclass: 'sofia::unregister' });
  }

  /** sofia::expire fires before the row is deleted (registrations.jsonl). */
  private expire(resource: string): void {
    const ep = this.endpoints.get(resource);
    if (!ep || !ep.registered) return;
    this.sw.fireRaw('CUSTOM', () => [
      ['profile-name', ep.behaviour.sipProfile ?? 'internal'], ['call-id', ep.callId], ['user', ep.resource], ['username', ep.resource],
      ['host', this.domain], ['contact', this.contact(ep)], ['expires', String(ep.expiresAt)],
      ['user-agent', ep.userAgent], ['realm', this.domain], ['network-ip', '127.0.0.1'], ['network-port', String(ep.port)],
    ], { subclass: 'sofia::expire' });
    ep.registered = false;
  }

  contact(ep: FsEndpoint): string {
    return `"" <sip:${ep.resource}@127.0.0.1:${ep.port}>`;
  }

  private directoryVars(ep: FsEndpoint): EslHeaders {
    const u = ep.resource;
    return [
      ['sip_number_alias', u], ['sip_auth_username', u], ['sip_auth_realm', this.domain], ['number_alias', u],
      ['user_name', u], ['domain_name', this.domain], ['record_stereo', 'true'], ['default_gateway', 'example.com'],
      ['default_areacode', '918'], ['transfer_fallback_extension', 'operator'], ['toll_allow', 'domestic,international,local'],
      ['accountcode', u], ['user_context', 'default'], ['effective_caller_id_name', `Extension ${u}`],
      ['effective_caller_id_number', u], ['outbound_caller_id_name', 'FreeSWITCH'], ['outbound_caller_id_number', '0000000000'],
      ['callgroup', 'techsupport'],
    ];
  }

  private registerHeaders(ep: FsEndpoint): EslHeaders {
    return [
      ['profile-name', ep.behaviour.sipProfile ?? 'internal'], ['from-user', ep.resource], ['from-host', this.domain],
      ['presence-hosts', `${this.domain},${this.domain}`], ['contact', this.contact(ep)], ['call-id', ep.callId],
      ['rpid', 'unknown'], ['status', 'Registered(UDP)'], ['expires', String(ep.expires)], ['to-user', ep.resource],
      ['to-host', this.domain], ['network-ip', '127.0.0.1'], ['network-port', String(ep.port)], ['username', ep.resource],
      ['realm', this.domain], ['user-agent', ep.userAgent], ...this.directoryVars(ep),
    ];
  }

  private unregisterHeaders(ep: FsEndpoint): EslHeaders {
    return [
      ['profile-name', ep.behaviour.sipProfile ?? 'internal'], ['username', ep.resource], ['from-user', ep.resource], ['from-host', this.domain],
      ['contact', this.contact(ep)], ['call-id', ep.callId], ['rpid', 'unknown'], ['realm', this.domain],
      ['network-ip', '127.0.0.1'], ['network-port', String(ep.port)], ['user-agent', ep.userAgent], ['expires', '0'],
      ...this.directoryVars(ep),
    ];
  }

  /** `sofia status profile internal reg` text (recorded layout). */
  statusText(): string {
    const line = '='.repeat(97);
    let out = '\nRegistrations:\n' + line + '\n';
    let n = 0;
    const now = Math.floor(Date.now() / 1000);
    for (const ep of this.endpoints.values()) {
      if (!ep.registered) continue;
      n++;
      out +=
        `Call-ID:    \t${ep.callId}\nUser:       \t${ep.resource}@${this.domain}\nContact:    \t${this.contact(ep)}\n` +
        `Agent:      \t${ep.userAgent}\nStatus:     \tRegistered(UDP)(unknown) EXP(${localStamp(ep.expiresAt * 1e6)}) EXPSECS(${Math.max(0, ep.expiresAt - now)})\n` +
        `Ping-Status:\tReachable\nPing-Time:\t0.00\nHost:       \tvm\nIP:         \t127.0.0.1\nPort:       \t${ep.port}\n` +
        `Auth-User:  \t${ep.resource}\nAuth-Realm: \t${this.domain}\nMWI-Account:\t${ep.resource}@${this.domain}\n\n`;
    }
    return out + `Total items returned: ${n}\n` + line + '\n';
  }

  /** `show registrations [as json]` (mod_commands, from the sofia registrations table). */
  showRegistrations(json: boolean): string {
    const rows = [...this.endpoints.values()].filter((e) => e.registered).map((ep) => ({
      reg_user: ep.resource, realm: this.domain, token: ep.callId,
      url: `sofia/internal/sip:${ep.resource}@127.0.0.1:${ep.port}`, expires: String(ep.expiresAt),
      network_ip: '127.0.0.1', network_port: String(ep.port), network_proto: 'udp', hostname: 'vm', metadata: '',
    }));
    if (json) return rows.length === 0 ? '{"row_count": 0}\n' : JSON.stringify({ row_count: rows.length, rows });
    const head = 'reg_user,realm,token,url,expires,network_ip,network_port,network_proto,hostname,metadata\n';
    return head + rows.map((r) => Object.values(r).join(',')).join('\n') + (rows.length ? '\n' : '') + `\n${rows.length} total.\n`;
  }

  /**
   * `sofia_contact [profile/]user@domain`: without a profile only the default profile `internal` is
   * searched, `*` searches every profile (FreeSWITCH 1.10.12, observed in the live suite).
   */
  sofiaContact(arg: string): string {
    const slash = arg.indexOf('/');
    const profile = slash >= 0 ? arg.slice(0, slash) : 'internal';
    const ep = this.endpoints.get(arg.slice(slash + 1).split('@')[0]);
    const on = ep?.behaviour.sipProfile ?? 'internal';
    return ep?.registered && (profile === '*' || profile === on) ? `sofia/${on}/sip:${ep.resource}@127.0.0.1:${ep.port}` : 'error/user_not_registered';
  }

  close(): void {
    for (const ep of this.endpoints.values()) if (ep.expireTimer) clearTimeout(ep.expireTimer);
  }
}

