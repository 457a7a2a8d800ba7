/**
 * The subset of Asterisk ARI JSON models the driver reads (Asterisk 22 ARI 10.0.0,
 * `/ari/api-docs/{channels,bridges,events,playbacks,recordings,endpoints,applications}.json`).
 * Only fields the driver uses are declared; Asterisk sends more.
 */

/** ARI `CallerID`. */
export interface AriCallerId {
  name: string;
  number: string;
}

/** ARI `DialplanCEP` (+ `app_name`/`app_data` since Asterisk 16). */
export interface AriDialplan {
  context: string;
  exten: string;
  priority: number;
  app_name?: string;
  app_data?: string;
}

/** ARI `Channel`. `state`: Down, Rsrvd, OffHook, Dialing, Ring, Ringing, Up, Busy, Dialing Offhook, Pre-ring, Unknown. */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller?: AriCallerId;
  connected?: AriCallerId;
  dialplan?: AriDialplan;
  /** ISO-8601 with `+0000` offset, e.g. `2026-11-21T19:10:06.420+0000`. */
  creationtime?: string;
}

/** ARI `Bridge`. `bridge_type`: mixing, holding, …; `bridge_class`: stasis, base, … */
export interface AriBridge {
  id: string;
  bridge_type: string;
  bridge_class?: string;
  technology?: string;
  channels: string[];
}

/** ARI `Playback`. `target_uri`: `channel:<id>` or `bridge:<id>`; `state`: queued, playing, continuing, done, failed. */
export interface AriPlayback {
  id: string;
  media_uri?: string;
  target_uri: string;
  state: string;
}

/** ARI `LiveRecording`. `duration`: s; `state`: queued, recording, paused, done, failed, canceled. */
export interface AriLiveRecording {
  name: string;
  format?: string;
  state: string;
  target_uri: string;
  duration?: number;
  cause?: string;
}

/** ARI `Endpoint`. `state`: unknown, offline, online. */
export interface AriEndpoint {
  technology: string;
  resource: string;
  state?: string;
  channel_ids?: string[];
}

/** ARI `Application`. */
export interface AriApplication {
  name: string;
  channel_ids: string[];
  bridge_ids: string[];
  endpoint_ids?: string[];
}

/**
 * ARI `RTPstat` (`GET /channels/{id}/rtp_statistics`, channels.json). Jitter and RTT are in
 * seconds (recorded: bridged-rtp-stats-and-snoop).
 */
export interface AriRtpStat {
  txcount: number;
  rxcount: number;
  txploss: number;
  rxploss: number;
  txjitter?: number;
  rxjitter?: number;
  rtt?: number;
  local_ssrc?: number;
  remote_ssrc?: number;
  txmes?: number;
  rxmes?: number;
}

interface AriEventBase {
  type: string;
  application?: string;
  timestamp?: string;
}

/** WebSocket events the driver subscribes to (events.json); keyed by `type`. */
export interface AriEventMap {
  StasisStart: AriEventBase & { args?: string[]; channel: AriChannel; replace_channel?: AriChannel };
  StasisEnd: AriEventBase & { channel: AriChannel };
  ChannelStateChange: AriEventBase & { channel: AriChannel };
  /** `cause` is Q.850 only when `soft` is absent: a soft hangup request carries the AST_SOFTHANGUP_* flag (32 = explicit). */
  ChannelHangupRequest: AriEventBase & { channel: AriChannel; cause?: number; soft?: boolean };
  ChannelDestroyed: AriEventBase & { channel: AriChannel; cause: number; cause_txt?: string };
  ChannelDtmfReceived: AriEventBase & { channel: AriChannel; digit: string; duration_ms: number };
  ChannelHold: AriEventBase & { channel: AriChannel };
  ChannelUnhold: AriEventBase & { channel: AriChannel };
  PlaybackStarted: AriEventBase & { playback: AriPlayback };
  PlaybackFinished: AriEventBase & { playback: AriPlayback };
  ChannelEnteredBridge: AriEventBase & { bridge: AriBridge; channel: AriChannel };
  ChannelLeftBridge: AriEventBase & { bridge: AriBridge; channel: AriChannel };
  BridgeDestroyed: AriEventBase & { bridge: AriBridge };
  RecordingStarted: AriEventBase & { recording: AriLiveRecording };
  RecordingFinished: AriEventBase & { recording: AriLiveRecording };
  RecordingFailed: AriEventBase & { recording: AriLiveRecording };
  BridgeBlindTransfer: AriEventBase & {
    channel: AriChannel;
    transferee?: AriChannel;
    replace_channel?: AriChannel;
    exten: string;
    context: string;
    result: string;
  };
  EndpointStateChange: AriEventBase & { endpoint: AriEndpoint };
}

export type AriEventType = keyof AriEventMap;

/** One handler per ARI event type the driver consumes. */
export type AriEventHandlers = { [K in AriEventType]: (event: AriEventMap[K]) => void };
