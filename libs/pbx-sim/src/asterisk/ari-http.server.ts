import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { SimRequest } from '../pbx-sim.types';
import { hold } from '../request-delays';
import { AriDocsGenerator } from './ari-docs.generator';
import { AriError } from './ari-error';
import type { AriRequest, AriRoute } from './ari-route.types';

interface CompiledRoute {
  route: AriRoute;
  regex: RegExp;
  names: string[];
}

export interface AriCredentials {
  username: string;
  password: string;
}

/** Reads `user:pass` from HTTP basic auth or the `api_key` query parameter (Asterisk ARI auth). */
export function ariCredentialsOk(req: IncomingMessage, query: URLSearchParams, creds: AriCredentials): boolean {
  const apiKey = query.get('api_key');
  let pair: string | undefined;
  if (apiKey !== null) pair = apiKey;
  else if (req.headers.authorization?.startsWith('Basic ')) {
    pair = Buffer.from(req.headers.authorization.slice(6), 'base64').toString('utf8');
  }
  return pair === `${creds.username}:${creds.password}`;
}

/**
 * The ARI HTTP server (node:http) below `/ari`: basic auth or `api_key`, the route table, the
 * generated api-docs, Asterisk-style error bodies. Every request is logged through `onRequest`.
 */
export class AriHttpServer {
  readonly server: Server;
  private readonly compiled: CompiledRoute[];
  private readonly docs: AriDocsGenerator;

  constructor(
    routes: AriRoute[],
    private readonly creds: AriCredentials,
    /** Logs the request; returns how long to hold it before handling, ms (delayRequests). */
    private readonly onRequest: (r: Omit<SimRequest, 't'>) => number,
  ) {
    this.docs = new AriDocsGenerator(routes);
    // Literal segments first so `/channels/create` wins over `/channels/{channelId}`.
    this.compiled = routes
      .filter((r) => r.handler)
      .map((route) => {
        const names: string[] = [];
        const src = route.path.replace(/\{(\w+)\}/g, (_m, n: string) => (names.push(n), '([^/]+)'));
        return { route, regex: new RegExp(`^${src}$`), names };
      })
      .sort((a, b) => a.names.length - b.names.length);
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const query: Record<string, string> = {};
    for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await this.readBody(req);
    if (!url.pathname.startsWith('/ari/')) return this.send(res, 404, { message: 'Not found' });
    const sub = url.pathname.slice(4);
    const logged = { ...query };
    delete logged.api_key;
    // Channel variables sent in the JSON body (`{ "variables": { … } }`, channels.json) are logged as `variables.<name>`.
    const vars = (body as { variables?: Record<string, unknown> } | undefined)?.variables;
    if (vars && typeof vars === 'object') for (const [k, v] of Object.entries(vars)) logged[`variables.${k}`] = String(v);
    await hold(this.onRequest({ protocol: 'ari', method, path: url.pathname, params: logged }));
    if (!ariCredentialsOk(req, url.searchParams, this.creds)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="Asterisk REST Interface"');
      return this.send(res, 401, { message: 'Authentication required' });
    }
    if (sub.startsWith('/api-docs/')) return this.serveDocs(req, sub, res);
    let pathMatched = false;
    for (const c of this.compiled) {
      const m = c.regex.exec(sub);
      if (!m) continue;
      pathMatched = true;
      if (c.route.method !== method) continue;
      const path: Record<string, string> = {};
      c.names.forEach((n, i) => (path[n] = decodeURIComponent(m[i + 1])));
      return this.run(c.route, { path, query, body: body as Record<string, unknown> | undefined }, res);
    }
    return pathMatched ? this.send(res, 405, { message: 'Invalid method' }) : this.send(res, 404, { message: 'Resource not found' });
  }

  private async run(route: AriRoute, req: AriRequest, res: ServerResponse): Promise<void> {
    for (const p of route.params) {
      if (p.required && p.paramType === 'query' && (req.query[p.name] === undefined || req.query[p.name] === '')) {
        return this.send(res, 400, { message: `missing required parameter: ${p.name}` });
      }
    }
    try {
      const result = await route.handler!(req);
      this.send(res, result.status, result.body);
    } catch (err) {
      if (err instanceof AriError) this.send(res, err.status, err.body);
      else this.send(res, 500, { message: err instanceof Error ? err.message : String(err) });
    }
  }

  private serveDocs(req: IncomingMessage, sub: string, res: ServerResponse): void {
    const basePath = `http://${req.headers.host ?? '127.0.0.1'}/ari`;
    const name = sub.slice('/api-docs/'.length).replace(/\.json$/, '');
    const doc = name === 'resources' ? this.docs.resources(basePath) : this.docs.declaration(name, basePath);
    if (!doc) return this.send(res, 404, { message: 'Resource not found' });
    this.send(res, 200, doc);
  }

  private readBody(req: IncomingMessage): Promise<unknown> {
    return new Promise((resolve) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        if (chunks.length === 0) return resolve(undefined);
        const text = Buffer.concat(chunks).toString('utf8');
        try {
          resolve(JSON.parse(text));
        } catch (err) {
          if (!(err instanceof SyntaxError)) throw err;
          // A body that is not JSON is ignored: every operation the simulator serves takes its input from the query.
          resolve(undefined);
        }
      });
    });
  }

  private send(res: ServerResponse, status: number, body: unknown): void {
    if (res.headersSent || res.destroyed) return;
    if (body === undefined || status === 204) {
      res.writeHead(status, { 'Content-Length': 0 });
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  }
}
