import { createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, PbxDriver, Q850 } from '@callplane/pbx';
import type { TransferEvent, TransferState } from './transfer.table';
import type { TransferFlow, TransferTarget } from './transfer.types';

/** A transfer in memory (the row of `transfers` plus what only this process knows). */
export interface LiveTransfer {
  id: string;
  callId: string;
  nodeId: string;
  flow: TransferFlow;
  state: TransferState;
  target: TransferTarget;
  origin: 'api' | 'phone';
  transfererAgentId?: string;
  transfererChannelId: string;
  callerChannelId: string;
  targetChannelId?: string;
  targetAgentId?: string;
  mainBridgeId: string;
  consultBridgeId?: string;
  reason?: string;
  createdAt: Date;
  endedAt?: Date;
  /** When the target leg answered. */
  targetAnsweredAt?: Date;
  /** Whether the agent/target legs are still up (their hangups seen). */
  agentGone: boolean;
  targetGone: boolean;
  /** Bridges callplane started music on hold in (so only those are stopped). */
  moh?: Set<string>;
  /** Effects run one after the other, in transition order. */
  chain: Promise<void>;
}

const log = createLogger('transfer-moves');

/** A race we expect: the channel or bridge went away (its hangup is handled by its own event). */
function gone(err: unknown): boolean {
  return err instanceof ChannelNotFoundError || err instanceof BridgeNotFoundError;
}

async function quietly(what: string, t: LiveTransfer, op: () => Promise<unknown>): Promise<void> {
  try {
    await op();
  } catch (err) {
    if (!gone(err)) log.warn({ transferId: t.id, what, err: errorMessage(err) }, 'transfer media step failed');
  }
}

/**
 * The bridge moves of each transition (the "small handlers" of {@link TRANSFER_TABLE}): which
 * channel goes into which bridge, who hears music on hold. The caller stays in the call's mixing
 * bridge (`mainBridgeId`) from start to end; an attended consult uses a second mixing bridge.
 */
export class TransferMoves {
  constructor(private readonly driver: PbxDriver) {}

  /** Attended start: the agent leaves the caller (who hears MOH) for the consult bridge. */
  async startConsult(t: LiveTransfer): Promise<void> {
    t.consultBridgeId = await this.driver.createBridge('mixing');
    await this.driver.removeFromBridge(t.mainBridgeId, t.transfererChannelId);
    await this.mohOn(t, t.mainBridgeId);
    await this.driver.addToBridge(t.consultBridgeId, [t.transfererChannelId]);
  }

  /** Blind start: the caller hears MOH while the target rings; the agent is let go. */
  async startBlind(t: LiveTransfer): Promise<void> {
    await quietly('agent leaves', t, () => this.driver.removeFromBridge(t.mainBridgeId, t.transfererChannelId));
    await this.mohOn(t, t.mainBridgeId);
    await this.hangup(t, t.transfererChannelId);
  }

  /** Runs the moves of `from` --event--> `to`. */
  async apply(t: LiveTransfer, from: TransferState, event: TransferEvent, to: TransferState): Promise<void> {
    switch (to) {
      case 'consulting':
        if (from === 'consult-ringing') return this.join(t, this.consult(t), t.targetChannelId);
        return this.agentTo(t, 'consult');
      case 'swapped':
        return this.agentTo(t, 'main');
      case 'conference':
        return this.toConference(t, from);
      case 'dialing':
        // The agent hung up while the target rang: no consult any more, the target joins the caller on answer.
        return this.dropConsult(t);
      case 'completed':
        return this.complete(t, from, event);
      case 'cancelled':
        return this.cancel(t, from, event);
      case 'failed':
      case 'ended':
        return this.tearDown(t, to === 'ended');
    }
  }

  private async complete(t: LiveTransfer, from: TransferState, event: TransferEvent): Promise<void> {
    if (from !== 'conference') {
      await this.dropConsult(t);
      await this.mohOff(t, t.mainBridgeId);
      if (t.targetChannelId) await this.driver.addToBridge(t.mainBridgeId, [t.targetChannelId]);
    }
    if (event === 'complete' && !t.agentGone) await this.hangup(t, t.transfererChannelId);
  }

  private async cancel(t: LiveTransfer, from: TransferState, event: TransferEvent): Promise<void> {
    if (event !== 'target-hangup' && event !== 'target-failed' && t.targetChannelId) await this.hangup(t, t.targetChannelId);
    if (from === 'conference' || from === 'swapped') {
      await this.dropConsult(t);
      return;
    }
    await this.dropConsult(t);
    await this.mohOff(t, t.mainBridgeId);
    await this.driver.addToBridge(t.mainBridgeId, [t.transfererChannelId]);
  }

  private async toConference(t: LiveTransfer, from: TransferState): Promise<void> {
    await this.dropConsult(t);
    await this.mohOff(t, t.mainBridgeId);
    const joining = from === 'swapped' ? [t.targetChannelId] : [t.transfererChannelId, t.targetChannelId];
    await this.driver.addToBridge(t.mainBridgeId, joining.filter((c): c is string => !!c));
  }

  /** Moves the agent between the caller (`main`) and the target (`consult`); the one left alone hears MOH. */
  private async agentTo(t: LiveTransfer, where: 'main' | 'consult'): Promise<void> {
    const consult = this.consult(t);
    const [leave, join] = where === 'main' ? [consult, t.mainBridgeId] : [t.mainBridgeId, consult];
    await this.driver.removeFromBridge(leave, t.transfererChannelId);
    await this.mohOn(t, leave);
    await this.mohOff(t, join);
    await this.driver.addToBridge(join, [t.transfererChannelId]);
  }

  /** Caller gone (`ended`) or blind dial failed: hang up what is left of agent/target; drop bridges. */
  private async tearDown(t: LiveTransfer, callerGone: boolean): Promise<void> {
    if (t.targetChannelId && !t.targetGone) await this.hangup(t, t.targetChannelId);
    if (callerGone && !t.agentGone) await this.hangup(t, t.transfererChannelId);
    await this.dropConsult(t);
    if (callerGone) await quietly('main bridge', t, () => this.driver.destroyBridge(t.mainBridgeId));
    else await this.mohOff(t, t.mainBridgeId);
  }

  private async join(t: LiveTransfer, bridgeId: string, channelId: string | undefined): Promise<void> {
    if (channelId) await this.driver.addToBridge(bridgeId, [channelId]);
  }

  private async dropConsult(t: LiveTransfer): Promise<void> {
    const id = t.consultBridgeId;
    if (!id) return;
    t.consultBridgeId = undefined;
    await this.mohOff(t, id);
    await quietly('consult bridge', t, () => this.driver.destroyBridge(id));
  }

  private async mohOn(t: LiveTransfer, bridgeId: string): Promise<void> {
    (t.moh ??= new Set()).add(bridgeId);
    await quietly('moh on', t, () => this.driver.startBridgeMoh(bridgeId));
  }

  /** Stops MOH we started; after a restart (nothing known) it is tried, and a bridge without MOH is fine. */
  private async mohOff(t: LiveTransfer, bridgeId: string): Promise<void> {
    if (t.moh && !t.moh.has(bridgeId)) return;
    t.moh?.delete(bridgeId);
    try {
      await this.driver.stopBridgeMoh(bridgeId);
    } catch (err) {
      log.debug({ transferId: t.id, bridgeId, err: errorMessage(err) }, 'no music on hold to stop');
    }
  }

  private consult(t: LiveTransfer): string {
    if (!t.consultBridgeId) throw new BridgeNotFoundError(`consult bridge of transfer ${t.id}`);
    return t.consultBridgeId;
  }

  async hangup(t: LiveTransfer, channelId: string): Promise<void> {
    await quietly('hangup', t, () => this.driver.hangup(channelId, Q850.NORMAL_CLEARING));
  }
}
