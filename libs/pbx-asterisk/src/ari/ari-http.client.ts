import http from 'node:http';

/** An ARI REST answer with status ≥ 400; `message` is Asterisk's `message` (or `error`, for 500 "Allocation failed"). */
export class AriHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly method: string,
    readonly path: string,
  ) {
    super(message);
    this.name = 'AriHttpError';
  }
}

/** The request did not complete: connection refused/reset, or no answer within the timeout. */
export class AriTransportError extends Error {
  constructor(
    message: string,
    readonly timedOut: boolean,
  ) {
    super(message);
    this.name = 'AriTransportError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

export interface AriHttpOptions {
  /** e.g. `http://127.0.0.1:8088` (no `/ari`). */
  baseUrl: string;
  username: string;
  password: string;
  /** Whole-request timeout incl. the wait for a free connection, ms. */
  timeoutMs: number;
  /** Concurrent requests (= kept-alive connections) to Asterisk; the rest queue. Default 8. */
  maxConcurrent?: number;
}

/**
 * ARI REST over `node:http`, bypassing ari-client's swagger layer (see README: ari-client
 * loses the HTTP status of errors, has no request timeout and opens connections without
 * bound). Connections are kept alive and bounded by the agent's `maxSockets`, which queues
 * the rest (a semaphore); every request ends within `timeoutMs`, queue time included.
 */
export class AriHttpClient {
  private readonly agent: http.Agent;
  private readonly host: string;
  private readonly port: number;
  private readonly auth: string;
  private readonly timeoutMs: number;

  constructor(options: AriHttpOptions) {
    const url = new URL(options.baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port || 80);
    this.auth = `Basic ${Buffer.from(`${options.username}:${options.password}`).toString('base64')}`;
    this.timeoutMs = options.timeoutMs;
    this.agent = new http.Agent({ keepAlive: true, maxSockets: options.maxConcurrent ?? 8, scheduling: 'fifo' });
  }

  /**
   * Sends `method /ari<path>?query` (with `body` as JSON, for ARI body parameters such as
   * `variables`) and resolves with the parsed JSON answer (undefined for 204).
   * @throws AriHttpError for status ≥ 400, AriTransportError for connection failures and timeouts.
   */
  request<T = unknown>(method: string, path: string, query?: Query, body?: Record<string, unknown>): Promise<T> {
    const fullPath = `/ari${path}${query ? toQueryString(query) : ''}`;
    const payload = body ? JSON.stringify(body) : undefined;
    const headers: http.OutgoingHttpHeaders = { authorization: this.auth };
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise<T>((resolve, reject) => {
      const req = http.request(
        { host: this.host, port: this.port, method, path: fullPath, agent: this.agent, headers },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (err) => settle(new AriTransportError(`ARI ${method} ${path}: ${err.message}`, false)));
          res.on('end', () => {
            const text = chunks.length === 0 ? '' : Buffer.concat(chunks).toString('utf8');
            const status = res.statusCode ?? 0;
            if (status >= 400) return settle(new AriHttpError(status, errorText(text, status), method, path));
            if (text.length === 0) return settle(undefined, undefined);
            try {
              settle(undefined, JSON.parse(text) as T);
            } catch {
              settle(new AriTransportError(`ARI ${method} ${path}: response is not JSON`, false));
            }
          });
        },
      );
      const timer = setTimeout(() => req.destroy(new AriTransportError(`ARI ${method} ${path}: no answer within ${this.timeoutMs} ms`, true)), this.timeoutMs);
      let done = false;
      const settle = (err: Error | undefined, value?: T): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve(value as T);
      };
      req.on('error', (err) => settle(err instanceof AriTransportError ? err : new AriTransportError(`ARI ${method} ${path}: ${err.message}`, false)));
      req.end(payload);
    });
  }

  /** Closes kept-alive connections. */
  close(): void {
    this.agent.destroy();
  }
}

function toQueryString(query: Query): string {
  let out = '';
  for (const key in query) {
    const value = query[key];
    if (value === undefined) continue;
    out += `${out ? '&' : '?'}${key}=${encodeURIComponent(String(value))}`;
  }
  return out;
}

function errorText(text: string, status: number): string {
  try {
    const body = JSON.parse(text) as { message?: string; error?: string };
    return body.message ?? body.error ?? `HTTP ${status}`;
  } catch {
    return text || `HTTP ${status}`;
  }
}
