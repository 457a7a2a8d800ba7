import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { request as httpRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, LookupFunction } from 'node:net';
import { IvrNodeError } from '../ivr.errors';
import type { IvrOptions } from '../ivr.options';
import { HttpAddressPolicy } from './http-address.policy';

/** One request of an `http` node. */
export interface IvrHttpRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Deadline for everything: DNS, connect, redirects, headers and body, ms. */
  timeoutMs: number;
}

export interface IvrHttpResponse {
  status: number;
  /** The body (at most `httpMaxBodyBytes`), UTF-8. */
  text: string;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/**
 * The `http` node's way out (issue 13, SSRF): every connection goes to an address that
 * {@link HttpAddressPolicy} allows — IP literals are checked before connecting, host names are
 * resolved by this client's own `lookup` which drops disallowed addresses, and the socket
 * connects to the address that was checked (no second resolution: DNS rebinding cannot swap
 * it). Redirects are followed for GET only, at most `httpMaxRedirects`, each target checked the
 * same way; the node's headers go to the first origin only. The body is read up to
 * `httpMaxBodyBytes` (`accept-encoding: identity`: no decompression bomb). One deadline covers
 * the whole exchange.
 *
 * Errors (IvrNodeError results): `network-error` — one uniform answer for a blocked address,
 * a refused port, an unreachable or unresolvable host and a connect that timed out, so a flow
 * cannot probe which internal ports are open; `timeout` (connected, no complete answer in
 * time); `response-too-large`; `too-many-redirects`.
 */
export class IvrHttpClient {
  private readonly policy: HttpAddressPolicy;

  constructor(private readonly options: Pick<IvrOptions, 'httpAllow' | 'httpAllowPublic' | 'httpMaxBodyBytes' | 'httpMaxRedirects'>) {
    this.policy = new HttpAddressPolicy(options.httpAllow, options.httpAllowPublic);
  }

  async send(req: IvrHttpRequest): Promise<IvrHttpResponse> {
    const signal = AbortSignal.timeout(req.timeoutMs);
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      // A template rendered into something that is no URL: nothing to connect to.
      throw this.networkError(req);
    }
    let headers = req.headers;
    let method = req.method;
    let body = req.body;
    for (let hop = 0; ; hop++) {
      const res = await this.exchange(method, url, headers, body, signal, req);
      const location = res.headers.location;
      if (method !== 'GET' || !REDIRECTS.has(res.statusCode ?? 0) || location === undefined) return { status: res.statusCode ?? 0, text: await this.readBody(res, signal, req) };
      // The redirect's own body is drained and dropped; a reset while draining changes nothing.
      res.on('error', () => undefined);
      res.resume();
      if (hop >= this.options.httpMaxRedirects) throw new IvrNodeError('too-many-redirects', `${req.method} ${req.url}: more than ${this.options.httpMaxRedirects} redirects`);
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') throw this.networkError(req);
      // The node's headers (tokens, keys) are meant for the configured origin only.
      if (next.origin !== url.origin) headers = {};
      url = next;
      method = 'GET';
      body = undefined;
    }
  }

  /** One request/response on a checked address; resolves at the response headers. */
  private exchange(method: string, url: URL, headers: Record<string, string>, body: string | undefined, signal: AbortSignal, req: IvrHttpRequest): Promise<IncomingMessage> {
    const host = url.hostname.replace(/^\[|\]$/g, '');
    if (isIP(host) && !this.policy.addressAllowed(host)) return Promise.reject(this.networkError(req));
    const listed = !isIP(host) && this.policy.hostListed(host);
    const options: RequestOptions = {
      method,
      headers: { 'accept-encoding': 'identity', ...headers, ...(body === undefined ? {} : { 'content-length': String(Buffer.byteLength(body)) }) },
      signal,
      lookup: this.lookup(listed),
      agent: false,
    };
    return new Promise((resolve, reject) => {
      let connected = false;
      const done = (err: unknown) => {
        const name = (err as { name?: unknown } | null)?.name;
        const timedOut = signal.aborted || name === 'AbortError' || name === 'TimeoutError';
        // Before the connection stands, every failure looks the same (blocked, refused, unreachable, slow).
        reject(timedOut && connected ? new IvrNodeError('timeout', `${req.method} ${req.url}: no complete answer within ${req.timeoutMs} ms`) : this.networkError(req));
      };
      let r;
      try {
        r = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, resolve);
      } catch (err) {
        // Invalid header characters and the like are refused by node before anything is sent.
        return done(err);
      }
      r.on('socket', (socket) => socket.once(url.protocol === 'https:' ? 'secureConnect' : 'connect', () => (connected = true)));
      r.on('error', done);
      r.end(body);
    });
  }

  /** DNS resolution that keeps only allowed addresses; the socket connects to what it returns. */
  private lookup(listed: boolean): LookupFunction {
    return (hostname, options, callback) => {
      dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
        if (err) return callback(err, '', 0);
        const allowed = listed ? addresses : addresses.filter((a) => this.policy.addressAllowed(a.address));
        if (allowed.length === 0) return callback(Object.assign(new Error(`no allowed address for ${hostname}`), { code: 'EADDRNOTALLOWED' }), '', 0);
        if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, allowed);
        callback(null, allowed[0].address, allowed[0].family);
      });
    };
  }

  private async readBody(res: IncomingMessage, signal: AbortSignal, req: IvrHttpRequest): Promise<string> {
    const max = this.options.httpMaxBodyBytes;
    const tooLarge = () => new IvrNodeError('response-too-large', `${req.method} ${req.url}: answer larger than ${max} bytes`);
    if (Number(res.headers['content-length'] ?? 0) > max) {
      res.destroy();
      throw tooLarge();
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) {
          res.destroy();
          throw tooLarge();
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof IvrNodeError) throw err;
      // The body stream is under the request's deadline: a slow or cut body is a timeout.
      throw new IvrNodeError('timeout', `${req.method} ${req.url}: reading the answer failed${signal.aborted ? ` after ${req.timeoutMs} ms` : ''}`);
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  private networkError(req: IvrHttpRequest): IvrNodeError {
    return new IvrNodeError('network-error', `${req.method} ${req.url}: could not connect (refused, unreachable, or not allowed by IVR_HTTP_ALLOW)`);
  }
}
