import type { INestApplicationContext } from '@nestjs/common';
import { IoAdapter } from '@nestjs/platform-socket.io';
import type { Namespace, Server, ServerOptions, Socket } from 'socket.io';
import type { Subscription } from 'rxjs';
import { createLogger, DomainError, UnauthenticatedError } from '@callplane/core';
import type { Principal } from '@callplane/contracts';
import { AuthService } from '../auth/auth.service';
import { UserSessions } from '../auth/user-sessions';

/** Longest delay `setTimeout` takes (2^31 − 1 ms ≈ 24.8 days); later expiries are re-armed. */
const MAX_TIMER_MS = 2_147_483_647;

/** What every authenticated socket carries in `socket.data` (gateways read `principal`). */
export interface SessionSocketData {
  principal: Principal;
}

/** The JWT of a handshake: `auth: { token }` or `Authorization: Bearer <jwt>`. */
export function handshakeToken(socket: Socket): string | undefined {
  const fromAuth = (socket.handshake.auth as { token?: unknown } | undefined)?.token;
  if (typeof fromAuth === 'string' && fromAuth.length > 0) return fromAuth;
  const header = socket.handshake.headers.authorization;
  return typeof header === 'string' && /^Bearer\s+\S/i.test(header) ? header.replace(/^Bearer\s+/i, '').trim() : undefined;
}

/**
 * Keeps every Socket.IO connection tied to a valid login, for every namespace (`/agents`,
 * `/supervisors`, any added later) without code in the gateways:
 * - the default namespace `/` is refused (nothing is served there; it was open to anyone);
 * - every other namespace authenticates the handshake's JWT before the gateway sees it;
 * - a socket is disconnected when its token expires, and when its user's password or role
 *   changes or the user is deleted ({@link UserSessions});
 * - every command re-checks the token (revocation on another instance, behind a shared
 *   adapter, is caught here too); a refused one disconnects the socket.
 */
export class SocketSessions {
  private readonly log = createLogger('socket-sessions');
  private readonly byUser = new Map<string, Set<Socket>>();
  private readonly subscription: Subscription;

  constructor(private readonly auth: AuthService, sessions: UserSessions) {
    this.subscription = sessions.revoked.subscribe(({ userId, reason }) => {
      for (const socket of this.byUser.get(userId) ?? []) {
        this.log.info({ userId, reason, nsp: socket.nsp.name }, 'session revoked: disconnecting socket');
        socket.disconnect(true);
      }
    });
  }

  /** Guards `server`: call once, right after it is created (before gateways add namespaces). */
  attach(server: Server): void {
    server.of('/').use((_socket, next) => next(new Error('The default namespace is closed: connect to /agents or /supervisors with a token')));
    server.on('new_namespace', (namespace: Namespace) => this.guard(namespace));
    server.on('close', () => this.subscription.unsubscribe());
  }

  private guard(namespace: Namespace): void {
    if (namespace.name === '/') return;
    namespace.use((socket, next) => {
      this.verify(socket)
        .then(() => next())
        .catch((err: unknown) => next(new Error(err instanceof DomainError ? err.message : 'Authentication failed')));
    });
    namespace.on('connection', (socket: Socket) => this.track(socket));
  }

  /** Verifies the handshake token; stores the principal and arms the expiry timer. */
  private async verify(socket: Socket): Promise<void> {
    const token = handshakeToken(socket);
    if (!token) throw new UnauthenticatedError('Missing access token: connect with auth: { token } or Authorization: Bearer <jwt>');
    const { principal, expiresAtMs } = await this.auth.verifySession(token);
    (socket.data as SessionSocketData).principal = principal;
    (socket.data as { expiresAtMs?: number }).expiresAtMs = expiresAtMs;
  }

  private track(socket: Socket): void {
    const { principal, expiresAtMs } = socket.data as SessionSocketData & { expiresAtMs: number };
    const sockets = this.byUser.get(principal.subject) ?? new Set<Socket>();
    sockets.add(socket);
    this.byUser.set(principal.subject, sockets);
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      const left = expiresAtMs - Date.now();
      if (left <= 0) return void socket.disconnect(true);
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_MS));
      timer.unref();
    };
    arm();
    socket.use((_packet, next) => {
      this.verify(socket)
        .then(() => next())
        .catch((err: unknown) => {
          next(err instanceof Error ? err : new Error('Authentication failed'));
          socket.disconnect(true);
        });
    });
    socket.on('disconnect', () => {
      clearTimeout(timer);
      sockets.delete(socket);
      if (!sockets.size) this.byUser.delete(principal.subject);
    });
  }
}

/**
 * The app's Socket.IO adapter: Nest's IoAdapter with {@link SocketSessions} attached to the
 * server it creates. `app.useWebSocketAdapter(new SessionIoAdapter(app))` before `init()`.
 */
export class SessionIoAdapter extends IoAdapter {
  constructor(private readonly app: INestApplicationContext) {
    super(app);
  }

  override createIOServer(port: number, options?: ServerOptions): Server {
    const server = super.createIOServer(port, options) as Server;
    new SocketSessions(this.app.get(AuthService, { strict: false }), this.app.get(UserSessions, { strict: false })).attach(server);
    return server;
  }
}
