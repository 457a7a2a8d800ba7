import type { PbxConnectionConfig, PbxType } from '@callplane/pbx';

/**
 * How a simulated SIP endpoint (an agent phone) behaves when the PBX rings it.
 * Timings are ms after the INVITE.
 */
export interface SimEndpointBehaviour {
  /** 180 Ringing after this many ms; default 2. */
  ringAfterMs?: number;
  /** Answer after this many ms; `null` = never answers (rings until cancelled or timed out). Default null. */
  answerAfterMs?: number | null;
  /** Answer every INVITE with 486 Busy Here (Q.850 17) instead. */
  busy?: boolean;
  /**
   * Registered, but the phone never replies to an INVITE (gone without unregistering: powered
   * off, NAT binding lost, qualify off): the leg ends without ringing, `ringAfterMs` after the
   * INVITE (standing in for SIP Timer B, 32 s), as for a SIP 408 Request Timeout — Asterisk
   * cause 18 no user responding (res_pjsip `ast_sip_hangup_sip2cause`), FreeSWITCH
   * `RECOVERY_ON_TIMER_EXPIRE` (102; RFC 3398 §8.2.6.1 maps 408 → 102).
   */
  unreachable?: boolean;
  /**
   * FreeSWITCH: the SIP profile the phone registers on (default `internal`, the vanilla one; the
   * bundled freeswitch-config registers agents on `callplane`). A bare `sofia_contact user@domain`
   * searches only the default profile `internal`; `*\/user@domain` every profile (checked on
   * FreeSWITCH 1.10.12 in the live suite). Ignored by the Asterisk simulator.
   */
  sipProfile?: string;
}

/** A call the simulated SIP caller places into the PBX. */
export interface SimInboundCall {
  /** Caller number (From user), e.g. `5551234`. */
  from: string;
  fromName?: string;
  /** Dialled number / DID, e.g. `7000`. */
  to: string;
}

/** One request the simulator received from callplane (REST, AMI action, ESL command). */
export interface SimRequest {
  /** ms since the simulator started. */
  t: number;
  protocol: 'ari' | 'ami' | 'esl';
  /** ARI: HTTP method; AMI: `Action`; ESL: the command word (`api`, `bgapi`, `sendmsg`, …). */
  method: string;
  /** ARI: path without host (`/ari/channels/1.2/answer`); AMI: action name; ESL: the full command line. */
  path: string;
  /** ARI query parameters / AMI headers / ESL sendmsg headers. */
  params: Record<string, string>;
}

/** A channel as the simulator models it (for test assertions). */
export interface SimChannelView {
  id: string;
  name: string;
  /** ARI-style words: Down, Ring, Ringing, Up. */
  state: 'Down' | 'Ring' | 'Ringing' | 'Up';
  direction: 'inbound' | 'outbound';
  /** For originated legs: the endpoint resource dialled. */
  endpoint?: string;
  bridgeId?: string;
  /** Media the channel is hearing right now (prompt URI / moh), if any. */
  playing?: string;
}

/** What a simulated phone shows for the last call offered to it: the INVITE's From display name and user. */
export interface SimPhoneDisplay {
  name: string;
  number: string;
}

export interface SimBridgeView {
  id: string;
  type: 'holding' | 'mixing';
  channelIds: string[];
}

/**
 * The scripting surface shared by the Asterisk and the FreeSWITCH simulator, so one test
 * (and the bench, and the demo) can run against either. Both speak the real protocols on
 * real sockets bound to 127.0.0.1 on random ports.
 */
export interface PbxSimulator {
  readonly type: PbxType;
  /** What to give callplane to connect to this simulator (credentials included). */
  readonly connection: PbxConnectionConfig;

  /** Register a SIP endpoint (emits the registration events a real PBX emits). */
  registerEndpoint(resource: string, behaviour?: SimEndpointBehaviour): void;
  /** Unregister (Expires: 0). */
  unregisterEndpoint(resource: string): void;
  setBehaviour(resource: string, behaviour: SimEndpointBehaviour): void;

  /** The SIP caller INVITEs the PBX; resolves with the new channel's id once it reached callplane's app (StasisStart / CHANNEL_PARK). */
  placeCall(call: SimInboundCall): Promise<string>;
  /** The far end of a channel sends an RFC 2833 digit. */
  sendDtmf(channelId: string, digit: string, durationMs?: number): void;
  /** The far end of a channel hangs up (BYE), with Q.850 cause (default 16). */
  hangup(channelId: string, cause?: number): void;
  /** A ringing originated leg whose endpoint never auto-answers answers now. */
  answer(channelId: string): void;

  channels(): SimChannelView[];
  bridges(): SimBridgeView[];
  /**
   * What the phone of `resource` displays for the last call offered to it (the From of the last
   * INVITE the PBX sent it, built as the real PBX builds it); undefined when it never got one.
   */
  phoneDisplay(resource: string): SimPhoneDisplay | undefined;
  /** Every request callplane sent, in order. */
  requests(): SimRequest[];
  clearRequests(): void;
  /** Subscribe to requests as they arrive. Returns unsubscribe. */
  onRequest(listener: (req: SimRequest) => void): () => void;
  /**
   * A PBX under load: ARI requests / ESL commands matching `match` are handled and answered `ms`
   * later (ESL: the commands after them on that connection wait too, as in FreeSWITCH's
   * per-connection command queue), while events are sent as they happen — so a hangup can reach
   * the client before the reply to a command sent earlier. AMI actions are not delayed.
   * Returns a function that removes the rule.
   */
  delayRequests(match: (req: SimRequest) => boolean, ms: number): () => void;

  /** Drop every client connection (ARI WebSockets and AMI sockets / ESL sockets) but keep serving; calls continue. */
  dropConnections(): void;
  /** Stop accepting connections and close everything. */
  close(): Promise<void>;
}
