import { createServer, type Server, type Socket } from 'node:net';
import type { SimRequest } from '../pbx-sim.types';
import { amiResponse } from './ami-frame.builder';
import type { AmiSink } from './sim-context';

/** One parsed AMI action: header names as sent (case kept), values trimmed of the leading space. */
export type AmiAction = Record<string, string>;

/** A client session. */
export interface AmiSession {
  socket: Socket;
  authenticated: boolean;
  events: boolean;
  buffer: string;
}

/** Handles an authenticated action; returns the frames to write (response first). */
export type AmiActionHandler = (action: AmiAction, actionId: string | undefined) => string[];

export interface AmiCredentials {
  username: string;
  secret: string;
}

/**
 * The AMI server (node:net): banner `Asterisk Call Manager/11.0.0\r\n`, `Login` (ActionID echoed,
 * FullyBooted after success, `Authentication failed` + disconnect on a bad secret, as Asterisk
 * manager.c does), `Logoff`, and the actions in `handlers`. Frames end with a blank line (`\r\n\r\n`).
 */
export class AmiServer implements AmiSink {
  readonly server: Server;
  private readonly sessions = new Set<AmiSession>();
  private listening = 0;

  constructor(
    private readonly creds: AmiCredentials,
    private readonly handlers: Record<string, AmiActionHandler>,
    private readonly onRequest: (r: Omit<SimRequest, 't'>) => void,
    private readonly uptimeS: () => number,
  ) {
    this.server = createServer((socket) => this.accept(socket));
  }

  get active(): boolean {
    return this.listening > 0;
  }

  send(frame: string): void {
    for (const s of this.sessions) if (s.authenticated && s.events) s.socket.write(frame);
  }

  /** Raw bytes to every connected client (malformed-frame tests). */
  injectRaw(text: string): void {
    for (const s of this.sessions) s.socket.write(text);
  }

  dropAll(): void {
    for (const s of this.sessions) s.socket.destroy();
  }

  private accept(socket: Socket): void {
    const session: AmiSession = { socket, authenticated: false, events: true, buffer: '' };
    this.sessions.add(session);
    socket.setNoDelay(true);
    socket.write('Asterisk Call Manager/11.0.0\r\n');
    socket.on('data', (d: Buffer) => this.onData(session, d.toString('utf8')));
    socket.on('close', () => this.remove(session));
    socket.on('error', () => socket.destroy());
  }

  private remove(session: AmiSession): void {
    if (!this.sessions.delete(session)) return;
    if (session.authenticated && session.events) this.listening--;
  }

  private onData(session: AmiSession, text: string): void {
    session.buffer += text.replace(/\r\n/g, '\n');
    let end: number;
    while ((end = session.buffer.indexOf('\n\n')) >= 0) {
      const raw = session.buffer.slice(0, end);
      session.buffer = session.buffer.slice(end + 2);
      if (raw.trim() === '') continue;
      const action: AmiAction = {};
      for (const line of raw.split('\n')) {
        const i = line.indexOf(':');
        if (i > 0) action[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      }
      this.dispatch(session, action);
    }
  }

  private dispatch(session: AmiSession, action: AmiAction): void {
    const get = (name: string): string | undefined => {
      const key = Object.keys(action).find((k) => k.toLowerCase() === name);
      return key === undefined ? undefined : action[key];
    };
    const name = get('action') ?? '';
    const actionId = get('actionid');
    const params = { ...action };
    for (const k of Object.keys(params)) if (k.toLowerCase() === 'secret') params[k] = '********';
    this.onRequest({ protocol: 'ami', method: name, path: name, params });
    const write = (frame: string): boolean => session.socket.write(frame);
    const lower = name.toLowerCase();
    if (lower === 'login') return this.login(session, get('username'), get('secret'), get('events'), actionId);
    if (lower === 'logoff') {
      write(amiResponse('Goodbye', actionId, { Message: 'Thanks for all the fish.' }));
      session.socket.end();
      return;
    }
    if (name === '') return void write(amiResponse('Error', actionId, { Message: 'Missing action in request' }));
    if (!session.authenticated) return void write(amiResponse('Error', actionId, { Message: 'Permission denied' }));
    if (lower === 'events') {
      this.setEvents(session, (get('eventmask') ?? 'on').toLowerCase() !== 'off');
      return void write(amiResponse('Success', actionId, { Events: session.events ? 'On' : 'Off' }));
    }
    const handler = Object.entries(this.handlers).find(([k]) => k.toLowerCase() === lower)?.[1];
    if (!handler) return void write(amiResponse('Error', actionId, { Message: 'Invalid/unknown command' }));
    for (const frame of handler(action, actionId)) write(frame);
  }

  private login(session: AmiSession, user?: string, secret?: string, events?: string, actionId?: string): void {
    if (user !== this.creds.username || secret !== this.creds.secret) {
      session.socket.write(amiResponse('Error', actionId, { Message: 'Authentication failed' }));
      session.socket.end();
      return;
    }
    const wasListening = session.authenticated && session.events;
    session.authenticated = true;
    session.events = events === undefined || !['off', 'no', 'false'].includes(events.toLowerCase());
    if (wasListening) this.listening--;
    if (session.events) this.listening++;
    session.socket.write(amiResponse('Success', actionId, { Message: 'Authentication accepted' }));
    const up = this.uptimeS();
    if (session.events) {
      session.socket.write(`Event: FullyBooted\r\nPrivilege: system,all\r\nUptime: ${up}\r\nLastReload: ${up}\r\nStatus: Fully Booted\r\n\r\n`);
    }
  }

  private setEvents(session: AmiSession, on: boolean): void {
    if (session.events === on) return;
    session.events = on;
    this.listening += on ? 1 : -1;
  }

  close(): void {
    this.dropAll();
    this.server.close();
  }
}
