import type { Logger } from '@callplane/core';
import type { ChannelSnapshot, PbxEventBody } from '@callplane/pbx';
import type { EslConnection } from './esl/esl.connection';

/**
 * FreeSWITCH-side settings the port's connection config does not carry (paths on the
 * FreeSWITCH host, the outbound listener's bind address). All optional.
 */
export interface FreeswitchDriverSettings {
  /** Prefix of `sound:` prompts; '' = relative to FreeSWITCH's `sound_prefix`. Default ''. */
  soundsPath?: string;
  /** Directory for recordings (`record()` output and `recording:` prompts). Default `/var/lib/freeswitch/recordings`. */
  recordingsPath?: string;
  /** Sound file extension for `sound:` prompts. Default `wav`. */
  soundExtension?: string;
  /** Address the outbound-ESL listener binds to. Default `0.0.0.0` (127.0.0.1 in tests). */
  outboundHost?: string;
  /**
   * Peers allowed to connect to the outbound listener (the `socket` app has no password).
   * Default: the ESL host's addresses plus loopback. `['*']` allows any.
   */
  outboundAllowFrom?: string[];
  /** Conference profile for mixing bridges with more than two members. Default `default`. */
  conferenceProfile?: string;
  /** Dialplan context for `redirect()` when none is given. Default `default`. */
  defaultContext?: string;
}

export const DEFAULT_FREESWITCH_SETTINGS: Required<Omit<FreeswitchDriverSettings, 'outboundAllowFrom'>> = {
  soundsPath: '',
  recordingsPath: '/var/lib/freeswitch/recordings',
  soundExtension: 'wav',
  outboundHost: '0.0.0.0',
  conferenceProfile: 'default',
  defaultContext: 'default',
};

/** A channel the driver tracks (callplane knows it: offered, originated, adopted at resync). */
export interface TrackedChannel {
  snapshot: ChannelSnapshot;
  /** `channel.offered` was emitted (or it was adopted from a snapshot): never offer again. */
  offered: boolean;
  /** Created by our originate (never offered). */
  originated: boolean;
  /** `channel.hangup` was emitted. */
  hungUp: boolean;
  /** `channel.state` `up` was emitted (answer-first dialplans offer a channel that is already up). */
  upEmitted?: boolean;
  /** Outbound-ESL session controlling this channel (socket mode), if any. */
  session?: EslConnection;
  /** Called once on CHANNEL_CREATE (originate waits for it). */
  onCreated?: () => void;
}

/** What the event router, the bridges and the playbacks need from the driver. */
export interface FreeswitchContext {
  readonly nodeId: string;
  readonly log: Logger;
  readonly channels: Map<string, TrackedChannel>;
  emit(body: PbxEventBody): void;
  /** `api <cmd>` on the connection that carries `channelId`'s commands; port errors only. */
  api(cmd: string, channelId?: string): Promise<string>;
  /** `sendmsg <uuid>` `execute <app> <arg>` with `Event-UUID`; port errors only. */
  execute(channelId: string, app: string, arg: string, eventUuid?: string): Promise<void>;
}
