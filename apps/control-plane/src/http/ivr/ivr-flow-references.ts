import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { ConflictError } from '@callplane/core';
import type { IvrFlowDefinition } from '@callplane/ivr';
import { QueueEntity } from '@callplane/persistence';

/** A `queue` node names a queue that does not exist: calls reaching it would fail. HTTP 409. */
export class IvrQueueMissingError extends ConflictError {
  override readonly code = 'ivr-queue-missing';
  constructor(missing: { nodeId: string; queueId: string }[]) {
    super(`Queue node(s) point at queues that do not exist: ${missing.map((m) => `${m.nodeId} → ${m.queueId}`).join(', ')}`, { missing });
  }
}

/**
 * What an IVR flow refers to outside itself, checked before it goes live: every `queue` node's
 * queue must exist (a flow published with a missing queue FAILED its calls there).
 */
@Injectable()
export class IvrFlowReferences {
  constructor(@InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>) {}

  /** @throws IvrQueueMissingError naming each node and its queue id */
  async assertResolvable(definition: IvrFlowDefinition): Promise<void> {
    const refs = definition.nodes
      .filter((n) => n.type === 'queue')
      .map((n) => ({ nodeId: n.id, queueId: (n as unknown as { queue?: unknown }).queue }))
      .filter((r): r is { nodeId: string; queueId: string } => typeof r.queueId === 'string');
    if (!refs.length) return;
    const found = new Set((await this.queues.find({ where: { id: In([...new Set(refs.map((r) => r.queueId))]) }, select: { id: true } })).map((q) => q.id));
    const missing = refs.filter((r) => !found.has(r.queueId));
    if (missing.length) throw new IvrQueueMissingError(missing);
  }
}
