import type { AgentState, CallDisposition } from '../rest/domain.types';
import type { TransferChangedEvent, TransferTargetView, TransferView } from '../rest/transfers.views';

/** Socket.IO namespace of the agents' gateway. */
export const AGENTS_NAMESPACE = '/agents';

/**
 * States a person may ask for (REST `PUT /agents/:id/state`, Socket.IO `agent.setState`): any
 * agent state passes validation, the state table decides — `ringing`, `on-call` and `wrap-up` are
 * the ACD's own, so asking for them is answered 409 `agent-state-illegal` with the current state.
 */
export const SETTABLE_AGENT_STATES = ['offline', 'available', 'ringing', 'on-call', 'wrap-up', 'away', 'dnd'] as const satisfies readonly AgentState[];
export type SettableAgentState = (typeof SETTABLE_AGENT_STATES)[number];

/**
 * `agent.setState` request. `agentId` only for supervisors/admins (default: the caller's own agent).
 * `reason`: with `away` only — a code of AWAY_REASONS or the server's `ACD_AWAY_REASONS` (default
 * `break`; `no-answer` is set by the ACD only).
 */
export interface AgentSetStateRequest {
  state: SettableAgentState;
  reason?: string;
  agentId?: string;
}

/**
 * An agent's state, as acknowledged and broadcast. `at`: ISO-8601 time of the change; `reason`:
 * the `away` reason code (e.g. `break`, `no-answer`), else null.
 */
export interface AgentStateView {
  agentId: string;
  state: AgentState;
  reason: string | null;
  at: string;
}

/** Error of a Socket.IO command: stable `code` (as in REST errors) and a message naming the field. */
export interface AckError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Every command is acknowledged with this shape. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

/** `call.offered`: the agent's phone is ringing for this call. */
export interface CallOfferedEvent {
  callId: string;
  callerNumber: string;
  callerName: string;
  queueId: string;
  queueName: string;
}

/** `call.answered`: an agent answered the call (sent to every agent rung and to supervisors). */
export interface CallAnsweredEvent {
  callId: string;
  agentId: string;
}

/** `call.ended`: the call is over. `cause`: Q.850 cause (ITU-T Q.850; 16 = normal clearing). */
export interface CallEndedEvent {
  callId: string;
  disposition: CallDisposition;
  cause: number;
}

/**
 * `agent.state`: an agent's state changed (to the agent itself and to supervisors). `trigger`: what
 * made it — `agent` (the agent or a supervisor), `ring`, `answer`, `ring-ended`, `no-answer` (the ACD
 * set the agent away after `maxNoAnswer` missed offers), `call-ended`, `wrap-up-done`, `other-call`,
 * `other-call-ended`, `restart`.
 */
export interface AgentStateEvent extends AgentStateView {
  trigger: string;
}

/** Events the server emits on `/agents` (socket.io `ServerToClientEvents`). */
export interface AgentsServerToClientEvents {
  'call.offered': (event: CallOfferedEvent) => void;
  'call.answered': (event: CallAnsweredEvent) => void;
  'call.ended': (event: CallEndedEvent) => void;
  'agent.state': (event: AgentStateEvent) => void;
  'transfer.changed': (event: TransferChangedEvent) => void;
}

/** `transfer.start` request (as REST `POST /transfers`). */
export interface TransferStartRequest {
  callId: string;
  flow: 'blind' | 'attended';
  target: TransferTargetView;
  timeoutS?: number;
}

/** `transfer.complete|swap|conference|cancel` request. */
export interface TransferCommandRequest {
  transferId: string;
}

/** Commands clients send on `/agents` (socket.io `ClientToServerEvents`), each with an ack callback. */
export interface AgentsClientToServerEvents {
  'agent.setState': (request: AgentSetStateRequest, ack: (result: Ack<AgentStateView>) => void) => void;
  'transfer.start': (request: TransferStartRequest, ack: (result: Ack<TransferView>) => void) => void;
  'transfer.complete': (request: TransferCommandRequest, ack: (result: Ack<TransferView>) => void) => void;
  'transfer.swap': (request: TransferCommandRequest, ack: (result: Ack<TransferView>) => void) => void;
  'transfer.conference': (request: TransferCommandRequest, ack: (result: Ack<TransferView>) => void) => void;
  'transfer.cancel': (request: TransferCommandRequest, ack: (result: Ack<TransferView>) => void) => void;
}
