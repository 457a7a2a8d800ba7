/** PBX products callplane drives. */
export type PbxType = 'asterisk' | 'freeswitch';

/** Normalized channel state (Asterisk ARI `Channel.state`; FreeSWITCH `Channel-Call-State`). */
export type ChannelState = 'down' | 'ringing' | 'up' | 'held' | 'hangup';

/** Which way the leg was created: `inbound` = the PBX offered it to us; `outbound` = we originated it. */
export type ChannelDirection = 'inbound' | 'outbound';

/** A party's number and display name (ARI `CallerID`, FreeSWITCH `Caller-Caller-ID-*`). */
export interface PartyId {
  number: string;
  name: string;
}

/** A PBX channel (one leg of a call) as the port sees it. */
export interface ChannelSnapshot {
  /** The PBX's own id: Asterisk uniqueid (`1795288206.55`), FreeSWITCH UUID. */
  id: string;
  /** Technology name, e.g. `PJSIP/sipp-0000002d`, `sofia/internal/1000@127.0.0.1:5181`. */
  name: string;
  state: ChannelState;
  direction: ChannelDirection;
  caller: PartyId;
  connected: PartyId;
  /** Number the caller dialled (DID / extension), inbound legs; '' if unknown. */
  dialed: string;
  /** For outbound legs: the endpoint dialled (resource, e.g. `1001`). */
  endpoint?: string;
  /** Bridge the channel is in, if any (resync). */
  bridgeId?: string;
  /** Creation time (PBX clock). */
  createdAt: Date;
  /** Arguments handed over with the channel (Stasis args, FreeSWITCH `callplane_args`). */
  args?: string[];
}

/** `holding`: callers wait, hear MOH, not each other. `mixing`: everyone hears everyone. */
export type BridgeType = 'holding' | 'mixing';

export interface BridgeSnapshot {
  id: string;
  type: BridgeType;
  channelIds: string[];
}

/** Everything live on a PBX node, for resync after (re)connect. */
export interface PbxSnapshot {
  channels: ChannelSnapshot[];
  bridges: BridgeSnapshot[];
  /**
   * When the PBX process started (Asterisk ARI `GET /asterisk/info` `status.startup_time`; FreeSWITCH
   * `status` uptime subtracted from now), undefined when the PBX does not say. A start after the
   * link dropped means the PBX restarted: its calls were lost, not ended by anyone.
   */
  pbxStartedAt?: Date;
}

/** Start times read twice from the same PBX process may differ this much (uptime rounding), ms. */
export const PBX_START_JITTER_MS = 1000;

/**
 * True when `current` ({@link PbxSnapshot.pbxStartedAt} now) says the PBX process is not the one
 * `previous` was read from: it restarted in between. Compares the PBX's own clock with itself, so
 * clock skew between PBX and callplane does not matter; false when either is unknown.
 */
export function isPbxRestart(previous: Date | undefined, current: Date | undefined): boolean {
  return !!previous && !!current && Math.abs(current.getTime() - previous.getTime()) > PBX_START_JITTER_MS;
}

/** Registration state of a SIP endpoint (Asterisk `Endpoint.state`, FreeSWITCH sofia::register). */
export type EndpointState = 'online' | 'offline' | 'unknown';

export interface EndpointSnapshot {
  /** Resource, e.g. `1001` (no technology prefix). */
  resource: string;
  state: EndpointState;
  /** Registered contact URI when known. */
  contact?: string;
}

/**
 * RTP statistics of one leg. Units: counts are packets, jitter and RTT in ms, MES 0–100.
 * Sources: Asterisk ARI `RTPstat` (channels.json; jitter and rtt there are in seconds and are
 * converted here), FreeSWITCH `uuid_dump` / `variable_rtp_audio_*` after RTCP.
 */
export interface RtpStatistics {
  txCount: number;
  rxCount: number;
  /** Packets we sent that the far end reports lost (from its RTCP). */
  txPacketsLost: number;
  /** Packets we expected but did not receive. */
  rxPacketsLost: number;
  rxJitterMs: number;
  txJitterMs: number;
  /** Round trip time from RTCP, ms; 0 when the far end sends no RTCP. */
  rttMs: number;
  localSsrc?: number;
  remoteSsrc?: number;
  /** Asterisk's media experience score (0–100) when available. */
  rxMes?: number;
  txMes?: number;
}

/** Connection state of a driver, per PBX node (for `/health`). */
export interface PbxHealth {
  nodeId: string;
  type: PbxType;
  /** `up` only when every link the driver needs (ARI + AMI, or ESL) is connected and authenticated. */
  status: 'up' | 'connecting' | 'down';
  /** Per link, e.g. `{ ari: 'up', ami: 'connecting' }` or `{ esl: 'auth-failed' }`. */
  links: Record<string, 'up' | 'connecting' | 'down' | 'auth-failed'>;
  /** Last connection error, if any. */
  lastError?: string;
  /** When `status` last changed. */
  since: Date;
}

/** How callplane reaches an Asterisk node (ARI HTTP/WebSocket + AMI TCP). */
export interface AsteriskConnectionConfig {
  type: 'asterisk';
  /** e.g. `http://127.0.0.1:8088` (no `/ari` suffix). */
  ariUrl: string;
  ariUsername: string;
  ariPassword: string;
  /** Stasis application name; must match `Stasis(<app>)` in extensions.conf. */
  app: string;
  amiHost: string;
  amiPort: number;
  amiUsername: string;
  amiSecret: string;
  /** Channel technology for agent endpoints; default `PJSIP`. */
  endpointTechnology?: string;
}

/** How callplane reaches a FreeSWITCH node (inbound event socket). */
export interface FreeswitchConnectionConfig {
  type: 'freeswitch';
  eslHost: string;
  eslPort: number;
  eslPassword: string;
  /** Domain appended to `user/<endpoint>@<domain>` when originating; default the ESL host. */
  sipDomain?: string;
  /** Port of callplane's outbound-ESL listener (the `socket` dialplan app); 0/undefined = off. */
  outboundPort?: number;
}

export type PbxConnectionConfig = AsteriskConnectionConfig | FreeswitchConnectionConfig;

/** A configured PBX node: its callplane id, display name and how to reach it. */
export interface PbxNodeConfig {
  id: string;
  name: string;
  connection: PbxConnectionConfig;
}

/** Tuning every driver honours. */
export interface PbxDriverOptions {
  /** Reconnect backoff, ms. */
  reconnectMinMs: number;
  reconnectMaxMs: number;
  /** Timeout of one PBX request, ms. */
  requestTimeoutMs: number;
}
