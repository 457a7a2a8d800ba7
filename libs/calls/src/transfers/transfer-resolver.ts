import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError } from '@callplane/core';
import { CallEntity, IvrFlowEntity, QueueEntity } from '@callplane/persistence';
import { TransferTargetInvalidError } from './transfer.errors';
import type { ReservedAgent, TransferAgents } from './transfer-agents';
import type { TransferTarget } from './transfer.types';

/** SIP endpoint resource: letters, digits, `_ . + -` (as agents' endpoints), 1–64. */
const ENDPOINT = /^[A-Za-z0-9_.+-]{1,64}$/;
/** External number: optional `+`, then 2–32 digits. */
const NUMBER = /^\+?[0-9]{2,32}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Checks a transfer target and turns it into what to ring: an agent (reserved through
 * {@link TransferAgents}), an endpoint, or an external number; queue/IVR targets must exist.
 */
@Injectable()
export class TransferResolver {
  private agents?: TransferAgents;

  constructor(
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(IvrFlowEntity) private readonly flows: Repository<IvrFlowEntity>,
    @InjectRepository(CallEntity) private readonly calls: Repository<CallEntity>,
  ) {}

  setAgents(agents: TransferAgents): void {
    this.agents = agents;
  }

  /**
   * @returns the endpoint (or number) to originate, and the reserved agent for agent targets
   * @throws TransferTargetInvalidError (400 `target`), TransferTargetBusyError, NotFoundError
   */
  async dialTarget(target: TransferTarget): Promise<{ endpoint: string; agentId?: string }> {
    switch (target.type) {
      case 'agent': {
        if (!UUID.test(target.id)) throw new TransferTargetInvalidError('target.id must be an agent id (uuid)');
        if (!this.agents) throw new TransferTargetInvalidError('agent targets need the ACD in this application');
        const agent: ReservedAgent = await this.agents.reserve(target.id);
        return { endpoint: agent.endpoint, agentId: agent.agentId };
      }
      case 'endpoint':
        if (!ENDPOINT.test(target.id)) throw new TransferTargetInvalidError('target.id must be a SIP endpoint like 1002 (letters, digits, _ . + -)');
        return { endpoint: target.id };
      case 'external':
        if (!NUMBER.test(target.id)) throw new TransferTargetInvalidError('target.id must be a number: optional +, then 2–32 digits');
        return { endpoint: target.id };
      default:
        throw new TransferTargetInvalidError(`a ${target.type} is not a phone to ring`);
    }
  }

  /** A queue/IVR target exists (and for IVR: is published). @throws TransferTargetInvalidError, NotFoundError */
  async checkHandOver(target: TransferTarget): Promise<void> {
    if (!UUID.test(target.id)) throw new TransferTargetInvalidError(`target.id must be a ${target.type} id (uuid)`);
    if (target.type === 'queue' && !(await this.queues.existsBy({ id: target.id }))) throw new NotFoundError('queue', target.id);
    if (target.type === 'ivr') {
      const flow = await this.flows.findOneBy({ id: target.id });
      if (!flow) throw new NotFoundError('ivr flow', target.id);
      if (flow.publishedVersion === null) throw new TransferTargetInvalidError(`ivr flow ${target.id} is not published`);
    }
  }

  /** The queue a call came through, if any (blind transfer fallback). */
  async originQueue(callId: string): Promise<string | undefined> {
    const row = await this.calls.findOneBy({ id: callId });
    return row?.queueId ?? undefined;
  }
}
