import { Injectable } from '@nestjs/common';
import { createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, PbxDrivers } from '@callplane/pbx';

interface HoldingBridge {
  nodeId: string;
  /** Resolves with the bridge id once it exists and plays MOH. */
  ready: Promise<string>;
  members: Set<string>;
  key: string;
}

/**
 * One holding bridge with music on hold per (queue, node), shared by every caller waiting in
 * that queue: created with the first caller, destroyed when the last one leaves. Saves three
 * PBX requests per call over a bridge per caller (create, MOH, destroy).
 */
@Injectable()
export class HoldingBridges {
  private readonly log = createLogger('acd-holding');
  /** Bridge new callers join, by `node|queue`. */
  private readonly current = new Map<string, HoldingBridge>();
  /** Every holding bridge we manage (adopted ones included), by bridge id once known. */
  private readonly byId = new Map<string, HoldingBridge>();

  constructor(private readonly drivers: PbxDrivers) {}

  /** Puts `channelId` into the queue's holding bridge (creating it with MOH `mohClass`). @returns the bridge id */
  async join(nodeId: string, queueId: string, mohClass: string, channelId: string): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      const bridge = this.currentFor(nodeId, queueId, mohClass);
      bridge.members.add(channelId);
      try {
        const id = await bridge.ready;
        await this.drivers.driver(nodeId).addToBridge(id, [channelId]);
        return id;
      } catch (err) {
        bridge.members.delete(channelId);
        // The bridge vanished under us (destroyed by the PBX): start a fresh one, once.
        if (err instanceof BridgeNotFoundError && attempt === 0) {
          this.forget(bridge);
          continue;
        }
        // The caller hung up before it got in (a real Asterisk sends PlaybackFinished of the greeting
        // before the hangup, so this happens): a bridge created for it alone must not stay behind,
        // playing MOH to nobody.
        if (bridge.members.size === 0) await this.destroyEmpty(bridge);
        throw err;
      }
    }
  }

  /** Tracks a holding bridge found by the resync with a caller already in it. */
  adopt(nodeId: string, queueId: string, bridgeId: string, channelId: string): void {
    let bridge = this.byId.get(bridgeId);
    if (!bridge) {
      bridge = { nodeId, ready: Promise.resolve(bridgeId), members: new Set(), key: `${nodeId}|${queueId}` };
      this.byId.set(bridgeId, bridge);
      if (!this.current.has(bridge.key)) this.current.set(bridge.key, bridge);
    }
    bridge.members.add(channelId);
  }

  /**
   * `channelId` leaves its holding bridge (`remove`: ask the PBX to take it out; false when it
   * hung up). The bridge is destroyed when empty. Never rejects.
   */
  async leave(bridgeId: string, channelId: string, remove: boolean): Promise<void> {
    const bridge = this.byId.get(bridgeId);
    if (!bridge || !bridge.members.delete(channelId)) return;
    const driver = this.drivers.driver(bridge.nodeId);
    if (remove) {
      try {
        await driver.removeFromBridge(bridgeId, channelId);
      } catch (err) {
        // The caller hung up or the bridge is gone meanwhile: it is out either way.
        if (!(err instanceof ChannelNotFoundError || err instanceof BridgeNotFoundError)) this.log.warn({ bridgeId, channelId, err: errorMessage(err) }, 'leaving holding bridge failed');
      }
    }
    if (bridge.members.size > 0) return;
    await this.destroyEmpty(bridge);
  }

  /** Forgets an empty bridge and destroys it on the PBX (it may be gone already). Never rejects. */
  private async destroyEmpty(bridge: HoldingBridge): Promise<void> {
    this.forget(bridge);
    const bridgeId = await bridge.ready.catch(() => undefined);
    if (!bridgeId) return;
    try {
      await this.drivers.driver(bridge.nodeId).destroyBridge(bridgeId);
    } catch (err) {
      this.log.debug({ bridgeId, err: errorMessage(err) }, 'holding bridge already gone');
    }
  }

  /** Forget everything (shutdown; the PBX keeps the bridges for the next process to adopt). */
  clear(): void {
    this.current.clear();
    this.byId.clear();
  }

  private currentFor(nodeId: string, queueId: string, mohClass: string): HoldingBridge {
    const key = `${nodeId}|${queueId}`;
    const existing = this.current.get(key);
    if (existing) return existing;
    const driver = this.drivers.driver(nodeId);
    const bridge: HoldingBridge = { nodeId, key, members: new Set(), ready: Promise.resolve('') };
    bridge.ready = (async () => {
      const id = await driver.createBridge('holding');
      this.byId.set(id, bridge);
      await driver.startBridgeMoh(id, mohClass);
      return id;
    })();
    bridge.ready.catch(() => this.forget(bridge));
    this.current.set(key, bridge);
    return bridge;
  }

  private forget(bridge: HoldingBridge): void {
    if (this.current.get(bridge.key) === bridge) this.current.delete(bridge.key);
    for (const [id, b] of this.byId) if (b === bridge) this.byId.delete(id);
  }
}
