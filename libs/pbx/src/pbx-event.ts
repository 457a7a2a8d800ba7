import type { ChannelSnapshot, ChannelState, EndpointState, PbxSnapshot } from './pbx.types';

/**
 * Everything a driver reports, PBX-neutral. Every event carries the callplane PBX node id and
 * the time the driver saw it. Consumers switch on `type`; the map {@link PbxEventMap} types it.
 */
interface Base {
  nodeId: string;
  at: Date;
}

/**
 * A new inbound channel was handed to callplane (Asterisk `StasisStart` of a dialplan channel;
 * FreeSWITCH `CHANNEL_PARK` of an inbound leg, or an outbound-socket connect). Not emitted for
 * channels callplane originated itself, nor for snoop channels.
 */
export interface ChannelOfferedEvent extends Base {
  type: 'channel.offered';
  channel: ChannelSnapshot;
}

/** A channel's state changed (`ringing`, `up` = answered, `held`). */
export interface ChannelStateEvent extends Base {
  type: 'channel.state';
  channelId: string;
  state: ChannelState;
}

/**
 * The channel is gone. Emitted exactly once per channel callplane knows of, with the Q.850
 * cause (Asterisk: `ChannelDestroyed.cause`, else the `ChannelHangupRequest`/AMI `Hangup`
 * cause, else 16; FreeSWITCH: `Hangup-Cause` of CHANNEL_HANGUP_COMPLETE).
 */
export interface ChannelHangupEvent extends Base {
  type: 'channel.hangup';
  channelId: string;
  /** Q.850 cause number. */
  cause: number;
  causeText: string;
  /**
   * The PBX lost the channel — it restarted (or crashed) under it — and nobody hung up; `at` is then
   * when callplane's link to the PBX dropped, the last moment the channel was known alive.
   */
  lost?: boolean;
}

/** One DTMF digit received on a channel (ARI `ChannelDtmfReceived`; ESL `DTMF`). */
export interface ChannelDtmfEvent extends Base {
  type: 'channel.dtmf';
  channelId: string;
  /** 0-9, *, #, A-D. */
  digit: string;
  /** Tone duration, ms. */
  durationMs: number;
}

/** The phone itself put the call on hold / resumed (SIP re-INVITE sendonly/sendrecv). */
export interface ChannelHoldEvent extends Base {
  type: 'channel.hold';
  channelId: string;
  held: boolean;
}

export interface PlaybackStartedEvent extends Base {
  type: 'playback.started';
  playbackId: string;
  channelId?: string;
  bridgeId?: string;
}

/**
 * A playback ended. `done`: played to the end or stopped by us (Asterisk reports a stopped
 * playback as `done`, see inbound-dtmf-bargein); `failed`: the channel hung up or the file is
 * missing. FreeSWITCH `Playback-Status: break` maps to `done` too.
 */
export interface PlaybackFinishedEvent extends Base {
  type: 'playback.finished';
  playbackId: string;
  channelId?: string;
  bridgeId?: string;
  status: 'done' | 'failed';
  /**
   * With `failed`: the PBX's own words where it gives them (FreeSWITCH: the playback
   * application's response, e.g. `FILE NOT FOUND`; Asterisk ARI PlaybackFinished has only
   * `state: failed`, so its reason says that).
   */
  reason?: string;
}

export interface BridgeEnteredEvent extends Base {
  type: 'bridge.entered';
  bridgeId: string;
  channelId: string;
}

export interface BridgeLeftEvent extends Base {
  type: 'bridge.left';
  bridgeId: string;
  channelId: string;
}

export interface BridgeDestroyedEvent extends Base {
  type: 'bridge.destroyed';
  bridgeId: string;
}

export interface RecordingStartedEvent extends Base {
  type: 'recording.started';
  name: string;
  /** `channel:<id>` or `bridge:<id>`. */
  target: string;
}

export interface RecordingFinishedEvent extends Base {
  type: 'recording.finished';
  name: string;
  target: string;
  /** Recording length, s, when the PBX reports it. */
  durationS?: number;
  status: 'done' | 'failed';
}

/**
 * One RTCP report seen by the PBX for a leg (AMI `RTCPSent`/`RTCPReceived`; ESL
 * `RECV_RTCP_MESSAGE`). Jitter and RTT in ms; fractionLost 0–1 (RFC 3550 §6.4.1).
 */
export interface RtcpReportEvent extends Base {
  type: 'rtcp.report';
  channelId: string;
  direction: 'sent' | 'received';
  ssrc?: number;
  fractionLost: number;
  cumulativeLost: number;
  jitterMs: number;
  rttMs?: number;
}

/** A SIP endpoint registered or went away (ARI `EndpointStateChange`/AMI `ContactStatus`; sofia::register/unregister/expire). */
export interface EndpointStateEvent extends Base {
  type: 'endpoint.state';
  /** Resource without technology prefix, e.g. `1001`. */
  endpoint: string;
  state: EndpointState;
  contact?: string;
}

/**
 * A phone-initiated blind transfer (SIP REFER) moved `transfereeChannelId` towards `target`
 * (ARI `BridgeBlindTransfer`; FreeSWITCH `transfer_destination`).
 */
export interface BlindTransferEvent extends Base {
  type: 'transfer.blind';
  transfererChannelId: string;
  transfereeChannelId?: string;
  /** New channel that replaces the transferer in the bridge, if any. */
  replacementChannelId?: string;
  target: string;
}

/**
 * The driver (re)connected to its node. `snapshot` lists what is live now, so consumers adopt
 * calls that are still up and close records of those that ended while we were away.
 */
export interface DriverConnectedEvent extends Base {
  type: 'driver.connected';
  snapshot: PbxSnapshot;
  /** true on a reconnect after a loss; false on the first connect of this process. */
  reconnect: boolean;
}

/** A link to the node dropped; the driver is already reconnecting. */
export interface DriverDisconnectedEvent extends Base {
  type: 'driver.disconnected';
  reason: string;
}

export type PbxEvent =
  | ChannelOfferedEvent
  | ChannelStateEvent
  | ChannelHangupEvent
  | ChannelDtmfEvent
  | ChannelHoldEvent
  | PlaybackStartedEvent
  | PlaybackFinishedEvent
  | BridgeEnteredEvent
  | BridgeLeftEvent
  | BridgeDestroyedEvent
  | RecordingStartedEvent
  | RecordingFinishedEvent
  | RtcpReportEvent
  | EndpointStateEvent
  | BlindTransferEvent
  | DriverConnectedEvent
  | DriverDisconnectedEvent;

export type PbxEventType = PbxEvent['type'];

/** `PbxEventMap['channel.dtmf']` is the DTMF event, etc. */
export type PbxEventMap = { [E in PbxEvent as E['type']]: E };

/** Distributes `Omit` over the union (for drivers building events before stamping node/time). */
export type PbxEventBody = PbxEvent extends infer E ? (E extends PbxEvent ? Omit<E, 'nodeId' | 'at'> : never) : never;
