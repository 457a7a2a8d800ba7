import { randomUUID } from 'node:crypto';
import type { AppContext } from './fs-apps';
import type { FsChannel } from './fs-channel.model';
import type { FsDialplan } from './fs-dialplan';
import { localStamp } from './fs-event.factory';
import { parseOriginate, type FsOriginator } from './fs-originate';
import type { FsRegistry } from './fs-registry';
import type { AppImpl, FsSwitch } from './fs-switch';
import { FsConferences } from './fs-conference';
import { mediaDurationMs } from './fs-media';

/** Global variables of a stock vars.xml (sound_prefix = $${sounds_dir}/en/us/callie, packaged sounds_dir). */
const GLOBAL_VARS: Record<string, string> = { domain: '127.0.0.1', sound_prefix: '/usr/share/freeswitch/sounds/en/us/callie' };

/** Everything an api command may touch. */
export interface FsCore extends AppContext {
  sw: FsSwitch;
  registry: FsRegistry;
  originator: FsOriginator;
  dialplan: FsDialplan;
  apps: Record<string, AppImpl>;
  conferences: FsConferences;
  startedAt: number;
}

export type ApiHandler = (core: FsCore, args: string) => string | Promise<string>;

const NO_CHANNEL = '-ERR No such channel!\n';
const OK = '+OK\n';

function chan(core: FsCore, uuid: string | undefined): FsChannel | undefined {
  const ch = uuid ? core.sw.channels.get(uuid) : undefined;
  return ch && ch.alive ? ch : undefined;
}

function words(args: string): string[] {
  return args.split(/\s+/).filter(Boolean);
}

/** Run `originate` (sync api or bgapi): `+OK <uuid>\n` once answered, `-ERR <CAUSE>\n` otherwise. */
async function originate(core: FsCore, args: string): Promise<string> {
  const spec = parseOriginate(args);
  if (!spec) return '-USAGE: <call url> <exten>|&<application_name>(<app_args>) [<dialplan>] [<context>] [<cid_name>] [<cid_num>] [<timeout_sec>]\n';
  const r = await core.originator.dial(spec.dialString, spec.vars, spec.timeoutSec);
  if (!r.ch) return `-ERR ${r.cause ?? 'NORMAL_TEMPORARY_FAILURE'}\n`;
  const ch = r.ch;
  // BACKGROUND_JOB (+OK) goes out before the app starts (ring-all-first-answer-wins.jsonl).
  setImmediate(() => {
    if (!ch.alive) return;
    core.originator.takeOver(ch);
    if (spec.app) {
      if (spec.app.name === 'park') core.sw.park(ch);
      else {
        const impl = core.apps[spec.app.name];
        if (impl) core.sw.execute(ch, spec.app.name, spec.app.data, undefined, impl);
        else core.sw.hangup(ch, 'DESTINATION_OUT_OF_ORDER', 'local');
      }
    } else if (spec.exten) {
      core.dialplan.transferProfile(ch, spec.exten.number, spec.exten.context, 'bl_xfer');
      core.dialplan.route(ch, spec.exten.number, true);
    }
  });
  return `+OK ${ch.uuid}\n`;
}

/** The `show channels|calls` rows (mod_commands, from the core db). */
function channelRow(ch: FsChannel): Record<string, string> {
  const p = ch.profile;
  return {
    uuid: ch.uuid, direction: ch.direction, created: localStamp(ch.createdUs), created_epoch: String(Math.floor(ch.createdUs / 1e6)),
    name: ch.name, state: ch.state, cid_name: p.callerIdName, cid_num: p.callerIdNumber, ip_addr: p.networkAddr,
    dest: p.destination, application: ch.app?.name ?? (ch.parked ? 'park' : ch.outerApp?.name ?? ''),
    application_data: ch.app?.data ?? '', dialplan: p.dialplan, context: p.context, read_codec: ch.mediaUp ? 'PCMU' : '',
    read_rate: ch.mediaUp ? '8000' : '', read_bit_rate: ch.mediaUp ? '64000' : '', write_codec: ch.mediaUp ? 'PCMU' : '',
    write_rate: ch.mediaUp ? '8000' : '', write_bit_rate: ch.mediaUp ? '64000' : '', secure: '', hostname: 'vm',
    presence_id: ch.presenceId, presence_data: '', accountcode: '', callstate: ch.callState, callee_name: p.calleeIdName,
    callee_num: p.calleeIdNumber, callee_direction: '', call_uuid: ch.peer ? ch.uuid : '', sent_callee_name: '',
    sent_callee_num: '', initial_cid_name: p.origCallerIdName, initial_cid_num: p.origCallerIdNumber,
    initial_ip_addr: p.networkAddr, initial_dest: ch.direction === 'inbound' ? (p.rdnis || p.destination) : p.destination,
    initial_dialplan: p.dialplan, initial_context: ch.direction === 'inbound' ? 'public' : p.context,
  };
}

const CALL_KEYS = ['uuid', 'direction', 'created', 'created_epoch', 'name', 'state', 'cid_name', 'cid_num', 'ip_addr', 'dest',
  'presence_id', 'presence_data', 'accountcode', 'callstate', 'callee_name', 'callee_num', 'callee_direction', 'call_uuid',
  'hostname', 'sent_callee_name', 'sent_callee_num'];

function show(core: FsCore, args: string): string {
  const w = words(args);
  const what = w[0];
  const json = w[1] === 'as' && w[2] === 'json';
  if (what === 'registrations') return core.registry.showRegistrations(json);
  let rows: Array<Record<string, string>>;
  const live = [...core.sw.channels.values()].filter((c) => !c.gone);
  if (what === 'channels') rows = live.map(channelRow);
  else if (what === 'calls') {
    rows = [];
    for (const ch of live) {
      if (ch.peer && ch.otherType === 'originator') continue; // the B leg is folded into its A leg's row
      const full = channelRow(ch);
      const row: Record<string, string> = {};
      for (const k of CALL_KEYS) row[k] = full[k];
      const b = ch.peer && ch.otherType === 'originatee' ? channelRow(ch.peer) : undefined;
      for (const k of CALL_KEYS.slice(0, 17).concat(['sent_callee_name', 'sent_callee_num'])) row['b_' + k] = b ? b[k] : '';
      row['call_created_epoch'] = b ? String(Math.floor(ch.bridgedUs / 1e6)) : '';
      rows.push(row);
    }
  } else if (what === 'calls' || what === 'channels') rows = [];
  else return `-ERR Cannot find table ${what}!\n`;
  if (json) return rows.length === 0 ? '{"row_count": 0}\n' : JSON.stringify({ row_count: rows.length, rows });
  if (rows.length === 0) return '\n0 total.\n';
  const keys = Object.keys(rows[0]);
  return keys.join(',') + '\n' + rows.map((r) => keys.map((k) => r[k]).join(',')).join('\n') + `\n\n${rows.length} total.\n`;
}

/** uuid_dump: CHANNEL_DATA (json: one flat object; plain: `Name: value` lines). */
function dump(core: FsCore, args: string): string {
  const [uuid, fmt] = words(args);
  const ch = chan(core, uuid);
  if (!ch) return NO_CHANNEL;
  const h = core.sw.events.base('CHANNEL_DATA');
  ch.eventData(h, { hangupInBlock: true, variables: true });
  if (fmt === 'json') {
    const o: Record<string, string | string[]> = {};
    for (const [k, v] of h) o[k] = v;
    return JSON.stringify(o);
  }
  return h.map(([k, v]) => `${k}: ${Array.isArray(v) ? 'ARRAY::' + v.join('|:') : v}`).join('\n') + '\n';
}

/** The api table (mod_commands, mod_sofia, mod_conference). Bodies and errors as recorded. */
export const API_COMMANDS: Record<string, ApiHandler> = {
  originate,
  status: (core) => {
    const up = Math.floor((Date.now() - core.startedAt) / 1000);
    return (
      `UP 0 years, 0 days, 0 hours, ${Math.floor(up / 60)} minutes, ${up % 60} seconds, 0 milliseconds, 0 microseconds\n` +
      `FreeSWITCH (Version 1.10.12-release 64bit) is ready\n${core.sw.nextSessionIdPeek()} session(s) since startup\n` +
      `${core.sw.channels.size} session(s) - peak ${core.sw.channels.size}, last 5min ${core.sw.channels.size} \n` +
      `0 session(s) per Sec out of max 30, peak 0, last 5min 0 \n1000 session(s) max\nmin idle cpu 0.00/97.00\n` +
      `Current Stack Size/Max 240K/8192K\n`
    );
  },
  version: () => 'FreeSWITCH Version 1.10.12-release~64bit (-release 64bit)\n',
  show: (core, a) => show(core, a),
  uuid_exists: (core, a) => (chan(core, words(a)[0]) ? 'true' : 'false'),
  uuid_answer: (core, a) => {
    const ch = chan(core, words(a)[0]);
    if (!ch) return NO_CHANNEL;
    core.sw.markAnswered(ch);
    return OK;
  },
  uuid_kill: (core, a) => {
    const [uuid, cause] = words(a);
    const ch = chan(core, uuid);
    if (!ch) return NO_CHANNEL;
    setImmediate(() => core.sw.hangup(ch, cause || 'NORMAL_CLEARING', 'local'));
    return OK;
  },
  uuid_break: (core, a) => {
    const [uuid, all] = words(a);
    const ch = chan(core, uuid);
    if (!ch) return NO_CHANNEL;
    if (all === 'all') ch.appQueue.length = 0;
    setImmediate(() => ch.app?.stop?.('break'));
    return OK;
  },
  uuid_bridge: (core, a) => {
    const [u1, u2] = words(a);
    const x = chan(core, u1);
    const y = chan(core, u2);
    if (!x || !y) return '-ERR Invalid uuid\n';
    setImmediate(() => {
      if (x.alive && y.alive) core.sw.bridge(x, y);
    });
    return `+OK ${y.uuid}\n`;
  },
  uuid_transfer: (core, a) => {
    const w = words(a);
    const first = chan(core, w[0]);
    if (!first) return NO_CHANNEL;
    let i = 1;
    const flag = w[i] === '-bleg' || w[i] === '-both' ? w[i++] : '';
    const dest = w[i] ?? '';
    const context = w[i + 2] ?? 'default';
    const ch = flag === '-bleg' && first.peer ? first.peer : first;
    setImmediate(() => {
      const other = ch.peer;
      if (other) {
        // The partner leaves the bridge too: parked with park_after_bridge, else hung up.
        core.sw.unbridge(ch.otherType === 'originatee' ? ch : other, ch.otherType === 'originatee' ? other : ch);
        if (other.alive && flag !== '-both') {
          if (other.getVar('park_after_bridge') === 'true') core.sw.park(other);
          else core.sw.hangup(other, 'NORMAL_CLEARING', 'local');
        }
      }
      for (const leg of flag === '-both' && other ? [ch, other] : [ch]) {
        core.sw.unpark(leg);
        leg.app?.stop?.('break');
        core.dialplan.transferProfile(leg, dest, context, 'bl_xfer');
        leg.transferUs = Date.now() * 1000;
        core.dialplan.route(leg, dest, true);
      }
    });
    return OK;
  },
  uuid_hold: (core, a) => {
    const w = words(a);
    const mode = w[0] === 'off' || w[0] === 'toggle' ? w.shift() : undefined;
    const ch = chan(core, w[0]);
    // Recorded: uuid_hold answers +OK Success even for a uuid that does not exist.
    if (ch) setImmediate(() => core.conferences.hold(ch, mode === 'off' ? false : mode === 'toggle' ? !ch.held : true));
    return '+OK Success\n';
  },
  uuid_audio: (core, a) => {
    const [uuid, action, , kind] = words(a);
    const ch = chan(core, uuid);
    if (!ch) return NO_CHANNEL;
    ch.muted = action === 'start' && kind === 'mute';
    return OK;
  },
  uuid_record: (core, a) => {
    const [uuid, action, path] = words(a);
    const ch = chan(core, uuid);
    if (!ch) return '-ERR Cannot locate session!\n';
    if (action === 'start') {
      ch.recording = path;
      setImmediate(() => core.sw.fire('RECORD_START', ch, { tail: [['Record-File-Path', path]] }));
    } else if (action === 'stop') {
      setImmediate(() => core.sw.stopRecording(ch));
    } else return '-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n';
    return '+OK Success\n';
  },
  uuid_broadcast: (core, a) => {
    const w = words(a);
    const ch = chan(core, w[0]);
    if (!ch) return NO_CHANNEL;
    const what = w[1] ?? '';
    const [app, arg] = what.includes('::') ? what.split('::', 2) : ['playback', what];
    const leg = w[2] === 'bleg' && ch.peer ? ch.peer : ch;
    const impl = core.apps[app];
    if (!impl) return '-ERR no such app\n';
    setImmediate(() => core.sw.execute(leg, app, arg.replace(/\s+(aleg|bleg|both)$/, ''), undefined, impl));
    return '+OK Message sent\n';
  },
  uuid_getvar: (core, a) => {
    const [uuid, name] = words(a);
    const ch = chan(core, uuid);
    if (!ch) return NO_CHANNEL;
    return ch.getVar(name) ?? '_undef_';
  },
  uuid_setvar: (core, a) => {
    const [uuid, name, ...rest] = words(a);
    const ch = chan(core, uuid);
    if (!ch) return NO_CHANNEL;
    if (rest.length === 0) ch.unsetVar(name);
    else ch.setVar(name, rest.join(' '));
    return OK;
  },
  uuid_dump: dump,
  uuid_send_dtmf: (core, a) => (chan(core, words(a)[0]) ? '+OK Success\n' : NO_CHANNEL),
  uuid_park: (core, a) => {
    const ch = chan(core, words(a)[0]);
    if (!ch) return NO_CHANNEL;
    setImmediate(() => {
      // A bridged leg leaves its bridge (as uuid_transfer: switch_ivr_park via a transfer); the
      // partner then parks with park_after_bridge=true, else it is hung up.
      const other = ch.peer && ch.peer.peer === ch ? ch.peer : undefined;
      if (other) {
        core.sw.unbridge(ch.otherType === 'originatee' ? ch : other, ch.otherType === 'originatee' ? other : ch);
        if (other.alive && other.getVar('park_after_bridge') === 'true') core.sw.park(other);
        else if (other.alive) core.sw.hangup(other, 'NORMAL_CLEARING', 'local');
      }
      ch.app?.stop?.('break');
      if (!ch.parked) core.sw.park(ch);
    });
    return OK;
  },
  hupall: (core, a) => {
    const cause = words(a)[0] || 'MANAGER_REQUEST';
    for (const ch of [...core.sw.channels.values()]) core.sw.hangup(ch, cause, 'local');
    return `+OK hangup all channels with cause ${cause}\n`;
  },
  sofia: (core, a) => {
    if (/^status profile internal reg/.test(a)) return core.registry.statusText();
    if (a.startsWith('status')) return `${'='.repeat(97)}\ninternal\tprofile\tsip:mod_sofia@127.0.0.1:5080\tRUNNING (0)\n${'='.repeat(97)}\n`;
    return '-ERR Unknown command!\n';
  },
  sofia_contact: (core, a) => core.registry.sofiaContact(words(a)[0] ?? ''),
  conference: (core, a) => core.conferences.api(a),
  reloadxml: () => '+OK [Success]\n',
  global_getvar: (_core, a) => GLOBAL_VARS[words(a)[0] ?? ''] ?? '',
  // mod_commands file_exists: `true`/`false` (no newline) for a path on the switch's file system.
  file_exists: (core, a) => (a.trim() !== '' && mediaDurationMs(a.trim(), core.media) !== null ? 'true' : 'false'),
  create_uuid: () => randomUUID(),
  eval: (_core, a) => a,
};
