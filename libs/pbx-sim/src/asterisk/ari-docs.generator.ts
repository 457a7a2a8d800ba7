import { ARI_MODELS } from './ari-models.data';
import type { AriRoute } from './ari-route.types';

/** Resource files Asterisk lists in resources.json, in its order, with their descriptions. */
const RESOURCES: Array<[string, string]> = [
  ['asterisk', 'Asterisk resources'],
  ['endpoints', 'Endpoint resources'],
  ['channels', 'Channel resources'],
  ['bridges', 'Bridge resources'],
  ['recordings', 'Recording resources'],
  ['sounds', 'Sound resources'],
  ['playbacks', 'Playback control resources'],
  ['deviceStates', 'Device state resources'],
  ['mailboxes', 'Mailboxes resources'],
  ['events', 'WebSocket resource'],
  ['applications', 'Stasis application resources'],
];

const HEADER = {
  _copyright: 'Copyright (C) 2012 - 2013, Digium, Inc.',
  _author: 'David M. Lee, II <dlee@digium.com>',
  _svn_revision: '$Revision$',
};

/**
 * Swagger 1.1 documents like the ones Asterisk serves at `/ari/api-docs/` (what ari-client@2.2.0
 * downloads at connect), GENERATED from the simulator's route table: one API declaration per
 * resource (first path segment), operations grouped by path. Data models are the recorded
 * Asterisk 22 models (ari-models.data.ts), so every event type the simulator sends is declared.
 */
export class AriDocsGenerator {
  private readonly byResource = new Map<string, AriRoute[]>();

  constructor(routes: AriRoute[]) {
    for (const r of routes) {
      const resource = r.path.split('/')[1];
      const list = this.byResource.get(resource) ?? [];
      list.push(r);
      this.byResource.set(resource, list);
    }
  }

  /** Resource names served (those with at least one route, plus `events` which carries the models). */
  resourceNames(): string[] {
    return RESOURCES.map(([name]) => name).filter((n) => this.byResource.has(n) || n === 'events');
  }

  /** `/ari/api-docs/resources.json` with `basePath` pointing at this server. */
  resources(basePath: string): Record<string, unknown> {
    return {
      ...HEADER,
      apiVersion: '10.0.0',
      swaggerVersion: '1.1',
      basePath,
      apis: RESOURCES.filter(([n]) => this.resourceNames().includes(n)).map(([n, description]) => ({
        path: `/api-docs/${n}.{format}`,
        description,
      })),
    };
  }

  /** `/ari/api-docs/{resource}.json`, or undefined for an unknown resource. */
  declaration(resource: string, basePath: string): Record<string, unknown> | undefined {
    if (!this.resourceNames().includes(resource)) return undefined;
    const routes = this.byResource.get(resource) ?? [];
    const paths = new Map<string, AriRoute[]>();
    for (const r of routes) paths.set(r.path, [...(paths.get(r.path) ?? []), r]);
    return {
      ...HEADER,
      apiVersion: '2.0.0',
      swaggerVersion: '1.1',
      basePath,
      resourcePath: `/api-docs/${resource}.{format}`,
      apis: [...paths.entries()].map(([path, ops]) => ({
        path,
        description: ops[0].summary,
        operations: ops.map((op) => {
          const o: Record<string, unknown> = { httpMethod: op.method };
          if (op.upgrade) Object.assign(o, { upgrade: op.upgrade, websocketProtocol: 'ari' });
          Object.assign(o, { summary: op.summary, nickname: op.nickname, responseClass: op.responseClass });
          o.parameters = op.params.map((p) => ({ ...p, description: p.description ?? p.name }));
          if (op.errors) o.errorResponses = op.errors;
          return o;
        }),
      })),
      models: ARI_MODELS[resource] ?? {},
    };
  }
}
