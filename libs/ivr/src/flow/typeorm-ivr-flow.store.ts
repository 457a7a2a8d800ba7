import { Injectable } from '@nestjs/common';
import { DataSource, QueryFailedError, Repository } from 'typeorm';
import { InboundRouteEntity, IvrFlowEntity, IvrFlowVersionEntity } from '@callplane/persistence';
import { IvrFlowInUseError, IvrFlowNameTakenError, IvrFlowNotFoundError } from '../ivr.errors';
import { IvrFlowRecord, IvrFlowStore, IvrFlowVersionInfo } from './ivr-flow.store';
import type { IvrFlowDefinition, IvrFlowVersion } from './ivr-flow.types';

/**
 * {@link IvrFlowStore} over TypeORM (`ivr_flows`, `ivr_flow_versions`; SQLite or MariaDB).
 * Publishing inserts version max+1; the unique (flowId, version) index makes two concurrent
 * publishes of one flow get distinct numbers (the loser retries).
 */
@Injectable()
export class TypeOrmIvrFlowStore extends IvrFlowStore {
  private readonly flows: Repository<IvrFlowEntity>;
  private readonly versionRows: Repository<IvrFlowVersionEntity>;
  private publishing: Promise<unknown> = Promise.resolve();

  constructor(private readonly dataSource: DataSource) {
    super();
    this.flows = dataSource.getRepository(IvrFlowEntity);
    this.versionRows = dataSource.getRepository(IvrFlowVersionEntity);
  }

  async list(): Promise<IvrFlowRecord[]> {
    return (await this.flows.find({ order: { name: 'ASC' } })).map(toRecord);
  }

  async get(id: string): Promise<IvrFlowRecord | undefined> {
    const row = await this.flows.findOne({ where: { id } });
    return row ? toRecord(row) : undefined;
  }

  async create(input: { name: string; draft: IvrFlowDefinition }): Promise<IvrFlowRecord> {
    if (await this.flows.exists({ where: { name: input.name } })) throw new IvrFlowNameTakenError(input.name);
    try {
      const row = await this.flows.save(this.flows.create({ name: input.name, draft: input.draft, publishedVersion: null }));
      return toRecord(row);
    } catch (err) {
      if (isUniqueViolation(err)) throw new IvrFlowNameTakenError(input.name);
      throw err;
    }
  }

  async update(id: string, patch: { name?: string; draft?: IvrFlowDefinition }): Promise<IvrFlowRecord> {
    const row = await this.must(id);
    if (patch.name !== undefined && patch.name !== row.name && (await this.flows.exists({ where: { name: patch.name } }))) throw new IvrFlowNameTakenError(patch.name);
    if (patch.name !== undefined) row.name = patch.name;
    if (patch.draft !== undefined) row.draft = patch.draft;
    try {
      return toRecord(await this.flows.save(row));
    } catch (err) {
      if (isUniqueViolation(err)) throw new IvrFlowNameTakenError(patch.name ?? row.name);
      throw err;
    }
  }

  /** @throws IvrFlowNotFoundError, IvrFlowInUseError (inbound routes point at it) */
  async delete(id: string): Promise<void> {
    await this.must(id);
    const routes = await this.dataSource.getRepository(InboundRouteEntity).find({ where: { targetType: 'ivr', targetId: id } });
    if (routes.length) throw new IvrFlowInUseError(id, routes.map((r) => r.did));
    await this.dataSource.transaction(async (m) => {
      await m.delete(IvrFlowVersionEntity, { flowId: id });
      await m.delete(IvrFlowEntity, { id });
    });
  }

  async publish(id: string, definition: IvrFlowDefinition): Promise<IvrFlowVersion> {
    // SQLite has one connection (no concurrent transactions): publishes of this process queue up.
    const run = this.publishing.then(() => this.publishOnce(id, definition));
    this.publishing = run.catch(() => undefined);
    return run;
  }

  private async publishOnce(id: string, definition: IvrFlowDefinition): Promise<IvrFlowVersion> {
    const rowLock = this.dataSource.options.type === 'better-sqlite3' ? undefined : ({ mode: 'pessimistic_write' } as const);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.dataSource.transaction(async (m) => {
          // MySQL/MariaDB: the flow row lock serialises publishes of one flow across processes.
          const flow = await m.findOne(IvrFlowEntity, { where: { id }, lock: rowLock });
          if (!flow) throw new IvrFlowNotFoundError(id);
          const last = await m.findOne(IvrFlowVersionEntity, { where: { flowId: id }, order: { version: 'DESC' } });
          const version = (last?.version ?? 0) + 1;
          await m.insert(IvrFlowVersionEntity, { flowId: id, version, definition: definition as object, publishedAt: new Date() });
          await m.update(IvrFlowEntity, { id }, { publishedVersion: version });
          return { flowId: id, version, definition };
        });
      } catch (err) {
        // Another process published the same number first, InnoDB chose us as deadlock victim, or
        // another process holds SQLite's write lock: try again shortly.
        if (attempt < 5 && (isUniqueViolation(err) || isLockConflict(err))) {
          await new Promise((r) => setTimeout(r, 10 + Math.random() * 40 * (attempt + 1)));
          continue;
        }
        throw err;
      }
    }
  }

  async version(id: string, version: number): Promise<IvrFlowVersion | undefined> {
    const row = await this.versionRows.findOne({ where: { flowId: id, version } });
    return row ? { flowId: id, version: row.version, definition: row.definition as IvrFlowDefinition } : undefined;
  }

  async versions(id: string): Promise<IvrFlowVersionInfo[]> {
    const rows = await this.versionRows.find({ where: { flowId: id }, order: { version: 'ASC' }, select: { version: true, publishedAt: true } });
    return rows.map((r) => ({ version: r.version, publishedAt: r.publishedAt }));
  }

  private async must(id: string): Promise<IvrFlowEntity> {
    const row = await this.flows.findOne({ where: { id } });
    if (!row) throw new IvrFlowNotFoundError(id);
    return row;
  }
}

function toRecord(row: IvrFlowEntity): IvrFlowRecord {
  return { id: row.id, name: row.name, draft: row.draft as IvrFlowDefinition, publishedVersion: row.publishedVersion ?? undefined, createdAt: row.createdAt, updatedAt: row.updatedAt };
}

/** SQLite `SQLITE_CONSTRAINT_UNIQUE` / MySQL `ER_DUP_ENTRY`. */
function isUniqueViolation(err: unknown): boolean {
  if (!(err instanceof QueryFailedError)) return false;
  const e = err as QueryFailedError & { code?: string; driverError?: { code?: string } };
  const code = e.driverError?.code ?? e.code;
  return code === 'ER_DUP_ENTRY' || code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message);
}

/** MySQL `ER_LOCK_DEADLOCK` (1213); SQLite `SQLITE_BUSY` ("database is locked"). */
function isLockConflict(err: unknown): boolean {
  const e = err as { driverError?: { code?: string; errno?: number } };
  const code = e.driverError?.code ?? '';
  return err instanceof QueryFailedError && (code === 'ER_LOCK_DEADLOCK' || e.driverError?.errno === 1213 || code.startsWith('SQLITE_BUSY'));
}
