import { randomUUID } from 'node:crypto';
import { IvrFlowNameTakenError, IvrFlowNotFoundError } from '../ivr.errors';
import type { IvrFlowDefinition, IvrFlowVersion } from './ivr-flow.types';

/** A flow as stored: the editable draft plus the number of the version calls use. */
export interface IvrFlowRecord {
  id: string;
  name: string;
  draft: IvrFlowDefinition;
  /** Version new calls run; undefined until first published. */
  publishedVersion?: number;
  createdAt: Date;
  updatedAt: Date;
}

export interface IvrFlowVersionInfo {
  version: number;
  publishedAt: Date;
}

/**
 * Where flows live (IvrFlowEntity / IvrFlowVersionEntity in libs/persistence). Published
 * versions are immutable; `publish` adds version n+1 and points the flow at it in one step.
 */
export abstract class IvrFlowStore {
  abstract list(): Promise<IvrFlowRecord[]>;
  abstract get(id: string): Promise<IvrFlowRecord | undefined>;
  /** @throws IvrFlowNameTakenError */
  abstract create(input: { name: string; draft: IvrFlowDefinition }): Promise<IvrFlowRecord>;
  /** @throws IvrFlowNotFoundError, IvrFlowNameTakenError */
  abstract update(id: string, patch: { name?: string; draft?: IvrFlowDefinition }): Promise<IvrFlowRecord>;
  /** Deletes the flow and its versions. @throws IvrFlowNotFoundError */
  abstract delete(id: string): Promise<void>;
  /** Stores `definition` as the next version and makes it the published one. @throws IvrFlowNotFoundError */
  abstract publish(id: string, definition: IvrFlowDefinition): Promise<IvrFlowVersion>;
  abstract version(id: string, version: number): Promise<IvrFlowVersion | undefined>;
  abstract versions(id: string): Promise<IvrFlowVersionInfo[]>;
}

/** In-process store (tests, tools, and apps without a database). */
export class InMemoryIvrFlowStore extends IvrFlowStore {
  private readonly flows = new Map<string, IvrFlowRecord>();
  private readonly published = new Map<string, (IvrFlowVersion & { publishedAt: Date })[]>();

  async list(): Promise<IvrFlowRecord[]> {
    return [...this.flows.values()].map(clone);
  }

  async get(id: string): Promise<IvrFlowRecord | undefined> {
    const f = this.flows.get(id);
    return f && clone(f);
  }

  async create(input: { name: string; draft: IvrFlowDefinition }): Promise<IvrFlowRecord> {
    this.assertNameFree(input.name);
    const now = new Date();
    const record: IvrFlowRecord = { id: randomUUID(), name: input.name, draft: structuredClone(input.draft), createdAt: now, updatedAt: now };
    this.flows.set(record.id, record);
    return clone(record);
  }

  async update(id: string, patch: { name?: string; draft?: IvrFlowDefinition }): Promise<IvrFlowRecord> {
    const f = this.must(id);
    if (patch.name !== undefined && patch.name !== f.name) this.assertNameFree(patch.name);
    if (patch.name !== undefined) f.name = patch.name;
    if (patch.draft !== undefined) f.draft = structuredClone(patch.draft);
    f.updatedAt = new Date();
    return clone(f);
  }

  async delete(id: string): Promise<void> {
    this.must(id);
    this.flows.delete(id);
    this.published.delete(id);
  }

  async publish(id: string, definition: IvrFlowDefinition): Promise<IvrFlowVersion> {
    const f = this.must(id);
    const list = this.published.get(id) ?? [];
    const v = { flowId: id, version: list.length + 1, definition: structuredClone(definition), publishedAt: new Date() };
    list.push(v);
    this.published.set(id, list);
    f.publishedVersion = v.version;
    f.updatedAt = v.publishedAt;
    return { flowId: id, version: v.version, definition: structuredClone(definition) };
  }

  async version(id: string, version: number): Promise<IvrFlowVersion | undefined> {
    const v = this.published.get(id)?.find((x) => x.version === version);
    return v && { flowId: v.flowId, version: v.version, definition: structuredClone(v.definition) };
  }

  async versions(id: string): Promise<IvrFlowVersionInfo[]> {
    return (this.published.get(id) ?? []).map((v) => ({ version: v.version, publishedAt: v.publishedAt }));
  }

  private must(id: string): IvrFlowRecord {
    const f = this.flows.get(id);
    if (!f) throw new IvrFlowNotFoundError(id);
    return f;
  }

  private assertNameFree(name: string): void {
    for (const f of this.flows.values()) if (f.name === name) throw new IvrFlowNameTakenError(name);
  }
}

function clone(f: IvrFlowRecord): IvrFlowRecord {
  return { ...f, draft: structuredClone(f.draft) };
}
