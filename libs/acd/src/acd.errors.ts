import { ConflictError, DomainError } from '@callplane/core';

/**
 * An agent state change the state table forbids (e.g. `on-call` → `away`, `wrap-up` → `ringing`).
 * HTTP 409; `details`: `{ agentId, state (the current state), from (= state), to }`.
 */
export class AgentStateIllegalError extends ConflictError {
  override readonly code = 'agent-state-illegal';
  constructor(readonly agentId: string, readonly from: string, readonly to: string) {
    super(`Agent ${agentId} is ${from} and cannot go to ${to}`, { agentId, state: from, from, to });
  }
}

/** The agent does not exist. HTTP 404. */
export class AgentNotFoundError extends DomainError {
  readonly code = 'agent-not-found';
  override readonly httpStatus = 404;
  constructor(readonly agentId: string) {
    super(`Agent ${agentId} not found`, { agentId });
  }
}

/** The queue a route points at does not exist. HTTP 404. */
export class QueueNotFoundError extends DomainError {
  readonly code = 'queue-not-found';
  override readonly httpStatus = 404;
  constructor(readonly queueId: string) {
    super(`Queue ${queueId} not found`, { queueId });
  }
}
