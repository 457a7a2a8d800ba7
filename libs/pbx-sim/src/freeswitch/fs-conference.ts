import type { AppContext } from './fs-apps';
import type { FsChannel } from './fs-channel.model';
import type { FsOriginator } from './fs-originate';
import type { AppImpl } from './fs-switch';

interface Member {
  id: number;
  ch: FsChannel;
  muted: boolean;
  complete: (r: string) => void;
}

/**
 * mod_conference rooms (the `conference` app and api), hold (`uuid_hold`: MOH to the partner,
 * hold-mute.jsonl), and the bridge-like apps `bridge` and `eavesdrop`.
 */
export class FsConferences {
  readonly rooms = new Map<string, Member[]>();
  private nextId = 1;
  /** The playback stop of MOH started by uuid_hold, per partner channel. */
  private readonly moh = new WeakMap<FsChannel, FsChannel['app']>();

  constructor(
    private readonly ctx: AppContext,
    private readonly apps: () => Record<string, AppImpl>,
    private readonly originator: FsOriginator,
  ) {}

  /** `uuid_hold [off|toggle] <uuid>`: CHANNEL_HOLD, then the partner hears local_stream://moh. */
  hold(ch: FsChannel, on: boolean): void {
    const sw = this.ctx.sw;
    if (on === ch.held || !ch.alive) return;
    const partner = ch.peer;
    if (on) {
      ch.held = true;
      ch.lastHoldUs = Date.now() * 1000;
      ch.callState = 'HELD';
      sw.fire('CHANNEL_HOLD', ch);
      if (partner?.alive) {
        ch.timer(200 * sw.timings.mediaTimeScale, () => {
          if (!partner.alive || !ch.held) return;
          sw.execute(partner, 'playback', 'local_stream://moh', undefined, (p, d, complete, app) => {
            this.apps()['playback'](p, d, complete, app);
            this.moh.set(partner, app);
          });
        });
      }
    } else {
      if (partner) {
        const app = this.moh.get(partner);
        this.moh.delete(partner);
        app?.stop?.('break');
      }
      ch.held = false;
      ch.callState = 'ACTIVE';
      sw.fire('CHANNEL_UNHOLD', ch);
    }
  }

  /** The dialplan apps defined here. */
  buildApps(): Record<string, AppImpl> {
    const sw = this.ctx.sw;
    return {
      conference: (ch, data, complete, app) => {
        const name = data.split('@')[0].split('+')[0];
        const room = this.rooms.get(name) ?? [];
        this.rooms.set(name, room);
        sw.markAnswered(ch);
        const member: Member = { id: this.nextId++, ch, muted: false, complete };
        room.push(member);
        this.maintenance(name, room, member, 'add-member');
        ch.setVar('conference_name', name);
        ch.setVar('conference_member_id', String(member.id));
        app.stop = () => this.leave(name, member, '_none_');
      },
      eavesdrop: (ch, data, complete, app) => {
        const target = sw.channels.get(data.trim());
        if (!target || !target.alive) return complete('_none_');
        sw.markAnswered(ch);
        ch.setVar('eavesdrop_target', target.uuid);
        const unhook = (): void => {
          const i = sw.hooks.hungup.indexOf(onGone);
          if (i >= 0) sw.hooks.hungup.splice(i, 1);
        };
        const onGone = (gone: FsChannel): void => {
          if (gone === target) {
            unhook();
            complete('_none_');
          }
        };
        sw.hooks.hungup.push(onGone);
        app.stop = () => {
          unhook();
          complete('_none_');
        };
      },
      bridge: (ch, data, complete, app) => {
        const m = /^(\{[^}]*\})?(.*)$/.exec(data.trim());
        const vars: Record<string, string> = {};
        for (const kv of (m?.[1] ?? '').replace(/[{}]/g, '').split(',')) {
          const i = kv.indexOf('=');
          if (i > 0) vars[kv.slice(0, i)] = kv.slice(i + 1);
        }
        let cancelled = false;
        app.stop = () => {
          cancelled = true;
          complete(ch.lastAppResponse);
        };
        void this.originator.dial((m?.[2] ?? '').split(/[,|]/)[0], vars, Number(ch.getVar('call_timeout') ?? 60), ch).then((r) => {
          if (!r.ch) {
            ch.setVar('originate_disposition', r.cause ?? 'NORMAL_TEMPORARY_FAILURE');
            if (!cancelled) complete(r.cause ?? 'NORMAL_TEMPORARY_FAILURE');
            return;
          }
          const b = r.ch;
          if (cancelled || !ch.alive) {
            sw.hangup(b, 'ORIGINATOR_CANCEL', 'local');
            return;
          }
          b.hitDialplan = false;
          sw.markAnswered(ch);
          sw.bridge(ch, b, true);
          app.stop = () => complete('_none_');
        });
      },
    };
  }

  /**
   * CUSTOM conference::maintenance (add-member / del-member). Not in the recordings: header
   * names follow mod_conference's `conference_member_add_event_data`.
   */
  private maintenance(name: string, room: Member[], m: Member, action: string): void {
    const sw = this.ctx.sw;
    if (!sw.wants('CUSTOM', 'conference::maintenance')) return;
    sw.emit(sw.events.customChannel('conference::maintenance', m.ch, [
      ['Conference-Name', name], ['Conference-Domain', '127.0.0.1'], ['Conference-Size', String(room.length)],
      ['Conference-Ghosts', '0'], ['Conference-Profile-Name', 'default'], ['Conference-Unique-ID', name],
      ['Floor', 'false'], ['Video', 'false'], ['Hear', 'true'], ['Speak', String(!m.muted)], ['Talking', 'false'],
      ['Mute-Detect', 'false'], ['Member-ID', String(m.id)], ['Member-Type', 'member'], ['Member-Ghost', 'false'],
      ['Energy-Level', '100'], ['Current-Energy', '0'], ['Action', action],
    ]));
  }

  private leave(name: string, m: Member, response: string): void {
    const room = this.rooms.get(name);
    if (!room) return;
    const i = room.indexOf(m);
    if (i >= 0) room.splice(i, 1);
    this.maintenance(name, room, m, 'del-member');
    if (room.length === 0) this.rooms.delete(name);
    m.complete(response);
  }

  /** `conference <name> list|kick|hup|mute|unmute|count …` (mod_conference api). */
  api(args: string): string {
    const [name, cmd, arg] = args.split(/\s+/);
    if (name === 'list' && !cmd) {
      let out = '';
      for (const [n, room] of this.rooms) out += `+OK Conference ${n} (${room.length} member${room.length === 1 ? '' : 's'} rate: 8000 flags: running|answered|enforce_min|dynamic|exit_sound|enter_sound)\n` + this.listRoom(room);
      return out || 'No active conferences.\n';
    }
    const room = this.rooms.get(name);
    if (!room) return `-ERR Conference ${name} not found\n`;
    const pick = (): Member[] => (arg === 'all' ? [...room] : room.filter((m) => String(m.id) === arg || m.ch.uuid === arg));
    switch (cmd) {
      case 'list':
        return this.listRoom(room);
      case 'count':
        return `${room.length}\n`;
      case 'kick':
      case 'hup': {
        const ms = pick();
        if (ms.length === 0) return `-ERR Member: ${arg} not found.\n`;
        for (const m of ms) {
          if (cmd === 'hup') this.ctx.sw.hangup(m.ch, 'NORMAL_CLEARING', 'local');
          else this.leave(name, m, '_none_');
        }
        return ms.map((m) => `+OK ${cmd} ${m.id}`).join('\n') + '\n';
      }
      case 'mute':
      case 'unmute': {
        const ms = pick();
        if (ms.length === 0) return `-ERR Member: ${arg} not found.\n`;
        for (const m of ms) {
          m.muted = cmd === 'mute';
          this.maintenance(name, room, m, cmd === 'mute' ? 'mute-member' : 'unmute-member');
        }
        return ms.map((m) => `+OK ${cmd} ${m.id}`).join('\n') + '\n';
      }
      default:
        return `-ERR Unknown Command [${cmd ?? ''}]\n`;
    }
  }

  private listRoom(room: Member[]): string {
    return room
      .map((m) => {
        const p = m.ch.profile;
        const flags = m.muted ? 'hear|talking' : 'hear|speak|talking';
        return `${m.id};${m.ch.name};${m.ch.uuid};${p.callerIdName};${p.callerIdNumber};${flags};0;0;100`;
      })
      .join('\n') + (room.length ? '\n' : '');
  }
}
