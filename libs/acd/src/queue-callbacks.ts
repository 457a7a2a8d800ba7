import { randomUUID } from 'node:crypto';
import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { createLogger, errorMessage } from '@callplane/core';
import { BridgeNotFoundError, ChannelNotFoundError, OriginateFailedError, PbxDrivers, PbxEvent, Q850 } from '@callplane/pbx';
import { CallEventsBus, CallLifecycleService, CallRecordsService, LiveCall, LiveCallRegistry } from '@callplane/calls';
import { CallEntity, QueueCallbackEntity, QueueEntity } from '@callplane/persistence';
import { QueueDirectory } from './queue-directory';
import { QueueEntry, moveEntry } from './queue-entry';
import { QueueEvents, secondsBetween } from './queue-events';
import { RingRounds } from './ring-rounds';

/** Dial attempts to the caller before a callback is `failed`. */
export const CALLBACK_MAX_ATTEMPTS = 3;
/** Pause before the next attempt after the caller did not answer (or the agent left), ms. */
export const CALLBACK_RETRY_DELAY_MS = 60_000;
/** How long the caller's phone rings on a callback, s. */
export const CALLBACK_RING_TIMEOUT_S = 30;
/** Played to the caller before the hangup once the callback is recorded (Asterisk core sound "Thank you for your patience"). */
export const CALLBACK_CONFIRMATION_PROMPT = 'sound:queue-thankyou';

/** A number callplane may dial back: dial-string characters only (digits, `*`, `#`, a leading `+`), 1–32. */
export function isCallbackNumber(number: string): boolean {
  return /^\+?[0-9*#]{1,32}$/.test(number);
}

interface CallbackRun {
  row: QueueCallbackEntity;
  entry: QueueEntry;
  /** Resolves the call's `ready` once its row exists (written at the first offer to an agent). */
  resolveReady: () => void;
  created?: Promise<void>;
  /** The caller is being dialled (an agent answered). */
  dialled: boolean;
  /** The caller answered and is bridged with the agent. */
  connected: boolean;
}

/**
 * Callbacks (issue 7 §4): a waiting caller presses the queue's `callbackKey`, a
 * {@link QueueCallbackEntity} is written (number, name, priority, original `queuedAt`, node) and the
 * caller is hung up; the callback keeps the caller's place: it is a queue entry like a live caller
 * (service order priority → `queuedAt`), whose "caller leg" is not on the line. Its turn: agents are
 * rung as for any call (the agent's phone shows the caller's number and name); the first to answer is
 * reserved, then the caller is dialled on the same node (caller id: the queue's name and the number the
 * caller had dialled) and bridged with the agent once they answer.
 *
 * Each attempt is a call of its own (`calls.direction` outbound), written when the first agent is
 * offered it: ANSWERED when the caller answered, NO_ANSWER when not. A caller who does not answer
 * (busy, no answer within {@link CALLBACK_RING_TIMEOUT_S}, hangs up while it rings) or an agent who
 * leaves before the caller answered → the agent is freed straight to `available` (no wrap-up: there
 * was no conversation), the callback waits {@link CALLBACK_RETRY_DELAY_MS} and competes again, up to
 * {@link CALLBACK_MAX_ATTEMPTS} dials, then `failed`. States: waiting → reserving (agents rung) →
 * dialling → connected → completed | failed.
 *
 * Restart: on a node's first connect, its `waiting`/`reserving` callbacks are queued again (the call
 * row of a `reserving` one is finished NO_ANSWER first); `dialling`/`connected` ones belong to the call
 * the resync adopts or finishes like any queue call, and are marked `completed`.
 * Until dialled, the callback's live call has no caller leg in the registry, so the resync leaves it be.
 */
@Injectable()
export class QueueCallbacks implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('acd-callbacks');
  private readonly runs = new Map<string, CallbackRun>();
  private readonly retries = new Set<NodeJS.Timeout>();
  /** Callbacks loaded at start, queued when their node connects. */
  private readonly pending = new Map<string, QueueCallbackEntity[]>();
  private readonly unconnected = new WeakSet<QueueEntry>();
  private unsubscribe?: () => void;
  private stopped = false;

  constructor(
    @InjectRepository(QueueCallbackEntity) private readonly callbacks: Repository<QueueCallbackEntity>,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
    private readonly drivers: PbxDrivers,
    private readonly rounds: RingRounds,
    private readonly directory: QueueDirectory,
    private readonly registry: LiveCallRegistry,
    private readonly lifecycle: CallLifecycleService,
    private readonly records: CallRecordsService,
    private readonly events: QueueEvents,
    private readonly bus: CallEventsBus,
  ) {}

  async onModuleInit(): Promise<void> {
    this.unsubscribe = this.drivers.onEvent((e) => this.onPbxEvent(e));
    const open = await this.callbacks.findBy({ state: In(['waiting', 'reserving', 'dialling', 'connected']) });
    for (const row of open) {
      if (row.state === 'dialling' || row.state === 'connected') {
        await this.callbacks.update(row.id, { state: 'completed' });
        continue;
      }
      if (row.state === 'reserving' && row.callbackCallId) {
        await this.records.finish(row.callbackCallId, { disposition: 'NO_ANSWER', hangupCause: Q850.NORMAL_CLEARING, endedAt: new Date() });
      }
      row.state = 'waiting';
      row.agentId = null;
      await this.callbacks.update(row.id, { state: 'waiting', agentId: null });
      this.pending.set(row.pbxNodeId, [...(this.pending.get(row.pbxNodeId) ?? []), row]);
    }
    if (open.length) this.log.info({ callbacks: open.length }, 'callbacks reloaded');
  }

  onModuleDestroy(): void {
    this.stopped = true;
    this.unsubscribe?.();
    for (const t of this.retries) clearTimeout(t);
    this.retries.clear();
    for (const run of this.runs.values()) this.registry.remove(run.entry.call.id);
    this.runs.clear();
  }

  /** True for the queue entry of a callback (its caller is not on the line while it waits). */
  isCallback(entry: QueueEntry): boolean {
    return this.runs.get(entry.call.id)?.entry === entry;
  }

  /** True for a callback entry whose agent never talked to the caller (freed without wrap-up). */
  unconnectedCallback(entry: QueueEntry): boolean {
    return this.unconnected.has(entry);
  }

  /**
   * Records a callback for the waiting `entry` and queues it in its place.
   * @returns the callback, or undefined when the caller's number cannot be dialled (see {@link isCallbackNumber})
   */
  async request(entry: QueueEntry): Promise<QueueCallbackEntity | undefined> {
    const { call, queue } = entry;
    if (!isCallbackNumber(call.callerNumber)) return undefined;
    const row = await this.callbacks.save(
      this.callbacks.create({
        queueId: queue.id,
        originCallId: call.id,
        callbackCallId: null,
        pbxNodeId: call.nodeId,
        number: call.callerNumber,
        name: call.callerName.slice(0, 128),
        priority: entry.priority,
        queuedAt: entry.enqueuedAt,
        state: 'waiting',
        attempts: 0,
        agentId: null,
      }),
    );
    this.enqueue(row, queue);
    return row;
  }

  /** An agent is rung for `callId`: the first offer of an attempt writes its call row. */
  onOffered(callId: string, agentId: string): void {
    const run = this.runs.get(callId);
    if (!run || run.created) return;
    const { row, entry } = run;
    const { call, queue } = entry;
    call.offeredAt = new Date();
    run.created = (async () => {
      await this.calls.insert({
        id: call.id,
        pbxNodeId: call.nodeId,
        channelId: call.channelId,
        direction: 'outbound',
        callerNumber: row.number,
        callerName: row.name,
        calledNumber: row.number,
        status: 'active',
        offeredAt: call.offeredAt,
        queueId: queue.id,
        queuedAt: row.queuedAt,
        queuePriority: row.priority,
      });
      run.resolveReady();
      this.events.record(call.id, 'queue.entered', { queueId: queue.id, queueName: queue.name, priority: row.priority, queuedAt: row.queuedAt.toISOString(), callbackId: row.id });
      await this.setState(row, { state: 'reserving', callbackCallId: call.id, agentId });
    })().catch((err: unknown) => this.log.error({ callbackId: row.id, err: errorMessage(err) }, 'callback call row write failed'));
  }

  /** The agent answered the callback's offer: dial the caller (bridged on answer, {@link onCallerUp}). */
  async dial(entry: QueueEntry, agentId: string): Promise<void> {
    const run = this.runs.get(entry.call.id);
    const live = this.registry.get(entry.call.id);
    if (!run || !live || run.dialled) return;
    const { row } = run;
    const { call, queue } = entry;
    run.dialled = true;
    this.unconnected.add(entry);
    live.outcome = { disposition: 'NO_ANSWER' };
    // The caller's leg first (its PBX events route to the call at once), then its row.
    const recorded = (run.created ?? Promise.resolve()).then(() => this.records.addLeg({ callId: call.id, nodeId: call.nodeId, channelId: call.channelId, role: 'caller' }));
    this.registry.addLeg(call.id, { channelId: call.channelId, role: 'caller', recorded: recorded.catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'callback leg write failed')) });
    this.bus.publish('call.answered', { callId: call.id, agentId, agentIds: [...live.agentIds] });
    row.attempts += 1;
    await this.setState(row, { state: 'dialling', attempts: row.attempts, agentId });
    const callerId = { number: await this.dialledNumber(row), name: queue.name };
    if (!this.registry.get(call.id) || entry.state !== 'connected') return; // the agent left meanwhile
    try {
      await this.drivers.driver(call.nodeId).originate({ endpoint: row.number, callerId, timeoutS: CALLBACK_RING_TIMEOUT_S, channelId: call.channelId });
    } catch (err) {
      const cause = err instanceof OriginateFailedError ? err.q850Cause : Q850.NORMAL_TEMPORARY_FAILURE;
      this.log.info({ callbackId: row.id, cause, err: errorMessage(err) }, 'callback dial failed');
      this.lifecycle.onLegEvent({ type: 'channel.hangup', nodeId: call.nodeId, at: new Date(), channelId: call.channelId, cause, causeText: errorMessage(err) });
    }
  }

  /** The caller answered the callback: bridge them with the reserved agent. */
  async onCallerUp(entry: QueueEntry): Promise<void> {
    const run = this.runs.get(entry.call.id);
    const live = this.registry.get(entry.call.id);
    if (!run || !live || run.connected || entry.state !== 'connected' || !entry.agentId || !entry.agentChannelId) return;
    const { call, queue } = entry;
    const at = new Date();
    run.connected = true;
    this.unconnected.delete(entry);
    live.agentId = entry.agentId;
    live.agentAnsweredAt = at;
    live.outcome = undefined;
    void this.records.update(call.id, { agentId: entry.agentId, answeredAt: at }).catch((err: unknown) => this.log.error({ err: errorMessage(err) }, 'callback answer write failed'));
    this.events.record(call.id, 'queue.connected', { queueId: queue.id, agentId: entry.agentId, waitS: secondsBetween(run.row.queuedAt, at), callbackId: run.row.id });
    void this.setState(run.row, { state: 'connected' });
    const driver = this.drivers.driver(call.nodeId);
    try {
      entry.mixingBridgeId = await driver.createBridge('mixing');
      await driver.addToBridge(entry.mixingBridgeId, [call.channelId, entry.agentChannelId]);
      live.bridgeId = entry.mixingBridgeId;
      live.peerChannelId = entry.agentChannelId;
    } catch (err) {
      // One side hung up while bridging: its hangup tears the call down.
      if (!(err instanceof ChannelNotFoundError || err instanceof BridgeNotFoundError)) this.log.error({ callId: call.id, err: errorMessage(err) }, 'bridging callback failed');
    }
    if ((entry.state as QueueEntry['state']) === 'ended' && entry.mixingBridgeId) await driver.destroyBridge(entry.mixingBridgeId).catch(() => undefined);
  }

  /** The callback's caller leg ended (or its entry was dropped): completed, retried later, or failed. */
  async onEnded(entry: QueueEntry): Promise<void> {
    const run = this.runs.get(entry.call.id);
    if (!run || run.entry !== entry) return;
    this.runs.delete(entry.call.id);
    const { row } = run;
    if (run.connected) return this.setState(row, { state: 'completed' });
    if (row.attempts >= CALLBACK_MAX_ATTEMPTS) {
      this.log.info({ callbackId: row.id, attempts: row.attempts }, 'callback failed: the caller never answered');
      return this.setState(row, { state: 'failed' });
    }
    row.agentId = null;
    await this.setState(row, { state: 'waiting', agentId: null });
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.retries.delete(t);
      void this.requeue(row);
    }, CALLBACK_RETRY_DELAY_MS);
    t.unref?.();
    this.retries.add(t);
  }

  private async requeue(row: QueueCallbackEntity): Promise<void> {
    try {
      this.enqueue(row, await this.directory.queue(row.queueId));
    } catch (err) {
      this.log.warn({ callbackId: row.id, err: errorMessage(err) }, 'callback queue gone: callback failed');
      await this.setState(row, { state: 'failed' });
    }
  }

  /** One attempt: a live call without caller leg (the resync ignores it), waiting in its place. */
  private enqueue(row: QueueCallbackEntity, queue: QueueEntity): void {
    const call: LiveCall = {
      id: randomUUID(),
      nodeId: row.pbxNodeId,
      channelId: randomUUID(),
      callerNumber: row.number,
      callerName: row.name,
      calledNumber: row.number,
      answered: false,
      variables: { callbackId: row.id },
      offeredAt: new Date(),
    };
    let resolveReady!: () => void;
    const state = this.registry.add(call, new Promise<void>((r) => (resolveReady = r)));
    this.registry.removeLeg(state, call.channelId);
    state.target = { type: 'queue', id: queue.id, priority: row.priority };
    const entry = this.rounds.enqueue(call, queue, row.priority, row.queuedAt);
    this.runs.set(call.id, { row, entry, resolveReady, dialled: false, connected: false });
    moveEntry(entry, 'waiting');
    void this.rounds.dispatch(queue.id);
  }

  /** The number the caller had dialled (the queue's DID): what their phone shows on the callback. */
  private async dialledNumber(row: QueueCallbackEntity): Promise<string> {
    const origin = await this.calls.findOneBy({ id: row.originCallId }).catch(() => null);
    return origin?.calledNumber ?? '';
  }

  private async setState(row: QueueCallbackEntity, patch: Partial<Pick<QueueCallbackEntity, 'state' | 'attempts' | 'agentId' | 'callbackCallId'>>): Promise<void> {
    Object.assign(row, patch);
    await this.callbacks.update(row.id, patch).catch((err: unknown) => this.log.error({ callbackId: row.id, err: errorMessage(err) }, 'callback write failed'));
  }

  private onPbxEvent(e: PbxEvent): void {
    if (e.type !== 'driver.connected' || this.stopped) return;
    const rows = this.pending.get(e.nodeId);
    if (!rows) return;
    this.pending.delete(e.nodeId);
    for (const row of rows) void this.requeue(row);
  }
}
