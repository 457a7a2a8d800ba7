import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@callplane/core';
import type { InboundRouteView } from '@callplane/contracts';
import { InboundRouteEntity, IvrFlowEntity, PbxNodeEntity, QueueEntity } from '@callplane/persistence';
import { CreateInboundRouteDto, UpdateInboundRouteDto } from './inbound-route.dto';

function toView(r: InboundRouteEntity): InboundRouteView {
  return { id: r.id, did: r.did, pbxNodeId: r.pbxNodeId, targetType: r.targetType, targetId: r.targetId, createdAt: r.createdAt.toISOString() };
}

/**
 * Inbound routes (DID → queue or IVR flow). One route per (did, node); the "any node" route
 * (node null) is unique per DID too — checked here, since databases let NULLs repeat in a unique key.
 */
@Injectable()
export class InboundRoutesService {
  constructor(
    @InjectRepository(InboundRouteEntity) private readonly routes: Repository<InboundRouteEntity>,
    @InjectRepository(QueueEntity) private readonly queues: Repository<QueueEntity>,
    @InjectRepository(IvrFlowEntity) private readonly flows: Repository<IvrFlowEntity>,
    @InjectRepository(PbxNodeEntity) private readonly nodes: Repository<PbxNodeEntity>,
  ) {}

  async list(): Promise<InboundRouteView[]> {
    return (await this.routes.find({ order: { did: 'ASC', createdAt: 'ASC' } })).map(toView);
  }

  async get(id: string): Promise<InboundRouteView> {
    return toView(await this.entity(id));
  }

  /** @throws ValidationError (unknown node/target), ConflictError (route for did+node exists) */
  async create(dto: CreateInboundRouteDto): Promise<InboundRouteView> {
    const route = this.routes.create({ did: dto.did, pbxNodeId: dto.pbxNodeId ?? null, targetType: dto.targetType, targetId: dto.targetId });
    await this.check(route, undefined);
    return toView(await this.routes.save(route));
  }

  async update(id: string, dto: UpdateInboundRouteDto): Promise<InboundRouteView> {
    const route = await this.entity(id);
    if (dto.did !== undefined) route.did = dto.did;
    if (dto.pbxNodeId !== undefined) route.pbxNodeId = dto.pbxNodeId;
    if (dto.targetType !== undefined) route.targetType = dto.targetType;
    if (dto.targetId !== undefined) route.targetId = dto.targetId;
    await this.check(route, id);
    return toView(await this.routes.save(route));
  }

  async remove(id: string): Promise<void> {
    await this.entity(id);
    await this.routes.delete({ id });
  }

  private async check(route: InboundRouteEntity, selfId: string | undefined): Promise<void> {
    if (route.pbxNodeId && !(await this.nodes.exists({ where: { id: route.pbxNodeId } }))) throw new ValidationError('pbxNodeId', 'no PBX node with this id');
    const targetExists = route.targetType === 'queue'
      ? await this.queues.exists({ where: { id: route.targetId } })
      : await this.flows.exists({ where: { id: route.targetId } });
    if (!targetExists) throw new ValidationError('targetId', `no ${route.targetType === 'queue' ? 'queue' : 'IVR flow'} with this id`);
    const same = await this.routes.findOne({ where: { did: route.did, pbxNodeId: route.pbxNodeId ?? IsNull() }, select: { id: true } });
    if (same && same.id !== selfId) {
      throw new ConflictError(`A route for ${route.did} on ${route.pbxNodeId ? `node ${route.pbxNodeId}` : 'any node'} exists`, { field: 'did', routeId: same.id });
    }
  }

  private async entity(id: string): Promise<InboundRouteEntity> {
    const route = await this.routes.findOne({ where: { id } });
    if (!route) throw new NotFoundError('Inbound route', id);
    return route;
  }
}
