import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, IsNull, Repository } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@callplane/core';
import type { InboundRouteView, RouteTargetState } from '@callplane/contracts';
import { InboundRouteEntity, IvrFlowEntity, PbxNodeEntity, QueueEntity } from '@callplane/persistence';
import { CreateInboundRouteDto, UpdateInboundRouteDto } from './inbound-route.dto';

function toView(r: InboundRouteEntity, targetState: RouteTargetState): InboundRouteView {
  return { id: r.id, did: r.did, pbxNodeId: r.pbxNodeId, targetType: r.targetType, targetId: r.targetId, targetState, createdAt: r.createdAt.toISOString() };
}

const targetKey = (r: Pick<InboundRouteEntity, 'targetType' | 'targetId'>): string => `${r.targetType}:${r.targetId}`;

/** A route to an IVR flow with no published version: calls to it would fail. HTTP 409. */
export class RouteTargetUnpublishedError extends ConflictError {
  override readonly code = 'route-target-unpublished';
  constructor(flowId: string) {
    super(`IVR flow ${flowId} has no published version: publish it before routing calls to it`, { field: 'targetId', flowId });
  }
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
    return this.views(await this.routes.find({ order: { did: 'ASC', createdAt: 'ASC' } }));
  }

  async get(id: string): Promise<InboundRouteView> {
    return (await this.views([await this.entity(id)]))[0];
  }

  /** @throws ValidationError (unknown node/target), RouteTargetUnpublishedError (flow never published), ConflictError (route for did+node exists) */
  async create(dto: CreateInboundRouteDto): Promise<InboundRouteView> {
    const route = this.routes.create({ did: dto.did, pbxNodeId: dto.pbxNodeId ?? null, targetType: dto.targetType, targetId: dto.targetId });
    await this.check(route, undefined);
    return toView(await this.routes.save(route), 'ok');
  }

  async update(id: string, dto: UpdateInboundRouteDto): Promise<InboundRouteView> {
    const route = await this.entity(id);
    if (dto.did !== undefined) route.did = dto.did;
    if (dto.pbxNodeId !== undefined) route.pbxNodeId = dto.pbxNodeId;
    if (dto.targetType !== undefined) route.targetType = dto.targetType;
    if (dto.targetId !== undefined) route.targetId = dto.targetId;
    await this.check(route, id);
    return toView(await this.routes.save(route), 'ok');
  }

  async remove(id: string): Promise<void> {
    await this.entity(id);
    await this.routes.delete({ id });
  }

  private async check(route: InboundRouteEntity, selfId: string | undefined): Promise<void> {
    if (route.pbxNodeId && !(await this.nodes.exists({ where: { id: route.pbxNodeId } }))) throw new ValidationError('pbxNodeId', 'no PBX node with this id');
    const state = (await this.targetStates([route])).get(targetKey(route)) ?? 'missing';
    if (state === 'missing') throw new ValidationError('targetId', `no ${route.targetType === 'queue' ? 'queue' : 'IVR flow'} with this id`);
    if (state === 'unpublished') throw new RouteTargetUnpublishedError(route.targetId);
    const same = await this.routes.findOne({ where: { did: route.did, pbxNodeId: route.pbxNodeId ?? IsNull() }, select: { id: true } });
    if (same && same.id !== selfId) {
      throw new ConflictError(`A route for ${route.did} on ${route.pbxNodeId ? `node ${route.pbxNodeId}` : 'any node'} exists`, { field: 'did', routeId: same.id });
    }
  }

  private async views(routes: InboundRouteEntity[]): Promise<InboundRouteView[]> {
    const states = await this.targetStates(routes);
    return routes.map((r) => toView(r, states.get(targetKey(r)) ?? 'missing'));
  }

  /** State of every route's target, by {@link targetKey}: two queries whatever the number of routes. */
  private async targetStates(routes: InboundRouteEntity[]): Promise<Map<string, RouteTargetState>> {
    const ids = (type: InboundRouteEntity['targetType']) => [...new Set(routes.filter((r) => r.targetType === type).map((r) => r.targetId))];
    const [queueIds, flowIds] = [ids('queue'), ids('ivr')];
    const [queues, flows] = await Promise.all([
      queueIds.length ? this.queues.find({ where: { id: In(queueIds) }, select: { id: true } }) : [],
      flowIds.length ? this.flows.find({ where: { id: In(flowIds) }, select: { id: true, publishedVersion: true } }) : [],
    ]);
    const states = new Map<string, RouteTargetState>();
    for (const q of queues) states.set(targetKey({ targetType: 'queue', targetId: q.id }), 'ok');
    for (const f of flows) states.set(targetKey({ targetType: 'ivr', targetId: f.id }), f.publishedVersion ? 'ok' : 'unpublished');
    return states;
  }

  private async entity(id: string): Promise<InboundRouteEntity> {
    const route = await this.routes.findOne({ where: { id } });
    if (!route) throw new NotFoundError('Inbound route', id);
    return route;
  }
}
