import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, createLogger, errorMessage, NotFoundError } from '@callplane/core';
import type { PbxNodeView } from '@callplane/contracts';
import { PbxDrivers, type PbxConnectionConfig, type PbxType } from '@callplane/pbx';
import { PbxNodeEntity } from '@callplane/persistence';
import { validateDto } from '../request-validation';
import { AsteriskConnectionDto, CreatePbxNodeDto, FreeswitchConnectionDto, UpdatePbxNodeDto } from './pbx-node.dto';
import { toPbxNodeConfig, toPbxNodeView } from './pbx-node.mapper';

/**
 * PBX nodes: rows plus their running drivers. Every change is applied to {@link PbxDrivers} at
 * once: an enabled node gets a (re)started driver, a disabled or deleted node's driver stops.
 */
@Injectable()
export class PbxNodesService {
  private readonly log = createLogger('pbx-nodes');

  constructor(@InjectRepository(PbxNodeEntity) private readonly nodes: Repository<PbxNodeEntity>, private readonly drivers: PbxDrivers) {}

  async list(): Promise<PbxNodeView[]> {
    return (await this.nodes.find({ order: { name: 'ASC' } })).map((n) => this.view(n));
  }

  async get(id: string): Promise<PbxNodeView> {
    return this.view(await this.entity(id));
  }

  /** @throws RequestValidationError (bad connection fields), ConflictError (name taken) */
  async create(dto: CreatePbxNodeDto): Promise<PbxNodeView> {
    const connection = validateConnection(dto.type, dto.connection);
    await this.assertNameFree(dto.name);
    const node = await this.nodes.save(this.nodes.create({ name: dto.name, type: dto.type, connection, enabled: dto.enabled ?? true }));
    await this.applyToDrivers(node);
    return this.view(node);
  }

  /** Connection fields are merged into the stored ones (secrets need not be sent again). */
  async update(id: string, dto: UpdatePbxNodeDto): Promise<PbxNodeView> {
    const node = await this.entity(id);
    if (dto.name !== undefined && dto.name !== node.name) {
      await this.assertNameFree(dto.name);
      node.name = dto.name;
    }
    if (dto.enabled !== undefined) node.enabled = dto.enabled;
    if (dto.connection) node.connection = validateConnection(node.type, { ...node.connection, ...dto.connection });
    const saved = await this.nodes.save(node);
    await this.applyToDrivers(saved);
    return this.view(saved);
  }

  async remove(id: string): Promise<void> {
    const node = await this.entity(id);
    await this.drivers.remove(node.id);
    await this.nodes.delete({ id: node.id });
  }

  private view(node: PbxNodeEntity): PbxNodeView {
    return toPbxNodeView(node, this.drivers.health().find((h) => h.nodeId === node.id));
  }

  private async applyToDrivers(node: PbxNodeEntity): Promise<void> {
    if (!node.enabled) {
      await this.drivers.remove(node.id);
      return;
    }
    try {
      // Resolves after the first connection attempt; a PBX that is down keeps being retried by its driver.
      await this.drivers.add(toPbxNodeConfig(node));
    } catch (err) {
      // No driver for the type (not wired into this app) or start() failed: the row is kept and /health shows the node missing.
      this.log.error({ node: node.name, err: errorMessage(err) }, 'PBX driver failed to start');
    }
  }

  private async assertNameFree(name: string): Promise<void> {
    if (await this.nodes.exists({ where: { name } })) throw new ConflictError(`A PBX node named ${name} exists`, { field: 'name' });
  }

  private async entity(id: string): Promise<PbxNodeEntity> {
    const node = await this.nodes.findOne({ where: { id } });
    if (!node) throw new NotFoundError('PBX node', id);
    return node;
  }
}

/** Validates a connection for the node's type; the result carries `type`. @throws RequestValidationError */
function validateConnection(type: PbxType, plain: Record<string, unknown>): PbxConnectionConfig {
  const dto = type === 'asterisk' ? validateDto(AsteriskConnectionDto, plain, 'connection') : validateDto(FreeswitchConnectionDto, plain, 'connection');
  return { ...dto, type } as PbxConnectionConfig;
}
