import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import type { SimInboundCall } from '../pbx-sim.types';
import { eslUrlEncode, type EslHeaders } from './esl-frame.encoder';
import { EslSession, type EslSessionHost } from './esl-session';
import type { FsChannel } from './fs-channel.model';
import { nowUs } from './fs-event.factory';
import type { FsRegistry } from './fs-registry';
import type { AppImpl, FsSwitch } from './fs-switch';

/** Where the `socket` dialplan app connects (callplane's outbound ESL listener) and for which DIDs. */
export interface OutboundSocketTarget {
  host: string;
  port: number;
  /** DIDs routed to the socket; undefined = every inbound DID. */
  dids?: string[];
}

export interface DialplanOptions {
  /** `answer` before `park` (the recorded lab extension 8002 does); default true. */
  answerBeforePark: boolean;
  outboundSocket?: OutboundSocketTarget;
  domain: string;
}

/**
 * The bundled dialplan as the recordings show it: the public context sets `outside_call`,
 * exports RFC2822_DATE and transfers to `default`, which answers (optionally) and parks every
 * DID for callplane — or hands it to the `socket` app for outbound-socket DIDs.
 */
export class FsDialplan {
  constructor(
    private readonly sw: FsSwitch,
    private readonly apps: Record<string, AppImpl>,
    private readonly registry: FsRegistry,
    private readonly opts: DialplanOptions,
    private readonly sessionHost: () => EslSessionHost,
  ) {}

  /** A SIP caller INVITEs the internal profile. */
  inbound(call: SimInboundCall): FsChannel {
    const uuid = randomUUID();
    const from = call.from;
    const name = `sofia/internal/${from}@127.0.0.1:5170`;
    const ch = this.sw.createChannel(uuid, name, 'inbound', {
      username: from, dialplan: 'XML', callerIdName: call.fromName ?? from, callerIdNumber: from,
      origCallerIdName: call.fromName ?? from, origCallerIdNumber: from, ani: from, destination: call.to,
      source: 'mod_sofia', context: 'public',
    }, `${from}@127.0.0.1`);
    const us = String(ch.createdUs);
    const v: Array<[string, string]> = [
      ['sip_from_user', from], ['sip_from_port', '5170'], ['sip_from_uri', `${from}@127.0.0.1:5170`], ['sip_from_host', '127.0.0.1'],
      ['channel_name', name], ['sip_call_id', `${uuid.slice(0, 8)}@127.0.0.1`], ['sip_local_network_addr', '127.0.0.1'],
      ['sip_network_ip', '127.0.0.1'], ['sip_network_port', '5170'], ['sip_invite_stamp', us], ['sip_received_ip', '127.0.0.1'],
      ['sip_received_port', '5170'], ['sip_via_protocol', 'udp'], ['sip_authorized', 'true'], ['sip_acl_authed_by', 'domains'],
      ['sip_from_user_stripped', from], ['sofia_profile_name', 'internal'], ['sofia_profile_url', 'sip:mod_sofia@127.0.0.1:5080'],
      ['recovery_profile_name', 'internal'], ['sip_from_display', call.fromName ?? from],
      ['sip_full_from', `${call.fromName ?? from} <sip:${from}@127.0.0.1:5170>;tag=${uuid.slice(0, 12)}`],
      ['sip_full_to', `<sip:${call.to}@127.0.0.1:5080>`], ['sip_req_user', call.to], ['sip_req_port', '5080'],
      ['sip_req_uri', `${call.to}@127.0.0.1:5080`], ['sip_req_host', '127.0.0.1'], ['sip_to_user', call.to],
      ['sip_to_port', '5080'], ['sip_to_uri', `${call.to}@127.0.0.1:5080`], ['sip_to_host', '127.0.0.1'],
      ['sip_contact_user', from], ['sip_contact_port', '5170'], ['sip_contact_uri', `${from}@127.0.0.1:5170`],
      ['sip_contact_host', '127.0.0.1'], ['rtp_use_codec_string', 'PCMU,PCMA,OPUS'], ['sip_via_host', '127.0.0.1'],
      ['sip_via_port', '5170'], ['max_forwards', '70'], ['presence_id', `${from}@127.0.0.1`],
      ['ep_codec_string', 'CORE_PCM_MODULE.PCMU@8000h@20i@64000b'], ['endpoint_disposition', 'DELAYED NEGOTIATION'],
    ];
    for (const [k, val] of v) ch.setVar(k, val);
    setImmediate(() => this.runPublic(ch, call));
    return ch;
  }

  private runPublic(ch: FsChannel, call: SimInboundCall): void {
    this.sw.fire('CHANNEL_CREATE', ch);
    this.sw.setState(ch, 'CS_EXECUTE', 4);
    ch.callState = 'RINGING';
    this.run(ch, 'set', 'outside_call=true');
    this.run(ch, 'export', 'RFC2822_DATE=' + rfc2822(new Date()));
    this.run(ch, 'transfer', `${call.to} XML default`, (c) => this.transferProfile(c, call.to, 'default', 'bl_xfer'));
    this.sw.enqueue(ch, () => this.route(ch, call.to));
  }

  /** Context `default` for `dest` (after a transfer from public, uuid_transfer, or originate to an exten). */
  route(ch: FsChannel, dest: string, transferred = false): void {
    const sock = this.opts.outboundSocket;
    if (sock && (!sock.dids || sock.dids.includes(dest))) {
      this.run(ch, 'set', 'hangup_after_bridge=true');
      this.sw.enqueue(ch, () => this.socketApp(ch, sock));
      return;
    }
    if (transferred && this.registry.inDirectory(dest)) {
      this.localExtension(ch, dest);
      return;
    }
    if (this.opts.answerBeforePark) this.sw.execute(ch, 'answer', '', undefined, this.apps['answer']);
    this.sw.enqueue(ch, () => this.sw.park(ch));
  }

  /**
   * Vanilla `Local_Extension` (default.xml, users 1000–1019), as recorded in uuid-transfer-blind.jsonl:
   * 16 bookkeeping apps, then `bridge user/<ext>@<domain>`.
   */
  private localExtension(ch: FsChannel, ext: string): void {
    const d = this.opts.domain;
    const cid = ch.profile.callerIdNumber;
    const now = new Date();
    const stamp = now.toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-');
    const steps: Array<[string, string]> = [
      ['export', `dialed_extension=${ext}`],
      ['bind_meta_app', '1 b s execute_extension::dx XML features'],
      ['bind_meta_app', `2 b s record_session::/var/lib/freeswitch/recordings/${cid}.${stamp}.wav`],
      ['bind_meta_app', '3 b s execute_extension::cf XML features'],
      ['bind_meta_app', '4 b s execute_extension::att_xfer XML features'],
      ['set', 'ringback=%(2000,4000,440,480)'],
      ['set', 'transfer_ringback=local_stream://moh'],
      ['set', 'call_timeout=30'],
      ['set', 'hangup_after_bridge=true'],
      ['set', 'continue_on_fail=true'],
      ['hash', `insert/${d}-call_return/${ext}/${cid}`],
      ['hash', `insert/${d}-last_dial_ext/${ext}/${ch.uuid}`],
      ['set', 'called_party_callgroup=techsupport'],
      ['hash', `insert/${d}-last_dial_ext/techsupport/${ch.uuid}`],
      ['hash', `insert/${d}-last_dial_ext/global/${ch.uuid}`],
      ['hash', `insert/${d}-last_dial/techsupport/${ch.uuid}`],
    ];
    for (const [app, data] of steps) {
      if (app === 'set' || app === 'export') this.run(ch, app, data);
      else this.run(ch, app, data, () => undefined);
    }
    this.sw.execute(ch, 'bridge', `user/${ext}@${d}`, undefined, this.apps['bridge']);
  }

  /** Profile changes of `transfer` / uuid_transfer (Caller-Transfer-Source, RDNIS, context, index). */
  transferProfile(ch: FsChannel, dest: string, context: string, kind: 'bl_xfer' | 'uuid_br'): void {
    const src = `${Math.floor(Date.now() / 1000)}:${randomUUID()}:${kind}:${dest}/${context}/XML`;
    const p = ch.profile;
    p.rdnis = p.destination;
    p.destination = dest;
    p.context = context;
    p.transferSource = src;
    p.profileIndex++;
    p.profileCreated = nowUs();
    ch.setVar('DP_MATCH', [dest, dest]);
    ch.setVar('max_forwards', '69');
    ch.setVar('transfer_history', src);
    ch.setVar('transfer_source', src);
  }

  private run(ch: FsChannel, app: string, data: string, effect?: (ch: FsChannel) => void): void {
    this.sw.execute(ch, app, data, undefined, (c, d, complete) => {
      if (effect) effect(c);
      else this.apps[app]?.(c, d, complete, { name: app, data: d, uuid: '' });
      complete('_none_');
    });
  }

  /** `socket host:port async full`: connect out; CHANNEL_DATA on `connect`. */
  private socketApp(ch: FsChannel, target: OutboundSocketTarget): void {
    const data = `${target.host}:${target.port} async full`;
    const appUuid = randomUUID();
    this.sw.fire('CHANNEL_EXECUTE', ch, { tail: [['Application', 'socket'], ['Application-Data', data], ['Application-UUID', appUuid]] });
    ch.setVar('current_application_data', data);
    ch.setVar('current_application', 'socket');
    ch.setVar('socket_host', target.host);
    const complete = (): void => {
      ch.outerApp = undefined;
      this.sw.fire('CHANNEL_EXECUTE_COMPLETE', ch, {
        tail: [['Application', 'socket'], ['Application-Data', data], ['Application-Response', '_none_'], ['Application-UUID', appUuid]],
      });
    };
    const sock = connect(target.port, target.host);
    let session: EslSession | undefined;
    ch.outerApp = {
      name: 'socket', data, uuid: appUuid,
      stop: () => {
        if (ch.parked) {
          ch.parked = false;
          this.sw.fire('CHANNEL_UNPARK', ch);
        }
        complete();
      },
    };
    sock.on('error', () => {
      // Connection refused: the socket app returns and the lab dialplan hangs up.
      if (!session && ch.alive) {
        ch.outerApp = undefined;
        complete();
        this.sw.hangup(ch, 'NORMAL_TEMPORARY_FAILURE', 'local');
      }
    });
    sock.on('connect', () => {
      session = new EslSession(sock, this.sessionHost(), { uuid: ch.uuid });
      ch.outboundSession = session;
      this.sw.sessions.add(session);
      // async mode parks the channel while the socket controls it
      ch.parked = true;
      this.sw.fire('CHANNEL_PARK', ch);
      for (const h of this.sw.hooks.parked) h(ch);
      ch.onHangup = () => this.socketHangup(ch, session as EslSession);
    });
  }

  /** CHANNEL_STATE CS_HANGUP → linger notice → CHANNEL_STATE CS_REPORTING (outbound-socket.jsonl). */
  private socketHangup(ch: FsChannel, session: EslSession): void {
    ch.state = 'CS_HANGUP';
    ch.stateNumber = 10;
    this.sw.fire('CHANNEL_STATE', ch);
    if (session.linger && !session.isClosed) {
      ch.lingering = true;
      session.write(
        'Content-Type: text/disconnect-notice\nControlled-Session-UUID: ' + ch.uuid +
        '\nContent-Disposition: linger\nChannel-Name: ' + ch.name + '\nLinger-Time: -1\nContent-Length: 0\n\n',
      );
    } else if (!session.isClosed) {
      session.disconnect([['Controlled-Session-UUID', ch.uuid], ['Content-Disposition', 'disconnect']]);
    }
    ch.state = 'CS_REPORTING';
    ch.stateNumber = 11;
    ch.callState = 'HANGUP';
    this.sw.fire('CHANNEL_STATE', ch);
  }

  /** The reply to `connect`: CHANNEL_DATA serialised as the reply headers, URL-encoded. */
  connectReply(ch: FsChannel): EslHeaders {
    const h = this.sw.events.base('CHANNEL_DATA');
    ch.profileHeaders(h, 'Channel-');
    ch.eventData(h, { hangupInBlock: true, variables: true });
    const out: EslHeaders = h.map(([k, v]) => [k, eslUrlEncode(Array.isArray(v) ? 'ARRAY::' + v.join('|:') : v)]);
    out.push(['Content-Type', 'command/reply'], ['Reply-Text', '%2BOK%0A'], ['Socket-Mode', 'async'], ['Control', 'full']);
    return out;
  }
}

/** `Sat, 21 Nov 2026 19:17:36 +0000`. */
function rfc2822(d: Date): string {
  return d.toUTCString().replace('GMT', '+0000');
}

