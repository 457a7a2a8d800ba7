import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { Subscription } from 'rxjs';
import { ForbiddenError, createLogger, errorMessage } from '@callplane/core';
import { PbxDrivers } from '@callplane/pbx';
import { TransferEntity } from '@callplane/persistence';
import { CallEventsBus, LegPbxEvent } from '../call-events.bus';
import { CallLifecycleService } from '../call-lifecycle.service';
import { CallRecordsService } from '../call-records.service';
import { AdoptedCallState, CallTarget, CallTargetHandler, LiveCall } from '../call-target';
import { CallTargetRegistry } from '../call-target.registry';
import { LiveCallRegistry } from '../live-call.registry';
import { CallResyncService } from '../call-resync.service';
import type { LiveCallState, LiveLeg } from '../call.types';
import { BridgedCalls } from '../control/bridged-calls';
import { TransferAgents } from './transfer-agents';
import { TransferCallNotConnectedError, TransferInProgressError, TransferNotFoundError, TransferTargetInvalidError } from './transfer.errors';
import { LiveTransfer, TransferMoves } from './transfer-moves';
import { TRANSFER_FINAL_STATES, TransferEvent, TransferState, nextTransferState } from './transfer.table';
import type { StartTransferRequest, TransferRequester, TransferView } from './transfer.types';
import { TransferResolver } from './transfer-resolver';

/** Default ring time of a transfer target, s. */
export const TRANSFER_RING_TIMEOUT_S = 20;

/**
 * Blind and attended transfers (issue 8 §1), driven by {@link TRANSFER_TABLE}: commands from REST /
 * Socket.IO (`complete`, `cancel`, `swap`, `conference`) and PBX facts (target answered / failed /
 * hung up, caller or agent hung up) go through {@link nextTransferState}; the bridge moves of each
 * transition are {@link TransferMoves}. The call keeps one row: the target's leg joins its leg chain
 * (role `consult` while consulting, `transfer` once it has the call), every step is a `transfer.*`
 * call event and a `transfer.changed` bus event. Taking a call publishes `call.taken-over` (the ACD
 * lets go of its queue entry, its agent wraps up when its leg ends); a completed or cancelled
 * transfer hands the two-party call to {@link BridgedCalls}. Rows whose state is not final are
 * resumed after a control-plane restart ({@link adopt}).
 */
@Injectable()
export class TransfersService extends CallTargetHandler implements OnModuleInit, OnModuleDestroy {
  readonly targetType = 'transfer';
  private readonly log = createLogger('transfers');
  private readonly live = new Map<string, LiveTransfer>();
  /** Active transfer by call id. */
  private readonly byCall = new Map<string, LiveTransfer>();
  /** Target agent legs (channel → agent + answer time), followed to their end for the agent's state. */
  private readonly targetAgentLegs = new Map<string, { agentId: string; answeredAt?: number }>();
  private agents?: TransferAgents;
  private subs: Subscription[] = [];

  constructor(
    private readonly drivers: PbxDrivers,
    private readonly registry: LiveCallRegistry,
    private readonly lifecycle: CallLifecycleService,
    private readonly records: CallRecordsService,
    private readonly bus: CallEventsBus,
    private readonly targets: CallTargetRegistry,
    private readonly bridged: BridgedCalls,
    private readonly resolver: TransferResolver,
    private readonly resync: CallResyncService,
    @InjectRepository(TransferEntity) private readonly rows: Repository<TransferEntity>,
  ) {
    super();
  }

  /** The ACD registers how agent targets ring, talk and wrap up (without it agent targets are refused). */
  setAgents(agents: TransferAgents): void {
    this.agents = agents;
    this.resolver.setAgents(agents);
  }

  onModuleInit(): void {
    this.subs.push(this.bus.on('leg.event', (e) => this.onLegEvent(e.call, e.leg, e.event)));
    // After a restart, calls with a transfer under way are this service's to adopt, not their queue's.
    this.resync.addClaim(async (nodeId) => new Map((await this.activeRowsOfNode(nodeId)).map((r) => [r.callId, { type: 'transfer', id: r.id }])));
  }

  onModuleDestroy(): void {
    for (const s of this.subs) s.unsubscribe();
    this.subs = [];
  }

  /** A transfer is not a route target: calls get here only by {@link start} or {@link adopt}. */
  async handle(call: LiveCall): Promise<void> {
    throw new TransferCallNotConnectedError(call.id);
  }

  /**
   * Starts a transfer of a connected call (the caller in {@link LiveCallState.bridgeId} with
   * `peerChannelId`, the transferer). Blind to a queue/IVR hands the call over at once (`completed`);
   * blind to a phone rings it while the caller hears MOH (`dialing`); attended holds the caller and
   * rings the target from a consult bridge (`consult-ringing`).
   * @throws TransferCallNotConnectedError, TransferInProgressError, TransferTargetInvalidError,
   *   TransferTargetBusyError (agent target not available), NotFoundError (unknown agent/queue/flow)
   */
  async start(req: StartTransferRequest): Promise<TransferView> {
    const state = this.registry.get(req.callId);
    if (!state || state.ending || !state.bridgeId || !state.peerChannelId) throw new TransferCallNotConnectedError(req.callId);
    const active = this.byCall.get(req.callId);
    if (active) throw new TransferInProgressError(req.callId, active.id);
    const phoneTarget = req.target.type !== 'queue' && req.target.type !== 'ivr';
    if (req.flow === 'attended' && !phoneTarget) throw new TransferTargetInvalidError(`an attended transfer needs a phone to consult (agent, endpoint or external), not a ${req.target.type}`);
    const dial = phoneTarget ? await this.resolver.dialTarget(req.target) : undefined;
    if (!phoneTarget) await this.resolver.checkHandOver(req.target);
    const peer = state.legs.get(state.peerChannelId);
    const t: LiveTransfer = {
      id: randomUUID(),
      callId: state.call.id,
      nodeId: state.call.nodeId,
      flow: req.flow,
      state: req.flow === 'attended' ? 'consult-ringing' : 'dialing',
      target: req.target,
      origin: req.origin ?? 'api',
      transfererAgentId: peer?.agentId ?? req.by?.agentId,
      transfererChannelId: state.peerChannelId,
      callerChannelId: state.call.channelId,
      targetAgentId: dial?.agentId,
      mainBridgeId: state.bridgeId,
      createdAt: new Date(),
      agentGone: false,
      targetGone: false,
      chain: Promise.resolve(),
    };
    this.live.set(t.id, t);
    this.byCall.set(t.callId, t);
    // The queue (or whoever kept the call together) lets go before the first leg moves.
    this.bridged.release(t.callId);
    this.bus.publish('call.taken-over', { callId: t.callId, by: 'transfer' });
    state.target = { type: 'transfer', id: t.id };
    await this.rows.insert(this.toRow(t));
    this.event(t, 'transfer.started', { by: req.by?.userId ?? null });
    const moves = this.moves(t);
    try {
      if (!phoneTarget) await this.handOver(t, state);
      else {
        if (req.flow === 'attended') await moves.startConsult(t);
        else await moves.startBlind(t);
        await this.dialTarget(t, dial!.endpoint, req.timeoutS ?? TRANSFER_RING_TIMEOUT_S, req.flow === 'attended' ? 'consult' : 'transfer');
      }
    } catch (err) {
      this.log.warn({ transferId: t.id, err: errorMessage(err) }, 'transfer could not start');
      t.reason = 'start-failed';
      await this.fact(t, req.flow === 'attended' ? 'target-failed' : 'target-failed');
      if (dial?.agentId) this.agents?.missed(dial.agentId);
    }
    return this.view(t);
  }

  /**
   * What a requester may do: agents (role `agent`) only transfers of calls they are on, and only
   * their own transfers (as transferring or target agent); supervisors/admins/phones anything.
   * @throws ForbiddenError
   */
  async assertMay(by: TransferRequester | undefined, what: { callId: string } | { transferId: string }): Promise<void> {
    if (by?.role !== 'agent') return;
    if ('callId' in what) {
      const state = this.registry.get(what.callId);
      const peer = state?.peerChannelId ? state.legs.get(state.peerChannelId) : undefined;
      if (state && (!by.agentId || peer?.agentId !== by.agentId)) throw new ForbiddenError('agents may transfer only the calls they are on');
      return;
    }
    const view = await this.get(what.transferId);
    if (!by.agentId || (view.transfererAgentId !== by.agentId && view.targetAgentId !== by.agentId)) throw new ForbiddenError('agents may act only on their own transfers');
  }

  /**
   * A user command on a transfer. Resolves after its bridge moves ran.
   * @throws TransferNotFoundError; TransferTransitionError (409, with the current state) when the table forbids it
   */
  async command(id: string, command: 'complete' | 'cancel' | 'swap' | 'conference'): Promise<TransferView> {
    const t = this.live.get(id);
    if (!t) {
      const row = await this.rows.findOneBy({ id });
      if (!row) throw new TransferNotFoundError(id);
      nextTransferState(row.state as TransferState, command); // final (or another process's): throws with the state
      throw new TransferNotFoundError(id);
    }
    await this.transition(t, command);
    return this.view(t);
  }

  /** @throws TransferNotFoundError */
  async get(id: string): Promise<TransferView> {
    const t = this.live.get(id);
    if (t) return this.view(t);
    const row = await this.rows.findOneBy({ id });
    if (!row) throw new TransferNotFoundError(id);
    return viewOfRow(row);
  }

  /** Transfers of a call, oldest first. */
  async ofCall(callId: string): Promise<TransferView[]> {
    const rows = await this.rows.find({ where: { callId }, order: { createdAt: 'ASC' } });
    return rows.map((r) => (this.live.has(r.id) ? this.view(this.live.get(r.id)!) : viewOfRow(r)));
  }

  /** The live transfer a call has, if any. */
  activeOf(callId: string): TransferView | undefined {
    const t = this.byCall.get(callId);
    return t ? this.view(t) : undefined;
  }

  /** Number of transfers under way (tests, health). */
  get activeCount(): number {
    return this.byCall.size;
  }

  /**
   * After a control-plane restart: the call's transfer row is not final. What the PBX still has
   * decides: every leg still there → resumed where it was; the agent gone → the table's
   * `agent-hangup`; the target gone → `target-failed`/`target-hangup` (the agent back with the caller).
   */
  override async adopt(call: LiveCall, target: CallTarget, adopted: AdoptedCallState): Promise<void> {
    const row = await this.rows.findOneBy({ id: target.id });
    const state = this.registry.get(call.id);
    if (!row || !state || TRANSFER_FINAL_STATES.has(row.state as TransferState)) throw new TransferNotFoundError(target.id);
    const t = this.fromRow(row);
    this.live.set(t.id, t);
    this.byCall.set(t.callId, t);
    state.bridgeId = t.mainBridgeId;
    state.agentId = state.agentId ?? t.transfererAgentId;
    const has = (channelId?: string) => !!channelId && state.legs.has(channelId);
    t.agentGone = !has(t.transfererChannelId);
    t.targetGone = !has(t.targetChannelId);
    const targetLeg = t.targetChannelId ? state.legs.get(t.targetChannelId) : undefined;
    if (targetLeg?.answeredAt) t.targetAnsweredAt = targetLeg.answeredAt;
    if (t.targetAgentId && t.targetChannelId && !t.targetGone) this.targetAgentLegs.set(t.targetChannelId, { agentId: t.targetAgentId, answeredAt: t.targetAnsweredAt?.getTime() });
    this.event(t, 'transfer.adopted', { state: t.state, pbxState: adopted.kind });
    if (t.targetGone && t.state !== 'dialing') await this.fact(t, t.targetAnsweredAt ? 'target-hangup' : 'target-failed');
    else if (t.targetGone) await this.fact(t, 'target-failed');
    if (t.agentGone && !TRANSFER_FINAL_STATES.has(t.state)) await this.fact(t, 'agent-hangup');
    await t.chain;
  }

  /** Active (not final) transfer rows of a node (resync claims their calls). */
  async activeRowsOfNode(nodeId: string): Promise<TransferEntity[]> {
    return this.rows.findBy({ pbxNodeId: nodeId, state: In(['dialing', 'consult-ringing', 'consulting', 'swapped', 'conference']) });
  }

  // ------------------------------------------------------------------ PBX facts

  private onLegEvent(call: LiveCall, leg: LiveLeg, event: LegPbxEvent): void {
    if (event.type === 'channel.hangup') this.targetAgentLegEnded(leg.channelId);
    const t = this.byCall.get(call.id);
    if (!t) return;
    const channelId = leg.channelId;
    if (event.type === 'channel.state' && event.state === 'up' && channelId === t.targetChannelId && !t.targetAnsweredAt) {
      t.targetAnsweredAt = event.at;
      const agent = this.targetAgentLegs.get(channelId);
      if (agent) {
        agent.answeredAt = event.at.getTime();
        this.agents?.answered(agent.agentId);
      }
      return void this.fact(t, 'target-answered');
    }
    if (event.type !== 'channel.hangup') return;
    if (channelId === t.callerChannelId) return void this.fact(t, 'caller-hangup');
    if (channelId === t.transfererChannelId) {
      t.agentGone = true;
      return void this.fact(t, 'agent-hangup');
    }
    if (channelId === t.targetChannelId) {
      t.targetGone = true;
      if (!t.targetAnsweredAt) t.reason = event.cause === 17 ? 'target-busy' : event.cause === 19 || event.cause === 18 ? 'target-no-answer' : `target-failed-${event.cause}`;
      return void this.fact(t, t.targetAnsweredAt ? 'target-hangup' : 'target-failed');
    }
  }

  /** A PBX fact the table may not expect in this state (e.g. the agent leg we hung up): ignored then. */
  private async fact(t: LiveTransfer, event: TransferEvent): Promise<void> {
    if (TRANSFER_FINAL_STATES.has(t.state)) return;
    try {
      await this.transition(t, event);
    } catch (err) {
      this.log.debug({ transferId: t.id, state: t.state, event, err: errorMessage(err) }, 'PBX fact not applicable to the transfer state');
    }
  }

  /** Table check now (throws), moves queued after the ones before. */
  private transition(t: LiveTransfer, event: TransferEvent): Promise<void> {
    const from = t.state;
    const to = nextTransferState(from, event);
    t.state = to;
    if (TRANSFER_FINAL_STATES.has(to)) this.byCall.delete(t.callId);
    const run = t.chain.then(async () => {
      try {
        await this.moves(t).apply(t, from, event, to);
      } catch (err) {
        this.log.warn({ transferId: t.id, from, event, to, err: errorMessage(err) }, 'transfer moves failed');
      }
      await this.settled(t, from, event, to);
    });
    t.chain = run.catch(() => undefined);
    return run;
  }

  /** Records, ownership and agent state once a transition's moves ran. */
  private async settled(t: LiveTransfer, from: TransferState, event: TransferEvent, to: TransferState): Promise<void> {
    const state = this.registry.get(t.callId);
    if (TRANSFER_FINAL_STATES.has(to)) {
      t.endedAt = new Date();
      this.live.delete(t.id);
    }
    if (to === 'completed' && state && t.targetChannelId) {
      state.peerChannelId = t.targetChannelId;
      if (t.targetAgentId) state.agentId = t.targetAgentId;
      void this.records.update(t.callId, t.targetAgentId ? { agentId: t.targetAgentId } : {}).catch((err: unknown) => this.writeFailed(t, err));
      void this.records.setLegRole(t.nodeId, t.targetChannelId, 'transfer').catch((err: unknown) => this.writeFailed(t, err));
      this.bridged.keep(t.callId, { bridgeId: t.mainBridgeId, peerChannelId: t.targetChannelId });
    } else if (to === 'cancelled' && state && !t.agentGone) {
      state.peerChannelId = t.transfererChannelId;
      this.bridged.keep(t.callId, { bridgeId: t.mainBridgeId, peerChannelId: t.transfererChannelId });
    } else if (to === 'failed' && state) {
      await this.fallback(t, state);
    } else if (to === 'ended') {
      state && (state.peerChannelId = undefined);
    }
    if (to === 'conference' && state) state.peerChannelId = t.targetChannelId;
    this.event(t, `transfer.${to}`, { from, event });
    await this.rows
      .update({ id: t.id }, { state: t.state, reason: t.reason ?? null, targetChannelId: t.targetChannelId ?? null, consultBridgeId: t.consultBridgeId ?? null, endedAt: t.endedAt ?? null })
      .catch((err: unknown) => this.writeFailed(t, err));
  }

  /** A blind transfer whose target never answered: back to the queue the call came from, else hung up (NO_ANSWER). */
  private async fallback(t: LiveTransfer, state: LiveCallState): Promise<void> {
    const queueId = await this.resolver.originQueue(t.callId);
    const handler = this.targets.get('queue');
    if (t.targetChannelId && !t.targetGone) await this.moves(t).hangup(t, t.targetChannelId);
    if (queueId && handler && !state.ending) {
      try {
        await this.drivers.driver(t.nodeId).destroyBridge(t.mainBridgeId);
        state.bridgeId = undefined;
        state.peerChannelId = undefined;
        state.target = { type: 'queue', id: queueId };
        await handler.handle(state.call, state.target);
        this.event(t, 'transfer.fallback', { to: 'queue', queueId });
        return;
      } catch (err) {
        this.log.warn({ transferId: t.id, err: errorMessage(err) }, 'transfer fallback to the queue failed: hanging the caller up');
      }
    }
    state.outcome = { ...state.outcome, disposition: 'NO_ANSWER' };
    this.event(t, 'transfer.fallback', { to: 'hangup' });
    await this.moves(t).hangup(t, t.callerChannelId);
    await this.drivers.driver(t.nodeId).destroyBridge(t.mainBridgeId).catch(() => undefined);
  }

  private async handOver(t: LiveTransfer, state: LiveCallState): Promise<void> {
    const handler = this.targets.get(t.target.type);
    if (!handler) throw new TransferTargetInvalidError(`no ${t.target.type} handler in this application`);
    const moves = this.moves(t);
    await moves.hangup(t, t.transfererChannelId);
    await this.drivers.driver(t.nodeId).destroyBridge(t.mainBridgeId).catch(() => undefined);
    state.bridgeId = undefined;
    state.peerChannelId = undefined;
    const target: CallTarget = { type: t.target.type, id: t.target.id };
    state.target = target;
    if (state.ivr) state.ivr.handedOff = t.target.type === 'queue';
    t.state = 'completed';
    this.byCall.delete(t.callId);
    await handler.handle(state.call, target);
    await this.settled(t, 'dialing', 'target-answered', 'completed');
  }

  private async dialTarget(t: LiveTransfer, endpoint: string, timeoutS: number, role: 'consult' | 'transfer'): Promise<void> {
    const channelId = randomUUID();
    t.targetChannelId = channelId;
    if (t.targetAgentId) this.targetAgentLegs.set(channelId, { agentId: t.targetAgentId });
    const state = this.registry.get(t.callId);
    const added = this.lifecycle.addLeg(t.callId, t.nodeId, { channelId, role, endpoint, agentId: t.targetAgentId });
    if (!added || !state) throw new TransferCallNotConnectedError(t.callId);
    await this.rows.update({ id: t.id }, { targetChannelId: channelId, consultBridgeId: t.consultBridgeId ?? null });
    await this.drivers.driver(t.nodeId).originate({
      endpoint,
      channelId,
      timeoutS,
      callerId: { number: state.call.callerNumber, name: state.call.callerName },
    });
  }

  private targetAgentLegEnded(channelId: string): void {
    const leg = this.targetAgentLegs.get(channelId);
    if (!leg) return;
    this.targetAgentLegs.delete(channelId);
    if (leg.answeredAt === undefined) this.agents?.missed(leg.agentId);
    else this.agents?.ended(leg.agentId, Math.max(0, Date.now() - leg.answeredAt) / 1000);
  }

  private event(t: LiveTransfer, type: string, data: Record<string, unknown>): void {
    const view = this.view(t);
    void this.records
      .addEvent(t.callId, type, { transferId: t.id, flow: t.flow, state: t.state, target: t.target, origin: t.origin, transfererAgentId: t.transfererAgentId ?? null, targetAgentId: t.targetAgentId ?? null, reason: t.reason ?? null, ...data })
      .catch((err: unknown) => this.writeFailed(t, err));
    this.bus.publish('transfer.changed', { type, transfer: view, agentIds: [t.transfererAgentId, t.targetAgentId].filter((a): a is string => !!a) });
  }

  private moves(t: LiveTransfer): TransferMoves {
    return new TransferMoves(this.drivers.driver(t.nodeId));
  }

  private writeFailed(t: LiveTransfer, err: unknown): void {
    this.log.error({ transferId: t.id, callId: t.callId, err: errorMessage(err) }, 'transfer record write failed');
  }

  private view(t: LiveTransfer): TransferView {
    return {
      id: t.id,
      callId: t.callId,
      flow: t.flow,
      state: t.state,
      target: t.target,
      origin: t.origin,
      transfererAgentId: t.transfererAgentId ?? null,
      targetAgentId: t.targetAgentId ?? null,
      reason: t.reason ?? null,
      createdAt: t.createdAt.toISOString(),
      endedAt: t.endedAt?.toISOString() ?? null,
    };
  }

  private toRow(t: LiveTransfer): Partial<TransferEntity> {
    return {
      id: t.id,
      callId: t.callId,
      pbxNodeId: t.nodeId,
      flow: t.flow,
      state: t.state,
      targetType: t.target.type,
      targetId: t.target.id,
      origin: t.origin,
      transfererAgentId: t.transfererAgentId ?? null,
      transfererChannelId: t.transfererChannelId,
      callerChannelId: t.callerChannelId,
      targetChannelId: t.targetChannelId ?? null,
      targetAgentId: t.targetAgentId ?? null,
      mainBridgeId: t.mainBridgeId,
      consultBridgeId: t.consultBridgeId ?? null,
      reason: null,
      endedAt: null,
    };
  }

  private fromRow(r: TransferEntity): LiveTransfer {
    return {
      id: r.id,
      callId: r.callId,
      nodeId: r.pbxNodeId,
      flow: r.flow as LiveTransfer['flow'],
      state: r.state as TransferState,
      target: { type: r.targetType as LiveTransfer['target']['type'], id: r.targetId },
      origin: r.origin as LiveTransfer['origin'],
      transfererAgentId: r.transfererAgentId ?? undefined,
      transfererChannelId: r.transfererChannelId,
      callerChannelId: r.callerChannelId,
      targetChannelId: r.targetChannelId ?? undefined,
      targetAgentId: r.targetAgentId ?? undefined,
      mainBridgeId: r.mainBridgeId ?? '',
      consultBridgeId: r.consultBridgeId ?? undefined,
      reason: r.reason ?? undefined,
      createdAt: r.createdAt,
      agentGone: false,
      targetGone: false,
      chain: Promise.resolve(),
    };
  }
}

function viewOfRow(r: TransferEntity): TransferView {
  return {
    id: r.id,
    callId: r.callId,
    flow: r.flow as TransferView['flow'],
    state: r.state as TransferState,
    target: { type: r.targetType as TransferView['target']['type'], id: r.targetId },
    origin: r.origin as TransferView['origin'],
    transfererAgentId: r.transfererAgentId,
    targetAgentId: r.targetAgentId,
    reason: r.reason,
    createdAt: r.createdAt.toISOString(),
    endedAt: r.endedAt?.toISOString() ?? null,
  };
}
