import { lookup } from 'node:dns/promises';
import * as net from 'node:net';
import type { Logger } from '@callplane/core';
import { EslConnection } from '../esl/esl.connection';
import { EslEvent } from '../esl/esl-event';

export interface EslOutboundServerOptions {
  host: string;
  port: number;
  /** Peer addresses allowed to connect; `*` = any. Loopback is always allowed. */
  allowFrom: string[];
  requestTimeoutMs: number;
  log: Logger;
}

/** A call FreeSWITCH handed to us with `socket <host>:<port> async full`. */
export interface OutboundSession {
  connection: EslConnection;
  /** CHANNEL_DATA from the `connect` reply (outbound-socket.jsonl). */
  channelData: EslEvent;
}

/**
 * Listener for FreeSWITCH's outbound event socket (the `socket` dialplan application). For each
 * connection: `connect` (its reply is the channel's CHANNEL_DATA, URL-encoded, as reply headers),
 * then `myevents json` (only this channel's events) and `linger` (keep the socket until we saw
 * CHANNEL_HANGUP_COMPLETE), pipelined. The session is then handed to `onSession`.
 *
 * Uses callplane's own ESL framing rather than modesl's `Server`, whose connections share modesl's
 * parser (measured: it throws an uncaught URIError on a `%` in a header value and loses every
 * frame after a bad Content-Length, see the README) and which sends its own
 * `event json BACKGROUND_JOB CHANNEL_EXECUTE_COMPLETE` on every socket (modesl Connection.js).
 */
export class EslOutboundServer {
  private server?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  private allowed = new Set<string>(['127.0.0.1', '::1', '::ffff:127.0.0.1']);
  private anyPeer = false;

  constructor(private readonly opts: EslOutboundServerOptions, private readonly onSession: (s: OutboundSession) => void) {}

  get listening(): boolean {
    return !!this.server?.listening;
  }

  /** Bound port (useful when configured as 0). */
  get port(): number {
    const addr = this.server?.address();
    return addr && typeof addr === 'object' ? addr.port : 0;
  }

  async listen(): Promise<void> {
    this.anyPeer = this.opts.allowFrom.includes('*');
    for (const peer of this.opts.allowFrom) {
      if (peer === '*') continue;
      try {
        for (const a of await lookup(peer, { all: true })) this.allowed.add(a.address).add(`::ffff:${a.address}`);
      } catch (err) {
        this.opts.log.warn({ peer, err: (err as Error).message }, 'outbound ESL allow-list entry does not resolve; ignored');
      }
    }
    const server = net.createServer((socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.opts.port, this.opts.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    server.on('error', (err) => this.opts.log.error({ err: err.message }, 'outbound ESL listener error'));
    this.opts.log.info({ host: this.opts.host, port: this.port }, 'outbound ESL listener ready');
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    const peer = socket.remoteAddress ?? '';
    if (!this.anyPeer && !this.allowed.has(peer)) {
      this.opts.log.warn({ peer }, 'outbound ESL connection from a peer not in the allow-list refused');
      socket.destroy();
      return;
    }
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    const connection = EslConnection.accept(socket, { log: this.opts.log, requestTimeoutMs: this.opts.requestTimeoutMs });
    const connected = connection.command('connect');
    const subscribed = Promise.all([connection.command('myevents json'), connection.command('linger')]);
    connected.then(
      (reply) => {
        const headers = reply.headers;
        this.onSession({ connection, channelData: EslEvent.fromHeaders(headers['Event-Name'] ?? 'CHANNEL_DATA', headers) });
      },
      (err: Error) => {
        this.opts.log.warn({ peer, err: err.message }, 'outbound ESL session failed at connect');
        connection.close();
      },
    );
    subscribed.catch((err: Error) => this.opts.log.warn({ peer, err: err.message }, 'outbound ESL session could not subscribe'));
  }
}
