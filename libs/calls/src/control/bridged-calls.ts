import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Subscription } from 'rxjs';
import { createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, PbxDrivers, Q850 } from '@callplane/pbx';
import { CallEventsBus } from '../call-events.bus';
import { CallLifecycleService } from '../call-lifecycle.service';
import { LiveCallRegistry } from '../live-call.registry';

interface Link {
  bridgeId: string;
  peerChannelId: string;
  onPeerEnded?: (cause: number) => void;
}

/**
 * Keeps a two-party call together once its owner is done with it (after a transfer completed or
 * was cancelled, a click-to-call connected): the caller leg and `peerChannelId` talk in `bridgeId`.
 * When either leg ends the other is hung up (cause 16) and the bridge destroyed. A new owner
 * taking the call (bus `call.taken-over`) ends the following; nothing is hung up then.
 */
@Injectable()
export class BridgedCalls implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('bridged-calls');
  private readonly links = new Map<string, Link>();
  private subs: Subscription[] = [];

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly registry: LiveCallRegistry,
    private readonly lifecycle: CallLifecycleService,
    private readonly bus: CallEventsBus,
  ) {}

  onModuleInit(): void {
    this.subs.push(this.bus.on('call.taken-over', (e) => this.release(e.callId)));
    this.subs.push(
      this.bus.on('leg.event', ({ call, leg, event }) => {
        if (event.type === 'channel.hangup') void this.onLegGone(call.id, call.nodeId, call.channelId, leg.channelId, event.cause);
      }),
    );
  }

  onModuleDestroy(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
  }

  /** Follow a two-party call (both legs already registered); sets the call's bridgeId/peerChannelId. */
  keep(callId: string, link: Link): void {
    const state = this.registry.get(callId);
    if (!state) return;
    state.bridgeId = link.bridgeId;
    state.peerChannelId = link.peerChannelId;
    this.links.set(callId, link);
  }

  /** Stop following (another owner took the call); nothing is hung up. */
  release(callId: string): void {
    this.links.delete(callId);
  }

  /** True while followed. */
  has(callId: string): boolean {
    return this.links.has(callId);
  }

  private async onLegGone(callId: string, nodeId: string, callerChannelId: string, channelId: string, cause: number): Promise<void> {
    const link = this.links.get(callId);
    if (!link || (channelId !== callerChannelId && channelId !== link.peerChannelId)) return;
    this.links.delete(callId);
    const other = channelId === callerChannelId ? link.peerChannelId : callerChannelId;
    if (channelId === link.peerChannelId) {
      link.onPeerEnded?.(cause);
      // The caller's record keeps the cause of the side that hung up first.
      const state = this.registry.get(callId);
      if (state) state.outcome = { ...state.outcome, cause };
    }
    const driver = this.drivers.driver(nodeId);
    try {
      await driver.hangup(other, Q850.NORMAL_CLEARING);
    } catch (err) {
      // Both hung up at once: end the leg whose hangup we may not see.
      if (err instanceof ChannelNotFoundError) this.lifecycle.channelGone(nodeId, other);
      else this.log.warn({ callId, channelId: other, err: errorMessage(err) }, 'hangup of the other side failed');
    }
    try {
      await driver.destroyBridge(link.bridgeId);
    } catch (err) {
      if (!(err instanceof BridgeNotFoundError)) this.log.debug({ callId, err: errorMessage(err) }, 'bridge already gone');
    }
  }
}
