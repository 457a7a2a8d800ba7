import { Injectable } from '@nestjs/common';
import type { LiveCall } from './call-target';
import type { LiveCallState, LiveLeg } from './call.types';

const key = (nodeId: string, channelId: string): string => `${nodeId}\u0000${channelId}`;

/**
 * The calls this process controls right now, in memory: by call id, and by (node, channel) for
 * every leg. A leg stays findable until its own hangup, even after its call ended (so the
 * hangup of an agent leg that outlived the caller is still recorded).
 */
@Injectable()
export class LiveCallRegistry {
  private readonly byId = new Map<string, LiveCallState>();
  private readonly byChannel = new Map<string, LiveCallState>();

  /** Register a call with its caller leg. `ready` resolves when its records are written. */
  add(call: LiveCall, ready: Promise<void> = Promise.resolve()): LiveCallState {
    const state: LiveCallState = { call, legs: new Map(), ready, ending: false, agentIds: new Set() };
    this.byId.set(call.id, state);
    this.attach(state, { channelId: call.channelId, role: 'caller', recorded: ready });
    return state;
  }

  get(callId: string): LiveCallState | undefined {
    return this.byId.get(callId);
  }

  /** The call a channel of `nodeId` belongs to, and that leg. */
  findByChannel(nodeId: string, channelId: string): { state: LiveCallState; leg: LiveLeg } | undefined {
    const state = this.byChannel.get(key(nodeId, channelId));
    const leg = state?.legs.get(channelId);
    return state && leg ? { state, leg } : undefined;
  }

  /** Attach a leg to a registered call. @returns false when the call is not live */
  addLeg(callId: string, leg: LiveLeg): boolean {
    const state = this.byId.get(callId);
    if (!state || state.ending) return false;
    this.attach(state, leg);
    return true;
  }

  /** A leg is gone (its hangup was seen). */
  removeLeg(state: LiveCallState, channelId: string): void {
    state.legs.delete(channelId);
    this.byChannel.delete(key(state.call.nodeId, channelId));
  }

  /** Change a call's id (a re-offered channel turned out to have a row already). */
  rekey(oldId: string, newId: string): void {
    const state = this.byId.get(oldId);
    if (!state) return;
    this.byId.delete(oldId);
    state.call.id = newId;
    this.byId.set(newId, state);
  }

  /** Forget a call; legs still up stay findable by channel until their hangup. */
  remove(callId: string): void {
    this.byId.delete(callId);
  }

  /** Live calls on one node. */
  callsOfNode(nodeId: string): LiveCallState[] {
    return [...this.byId.values()].filter((s) => s.call.nodeId === nodeId);
  }

  /** Legs of already-ended calls still waiting for their hangup, on one node. */
  lingeringLegs(nodeId: string): { state: LiveCallState; leg: LiveLeg }[] {
    const out: { state: LiveCallState; leg: LiveLeg }[] = [];
    for (const state of new Set(this.byChannel.values())) {
      if (state.call.nodeId !== nodeId || this.byId.get(state.call.id) === state) continue;
      for (const leg of state.legs.values()) out.push({ state, leg });
    }
    return out;
  }

  /** Number of live calls. */
  get size(): number {
    return this.byId.size;
  }

  private attach(state: LiveCallState, leg: LiveLeg): void {
    state.legs.set(leg.channelId, leg);
    if (leg.agentId) state.agentIds.add(leg.agentId);
    this.byChannel.set(key(state.call.nodeId, leg.channelId), state);
  }
}
