import type { AgentState, CallDisposition } from '../rest/domain.types';

/** Socket.IO namespace of the agents' gateway. */
export const AGENTS_NAMESPACE = '/agents';

/** States an agent (or a supervisor for an agent) may set over Socket.IO. */
export const SETTABLE_AGENT_STATES = ['available', 'away', 'offline'] as const;
export type SettableAgentState = (typeof SETTABLE_AGENT_STATES)[number];

/** `agent.setState` request. `agentId` only for supervisors/admins (default: the caller's own agent). */
export interface AgentSetStateRequest {
  state: SettableAgentState;
  agentId?: string;
}

/** An agent's state, as acknowledged and broadcast. `at`: ISO-8601 time of the change. */
export interface AgentStateView {
  agentId: string;
  state: AgentState;
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

/** `agent.state`: an agent's state changed (to the agent itself and to supervisors). */
export type AgentStateEvent = AgentStateView;

/** Events the server emits on `/agents` (socket.io `ServerToClientEvents`). */
export interface AgentsServerToClientEvents {
  'call.offered': (event: CallOfferedEvent) => void;
  'call.answered': (event: CallAnsweredEvent) => void;
  'call.ended': (event: CallEndedEvent) => void;
  'agent.state': (event: AgentStateEvent) => void;
}

/** Commands clients send on `/agents` (socket.io `ClientToServerEvents`), each with an ack callback. */
export interface AgentsClientToServerEvents {
  'agent.setState': (request: AgentSetStateRequest, ack: (result: Ack<AgentStateView>) => void) => void;
}
