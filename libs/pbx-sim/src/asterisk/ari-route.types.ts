import type { BridgesEngine } from './bridges.engine';
import type { ChannelsEngine } from './channels.engine';
import type { DialEngine } from './dial.engine';
import type { EndpointsEngine } from './endpoints.engine';
import type { InboundEngine } from './inbound.engine';
import type { PlaybacksEngine } from './playbacks.engine';
import type { RecordingsEngine } from './recordings.engine';
import type { SimContext } from './sim-context';

/** A swagger 1.1 parameter (Asterisk ARI api-docs). */
export interface AriParamSpec {
  name: string;
  paramType: 'query' | 'path' | 'body';
  required: boolean;
  allowMultiple: boolean;
  dataType: string;
  description?: string;
}

export interface AriRequest {
  path: Record<string, string>;
  query: Record<string, string>;
  body: Record<string, unknown> | undefined;
}

export interface AriResult {
  status: number;
  body?: unknown;
}

/** One ARI operation: the HTTP route the simulator serves and the swagger operation it documents. */
export interface AriRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Swagger path below `/ari`, e.g. `/channels/{channelId}/play`. */
  path: string;
  nickname: string;
  summary: string;
  responseClass: string;
  params: AriParamSpec[];
  errors?: Array<{ code: number; reason: string }>;
  /** WebSocket upgrade route (`/events`): documented, served by the WebSocket server. */
  upgrade?: 'websocket';
  handler?: (req: AriRequest) => AriResult | Promise<AriResult>;
}

/** What route handlers drive. */
export interface AriDeps {
  ctx: SimContext;
  channels: ChannelsEngine;
  dial: DialEngine;
  inbound: InboundEngine;
  bridges: BridgesEngine;
  playbacks: PlaybacksEngine;
  recordings: RecordingsEngine;
  endpoints: EndpointsEngine;
}

/**
 * Compact parameter declarations: `'endpoint!'` required query string, `'timeout:int'` typed,
 * `'channel!*'` allowMultiple, `'variables@'` JSON body (`containers`). Path parameters come from
 * the `{name}` segments of the route path.
 */
export function params(path: string, ...specs: string[]): AriParamSpec[] {
  const out: AriParamSpec[] = [];
  for (const m of path.matchAll(/\{(\w+)\}/g)) {
    out.push({ name: m[1], paramType: 'path', required: true, allowMultiple: false, dataType: 'string' });
  }
  for (const spec of specs) {
    const body = spec.includes('@');
    const required = spec.includes('!');
    const allowMultiple = spec.includes('*');
    const [rawName, type] = spec.replace(/[!*@]/g, '').split(':');
    const dataType = body ? 'containers' : type === 'int' ? 'int' : type === 'bool' ? 'boolean' : 'string';
    out.push({ name: rawName, paramType: body ? 'body' : 'query', required, allowMultiple, dataType });
  }
  return out;
}

export const ok = (body: unknown): AriResult => ({ status: 200, body });
export const noContent = (): AriResult => ({ status: 204 });
export const created = (body: unknown): AriResult => ({ status: 201, body });
