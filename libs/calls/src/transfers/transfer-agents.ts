/** An agent reserved as a transfer target: the endpoint to ring. */
export interface ReservedAgent {
  agentId: string;
  /** Endpoint resource (e.g. `1002`). */
  endpoint: string;
  name: string;
}

/**
 * Agent state for transfer targets, implemented by the ACD (libs/acd) so that an agent who takes
 * a transferred call rings, talks and wraps up like one who takes a queue call. libs/calls cannot
 * import the ACD (dependency direction), hence this port (DI token: the class).
 */
export abstract class TransferAgents {
  /**
   * Reserve an available agent and move it to `ringing`.
   * @throws TransferTargetBusyError when the agent is not available; NotFoundError for an unknown agent
   */
  abstract reserve(agentId: string): Promise<ReservedAgent>;
  /** The agent's leg answered: `on-call`. */
  abstract answered(agentId: string): void;
  /** The agent's leg ended without answering: back to `available`. */
  abstract missed(agentId: string): void;
  /** The agent's leg ended after answering: wrap-up (the agent's own wrap-up time, else none). */
  abstract ended(agentId: string, talkS: number): void;
}
