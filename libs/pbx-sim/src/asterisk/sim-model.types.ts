import type { SimEndpointBehaviour } from '../pbx-sim.types';

/** ARI `Channel.state` words the simulator uses (Asterisk ARI channels.json, `Channel.state`). */
export type AriChannelState = 'Down' | 'Ring' | 'Ringing' | 'Up';

/** AMI `ChannelState` numbers for {@link AriChannelState} (Asterisk `enum ast_channel_state`). */
export const AMI_STATE_NUMBER: Record<AriChannelState, number> = { Down: 0, Ring: 4, Ringing: 5, Up: 6 };

/**
 * How the channel came to be; decides its subscriptions and events:
 * - `inbound`: a SIP caller ran `Stasis(app)` from the dialplan (no ChannelDestroyed after StasisEnd);
 * - `created`: `POST /channels/create` (subscribed at creation: ChannelDialplan, STASISSTATUS, ChannelDestroyed);
 * - `originated`: `POST /channels` (AppDial2 until answered, then Stasis);
 * - `snoop`: `POST /channels/{id}/snoop` (Stasis, no ChannelDestroyed);
 * - `local`: a `Local/<exten>@<context>-N;1|;2` half (blind transfer by REFER; no ChannelDestroyed).
 */
export type SimChannelKind = 'inbound' | 'created' | 'originated' | 'snoop' | 'local';

export interface PartyJson {
  name: string;
  number: string;
}

export interface DialplanJson {
  context: string;
  exten: string;
  priority: number;
  app_name: string;
  app_data: string;
}

/** An outbound dial in progress (ARI `POST /channels/{id}/dial` or originate). */
export interface SimDial {
  status: '' | 'RINGING' | 'ANSWER';
  timers: NodeJS.Timeout[];
  /** Caller channel given with `caller=` (ARI Dial event `caller`). */
  callerId?: string;
}

export interface SimChannel {
  id: string;
  name: string;
  kind: SimChannelKind;
  state: AriChannelState;
  protocolId: string;
  caller: PartyJson;
  connected: PartyJson;
  dialplan: DialplanJson;
  creationtime: string;
  /** ms epoch */
  createdAt: number;
  answeredAt?: number;
  language: string;
  direction: 'inbound' | 'outbound';
  /** Endpoint resource for outbound legs (`1001`). */
  endpoint?: string;
  /** Stasis app the channel is in right now; undefined once out of Stasis (continue/redirect/hangup). */
  stasisApp?: string;
  /** Channels that end with this one: the other leg of a dialplan `Dial()`, the other half of a Local pair. */
  linkedIds: string[];
  /** A channel whose state follows this one's (Local;1 mirrors the PJSIP leg its Local;2 dials). */
  mirrorId?: string;
  /** App named in `POST /channels?app=` (entered on answer). */
  originateApp?: string;
  /** Stasis args (StasisStart `args`). */
  args: string[];
  /** Apps subscribed to this channel (get its events). */
  apps: Set<string>;
  bridgeId?: string;
  /** Playback queue: [0] is playing. */
  playbacks: string[];
  /** Live recording names on this channel. */
  recordings: Set<string>;
  vars: Map<string, string>;
  moh?: string;
  held: boolean;
  muted: 'none' | 'in' | 'out' | 'both';
  dial?: SimDial;
  /** Snoop target (spyee) channel id. */
  spyeeId?: string;
  /** Timers owned by the channel (RTCP, far-end behaviour); cleared on hangup. */
  timers: Set<NodeJS.Timeout>;
  /** Synchronous control commands queued behind a playback (ARI control queue). */
  pending: Array<() => void>;
  /** RTP identity (SSRCs), stable per channel. */
  ssrc: number;
  themSsrc: number;
  /** Whether the far end sends RTCP (false like the SIPp caller of the recordings: rtt 0, rxmes 0). */
  farRtcp: boolean;
  gone: boolean;
}

export type SimBridgeType = 'holding' | 'mixing';

export interface SimBridge {
  id: string;
  type: SimBridgeType;
  /** `holding_bridge`, `simple_bridge`, `native_rtp`, `softmix` (ARI `Bridge.technology`). */
  technology: string;
  name: string;
  creationtime: string;
  channelIds: string[];
  /** App that created it (gets its events). */
  apps: Set<string>;
  moh?: string;
  playbacks: string[];
  recordings: Set<string>;
}

export type PlaybackState = 'queued' | 'playing' | 'paused' | 'done' | 'failed';

export interface SimPlayback {
  id: string;
  media: string[];
  index: number;
  targetUri: string;
  language: string;
  state: PlaybackState;
  timer?: NodeJS.Timeout;
  /** When the current media started / remaining ms when paused. */
  startedAt: number;
  remainingMs: number;
}

export interface SimRecording {
  name: string;
  format: string;
  targetUri: string;
  state: 'queued' | 'recording' | 'paused' | 'done' | 'failed' | 'canceled';
  startedAt: number;
  timer?: NodeJS.Timeout;
}

export interface SimEndpoint {
  resource: string;
  state: 'online' | 'offline';
  behaviour: Required<Pick<SimEndpointBehaviour, 'ringAfterMs' | 'busy' | 'unreachable'>> & { answerAfterMs: number | null };
  contactUri?: string;
  callerName: string;
  /** What the phone displays for the last INVITE it got (From display name and user); undefined before any. */
  display?: PartyJson;
  expiryTimer?: NodeJS.Timeout;
  expiresAt?: number;
}

/** Per Stasis application state (ARI `Application` + event filter). */
export interface SimApp {
  name: string;
  endpointSubs: Set<string>;
  subscribeAll: boolean;
  allowed: Set<string> | undefined;
  disallowed: Set<string> | undefined;
}
