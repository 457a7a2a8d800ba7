import { randomUUID } from 'node:crypto';
import type { FsChannel } from './fs-channel.model';
import type { FsRegistry } from './fs-registry';
import type { FsSwitch } from './fs-switch';

/** A parsed `originate` argument string (mod_commands `originate_function`). */
export interface OriginateSpec {
  vars: Record<string, string>;
  dialString: string;
  /** `&app(args)` … */
  app?: { name: string; data: string };
  /** … or `exten [dialplan] [context]`. */
  exten?: { number: string; dialplan: string; context: string };
  cidName?: string;
  cidNum?: string;
  timeoutSec?: number;
}

/** `{a=1,b=2}` → vars (commas escaped as `\,` or inside '…' stay). */
export function parseVarBlock(block: string): Record<string, string> {
  const out: Record<string, string> = {};
  let cur = '';
  let quote = false;
  const parts: string[] = [];
  for (let i = 0; i < block.length; i++) {
    const c = block[i];
    if (c === '\\' && block[i + 1] === ',') {
      cur += ',';
      i++;
    } else if (c === "'") quote = !quote;
    else if (c === ',' && !quote) {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  if (cur) parts.push(cur);
  for (const p of parts) {
    const i = p.indexOf('=');
    if (i > 0) out[p.slice(0, i).trim()] = p.slice(i + 1);
  }
  return out;
}

/** Split `{vars}dialstring &app(args)` / `dialstring 8002 XML default name num 30`. */
export function parseOriginate(args: string): OriginateSpec | undefined {
  let s = args.trim();
  let vars: Record<string, string> = {};
  while (s.startsWith('{') || s.startsWith('<')) {
    const close = s.indexOf(s[0] === '{' ? '}' : '>');
    if (close < 0) return undefined;
    vars = { ...vars, ...parseVarBlock(s.slice(1, close)) };
    s = s.slice(close + 1);
  }
  const sp = s.indexOf(' ');
  if (sp < 0) return undefined;
  const dialString = s.slice(0, sp);
  const rest = s.slice(sp + 1).trim();
  const spec: OriginateSpec = { vars, dialString };
  if (rest.startsWith('&')) {
    const m = /^&([\w-]+)(?:\((.*)\)|\s+(.*))?$/.exec(rest);
    if (!m) return undefined;
    spec.app = { name: m[1], data: (m[2] ?? m[3] ?? '').trim() };
  } else {
    const w = rest.split(/\s+/);
    spec.exten = { number: w[0], dialplan: w[1] ?? 'XML', context: w[2] ?? 'default' };
    spec.cidName = w[3];
    spec.cidNum = w[4];
    if (w[5]) spec.timeoutSec = Number(w[5]);
  }
  return spec;
}

/** Result of dialling one leg: the answered channel or a hangup cause. */
export interface DialResult {
  ch?: FsChannel;
  cause?: string;
}

/**
 * Dials `user/<ext>@<domain>` legs the way mod_sofia + switch_ivr_originate do: no channel for
 * USER_NOT_REGISTERED / SUBSCRIBER_ABSENT; otherwise CHANNEL_CREATE (outbound, DOWN, ringing),
 * CHANNEL_PROGRESS on 180, CHANNEL_ANSWER; 486 → USER_BUSY; originate_timeout → NO_ANSWER.
 */
export class FsOriginator {
  constructor(
    private readonly sw: FsSwitch,
    private readonly registry: FsRegistry,
    private readonly domain: string,
  ) {}

  /**
   * Dial one leg. `originator`: the A leg of a `bridge` app; the B leg then carries it as
   * Other-Leg-* (Other-Type originator) from CHANNEL_CREATE on (uuid-transfer-blind.jsonl).
   */
  dial(dialString: string, vars: Record<string, string>, timeoutSec?: number, originator?: FsChannel): Promise<DialResult> {
    const ds = dialString.replace(/^\[[^\]]*\]/, '');
    const err = /^error\/(.+)$/.exec(ds);
    if (err) return Promise.resolve({ cause: err[1].toUpperCase() });
    const m = /^(?:user\/|sofia\/[^/]+\/)([^@]+)(?:@(.+))?$/.exec(ds);
    if (!m) return Promise.resolve({ cause: 'CHAN_NOT_IMPLEMENTED' });
    const ext = m[1].replace(/^sip:/, '');
    if (!this.registry.inDirectory(ext)) return Promise.resolve({ cause: 'SUBSCRIBER_ABSENT' });
    const ep = this.registry.endpoints.get(ext);
    if (!ep || !ep.registered) return Promise.resolve({ cause: 'USER_NOT_REGISTERED' });
    const uuid = vars['origination_uuid'] || randomUUID();
    if (this.sw.channels.has(uuid)) return Promise.resolve({ cause: 'INVALID_PROFILE' });
    const cidNum = vars['origination_caller_id_number'] ?? '0000000000';
    const cidName = vars['origination_caller_id_name'] ?? '';
    // A `bridge` B leg copies the A leg's caller profile (mod_sofia); an api originate starts blank.
    const a = originator?.profile;
    const ch = this.sw.createChannel(uuid, `sofia/internal/${ext}@127.0.0.1:${ep.port}`, 'outbound', a
      ? {
        username: a.username, dialplan: a.dialplan, callerIdName: a.callerIdName, callerIdNumber: a.callerIdNumber,
        origCallerIdName: a.origCallerIdName, origCallerIdNumber: a.origCallerIdNumber, calleeIdName: 'Outbound Call',
        calleeIdNumber: ext, ani: a.ani, destination: ext, source: 'mod_sofia', context: a.context, rdnis: a.rdnis,
      }
      : {
        callerIdName: cidName, callerIdNumber: cidNum, origCallerIdName: cidName, origCallerIdNumber: cidNum,
        calleeIdName: 'Outbound Call', calleeIdNumber: ext, ani: cidNum, destination: ext,
        source: 'src/switch_ivr_originate.c', context: 'default',
      }, `${ext}@${this.domain}`);
    if (originator) ch.farEndResponded = true;
    ch.endpoint = ext;
    ch.setVar('sip_local_network_addr', '127.0.0.1');
    ch.setVar('sip_profile_name', 'internal');
    ch.setVar('channel_name', ch.name);
    ch.setVar('sip_destination_url', `sip:${ext}@127.0.0.1:${ep.port}`);
    for (const [k, v] of Object.entries(vars)) ch.setVar(k, v);
    ch.setVar('dialed_user', ext);
    ch.setVar('dialed_domain', this.domain);
    ch.setVar('presence_id', `${ext}@${this.domain}`);
    ch.setVar('originate_early_media', 'false');
    ch.setVar('originate_endpoint', 'sofia');
    ch.setVar('sofia_profile_name', 'internal');
    ch.deferDestroy = true;
    if (originator) {
      ch.otherLeg = originator;
      ch.otherLegType = 'originator';
    }
    this.sw.fire('CHANNEL_CREATE', ch);
    this.sw.setState(ch, 'CS_CONSUME_MEDIA', 7);
    // mod_sofia builds the INVITE's From from the leg's caller profile (origination_caller_id_*
    // for an api originate, the A leg's for a bridge); an unreachable phone never gets it.
    if (!ep.behaviour.unreachable) ep.display = { name: ch.profile.callerIdName, number: ch.profile.callerIdNumber };
    return new Promise<DialResult>((resolve) => {
      ch.originateResult = (r) => {
        ch.originateResult = undefined;
        resolve(r);
      };
      ch.onHangup = () => ch.originateResult?.({ cause: ch.hangupCause });
      const b = ep.behaviour;
      if (b.busy) {
        ch.timer(b.ringAfterMs, () => {
          ch.farEndResponded = true;
          this.sw.hangup(ch, 'USER_BUSY', 'remote', 'recv_refuse');
        });
        return;
      }
      if (b.unreachable) {
        ch.timer(b.ringAfterMs, () => this.sw.hangup(ch, 'RECOVERY_ON_TIMER_EXPIRE', 'local', 'send_cancel'));
        return;
      }
      // An endpoint that answers before it would ring (auto-answer, like baresip) sends no 180.
      const answersFirst = b.answerAfterMs !== null && b.answerAfterMs < b.ringAfterMs;
      if (!answersFirst) ch.timer(b.ringAfterMs, () => this.sw.markRinging(ch));
      if (b.answerAfterMs !== null) ch.timer(b.answerAfterMs, () => this.answer(ch));
      const t = Number(vars['originate_timeout'] ?? timeoutSec ?? 60);
      ch.timer(t * 1000 * this.sw.timings.originateTimeScale, () => {
        if (!ch.up) this.sw.hangup(ch, 'NO_ANSWER', 'local', 'send_cancel');
      });
    });
  }

  /** The far end answers (200 OK): CHANNEL_ANSWER, then the originate succeeds. */
  answer(ch: FsChannel): void {
    if (!ch.alive || ch.up) return;
    // Recorded: CHANNEL_ANSWER of an originated leg says Channel-Call-State RINGING, 180 or not.
    if (ch.callState === 'DOWN') ch.callState = 'RINGING';
    this.sw.markAnswered(ch);
    ch.deferDestroy = false;
    ch.onHangup = undefined;
    ch.originateResult?.({ ch });
  }

  /** After the originate succeeded: the leg becomes an ordinary answered channel running `app`. */
  takeOver(ch: FsChannel): void {
    const p = ch.profile;
    const ext = p.destination;
    p.callerIdName = 'Outbound Call';
    p.callerIdNumber = ext;
    p.calleeIdName = '';
    p.calleeIdNumber = p.origCallerIdNumber;
    ch.hitDialplan = true;
    this.sw.setState(ch, 'CS_EXECUTE', 4);
  }
}
