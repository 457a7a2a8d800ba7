import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { SimRequest } from '../pbx-sim.types';
import type { AriEventBus } from './ari-event.bus';
import { type AriCredentials, ariCredentialsOk } from './ari-http.server';

/**
 * The ARI events WebSocket (`/ari/events?app=<apps>&api_key=user:pass&subscribeAll=`), on the same
 * port as the REST server (Asterisk ARI events.json `eventWebsocket`). Nothing is replayed on
 * (re)connect: events sent while no socket was connected are lost (recorded in ws-reconnect).
 */
export class AriWsServer {
  private readonly wss = new WebSocketServer({ noServer: true });
  private readonly sockets = new Set<WebSocket>();

  constructor(
    http: Server,
    private readonly bus: AriEventBus,
    private readonly creds: AriCredentials,
    private readonly onRequest: (r: Omit<SimRequest, 't'>) => void,
  ) {
    http.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => this.upgrade(req, socket, head));
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const params: Record<string, string> = {};
    for (const [k, v] of url.searchParams) if (k !== 'api_key') params[k] = v;
    this.onRequest({ protocol: 'ari', method: 'GET', path: url.pathname, params });
    const reject = (status: number, text: string): void => {
      socket.end(`HTTP/1.1 ${status} ${text}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
    };
    if (url.pathname !== '/ari/events') return reject(404, 'Not Found');
    if (!ariCredentialsOk(req, url.searchParams, this.creds)) return reject(401, 'Unauthorized');
    const apps = (url.searchParams.get('app') ?? '').split(',').filter(Boolean);
    if (apps.length === 0) return reject(400, 'Bad Request');
    const subscribeAll = url.searchParams.get('subscribeAll') === 'true';
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      this.sockets.add(ws);
      ws.on('close', () => this.sockets.delete(ws));
      ws.on('error', () => ws.terminate());
      this.bus.attach(apps, ws, subscribeAll);
    });
  }

  /** Sends a raw text frame to every connected app socket (malformed-event tests). */
  injectRaw(text: string): void {
    for (const ws of this.sockets) if (ws.readyState === 1) ws.send(text);
  }

  /** Drops every events socket abruptly (no close handshake), as a crashed/restarted Asterisk would. */
  dropAll(): void {
    for (const ws of this.sockets) ws.terminate();
  }

  close(): void {
    this.dropAll();
    this.wss.close();
  }
}
