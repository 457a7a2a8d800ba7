import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ReservedAgent, TransferAgents, TransferTargetBusyError, TransfersService } from '@callplane/calls';
import { AgentEntity } from '@callplane/persistence';
import { AgentNotFoundError } from './acd.errors';
import { AgentStateService } from './agent-state.service';

/**
 * Transfer targets that are agents ring, talk and wrap up through the agent state machine
 * (triggers `ring`, `answer`, `ring-ended`, `call-ended`): a transferred call counts like a queue
 * call for the agent's talk time and wrap-up (the agent's own `wrapUpS`, else none).
 */
@Injectable()
export class AcdTransferAgents extends TransferAgents implements OnModuleInit {
  constructor(
    private readonly states: AgentStateService,
    private readonly transfers: TransfersService,
    @InjectRepository(AgentEntity) private readonly agents: Repository<AgentEntity>,
  ) {
    super();
  }

  onModuleInit(): void {
    this.transfers.setAgents(this);
  }

  async reserve(agentId: string): Promise<ReservedAgent> {
    const row = await this.agents.findOneBy({ id: agentId });
    if (!row) throw new AgentNotFoundError(agentId);
    const status = await this.states.get(agentId);
    if (!this.states.tryTransition(agentId, 'ringing', 'ring')) throw new TransferTargetBusyError(agentId, status.state);
    return { agentId, endpoint: row.endpoint, name: row.name };
  }

  answered(agentId: string): void {
    this.states.tryTransition(agentId, 'on-call', 'answer');
  }

  missed(agentId: string): void {
    this.states.tryTransition(agentId, 'available', 'ring-ended');
  }

  ended(agentId: string, talkS: number): void {
    this.states.callHandled(agentId, talkS);
    this.states.startWrapUp(agentId, 0);
  }
}
