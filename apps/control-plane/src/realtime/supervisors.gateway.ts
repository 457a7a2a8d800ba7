import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { DomainError, ForbiddenError, UnauthenticatedError, ValidationError, createLogger, errorMessage } from '@callplane/core';
import {
  Ack,
  Principal,
  QUEUE_STATE_THROTTLE_MS,
  QueuesSubscribeResult,
  SUPERVISORS_NAMESPACE,
  SupervisorsClientToServerEvents,
  SupervisorsServerToClientEvents,
  SupervisionView,
} from '@callplane/contracts';
import { CallEventsBus, SupervisionService } from '@callplane/calls';
import { KeyedTrailingThrottle, QueueLiveStateService, QueueNotFoundError } from '@callplane/acd';
import { AuthService } from '../auth/auth.service';
import { handshakeToken } from './socket-sessions';
import { failedAck } from './command-ack';
import { supervisionRequesterOf } from '../http/supervision/supervision.controller';
import { parseSupervisionMode, parseSupervisionStart, parseSupervisionStop } from './supervision-commands';

/** Room of the sockets following one queue. */
export const queueRoom = (queueId: string): string => `queue:${queueId}`;
/** Room of the sockets following every queue (the default after connecting). */
export const ALL_QUEUES_ROOM = 'queues:all';
/** Room of one user's sockets (their supervisions' `supervision.changed`). */
export const userRoom = (userId: string): string => `user:${userId}`;

interface SocketData {
  principal: Principal;
}
type SupervisorsSocket = Socket<SupervisorsClientToServerEvents, SupervisorsServerToClientEvents, Record<string, never>, SocketData>;
type SupervisorsNamespace = Namespace<SupervisorsClientToServerEvents, SupervisorsServerToClientEvents, Record<string, never>, SocketData>;

/** Most queues one `queues.subscribe` may name. */
const MAX_SUBSCRIBED_QUEUES = 500;

/**
 * Socket.IO gateway for supervisors' desks and wallboards, namespace `/supervisors`. The handshake
 * carries a JWT from `POST /auth/login` (`auth: { token }` or `Authorization: Bearer …`) of a
 * supervisor or admin; anyone else is refused with a `connect_error` saying why. A connected socket
 * follows every queue and is sent one `queue.state` per queue at once (the snapshot);
 * `queues.subscribe { queueIds? }` narrows (or widens back) what it follows and acks the snapshot
 * of those queues. `queue.state` pushes come from {@link QueueLiveStateService} changes, coalesced
 * per queue by a trailing throttle of {@link QUEUE_STATE_THROTTLE_MS} (at most ~4 per second per
 * queue, always the newest state). `supervision.start|mode|stop` drive monitor/whisper/barge
 * ({@link SupervisionService}); `supervision.changed` goes to the supervising user's sockets.
 * Event shapes: @callplane/contracts `supervisors.events.ts`.
 */
@WebSocketGateway({ namespace: SUPERVISORS_NAMESPACE, cors: { origin: true } })
export class SupervisorsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleInit, OnModuleDestroy {
  @WebSocketServer() private readonly server!: SupervisorsNamespace;
  private readonly log = createLogger('supervisors-gateway');
  private readonly throttle = new KeyedTrailingThrottle<string>(QUEUE_STATE_THROTTLE_MS, (queueId) => void this.push(queueId));
  private unsubscribe?: () => void;
  private unsubscribeSupervision?: () => void;

  constructor(
    private readonly auth: AuthService,
    private readonly live: QueueLiveStateService,
    private readonly supervision: SupervisionService,
    private readonly bus: CallEventsBus,
  ) {}

  afterInit(namespace: SupervisorsNamespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket)
        .then((principal) => {
          socket.data.principal = principal;
          next();
        })
        .catch((err: unknown) => next(new Error(err instanceof DomainError ? err.message : 'Authentication failed')));
    });
  }

  async handleConnection(socket: SupervisorsSocket): Promise<void> {
    if (!socket.data.principal) return void socket.disconnect(true);
    await socket.join(ALL_QUEUES_ROOM);
    if (!socket.data.principal.subject.startsWith('apikey:')) await socket.join(userRoom(socket.data.principal.subject));
    try {
      // Fresh rows: the snapshot must show every queue that exists now (pushes may reuse cached ones).
      for (const state of await this.live.snapshots({ fresh: true })) socket.emit('queue.state', state);
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'queue snapshot for a new socket failed');
    }
  }

  onModuleInit(): void {
    this.unsubscribe = this.live.onChange((queueId) => {
      if (this.server?.sockets.size) this.throttle.hit(queueId);
    });
    const sub = this.bus.on('supervision.changed', (e) => {
      if (e.supervision.supervisorUserId) this.server?.to(userRoom(e.supervision.supervisorUserId)).emit('supervision.changed', { type: e.type, supervision: e.supervision });
    });
    this.unsubscribeSupervision = () => sub.unsubscribe();
  }

  onModuleDestroy(): void {
    this.unsubscribe?.();
    this.unsubscribeSupervision?.();
    this.throttle.clear();
  }

  /**
   * `queues.subscribe` `{ queueIds?: string[] }` → ack `{ ok: true, data: { queues } }` (their
   * current states) or `{ ok: false, error }`: `validation-failed` naming `queueIds`,
   * `queue-not-found` for an unknown id (the subscription is then unchanged). Never throws.
   */
  @SubscribeMessage('queues.subscribe')
  async subscribe(@ConnectedSocket() socket: SupervisorsSocket, @MessageBody() body: unknown): Promise<Ack<QueuesSubscribeResult>> {
    try {
      const queueIds = parseSubscribe(body);
      const queues = queueIds ? await Promise.all(queueIds.map((id) => this.live.snapshot(id, { fresh: true }))) : await this.live.snapshots({ fresh: true });
      for (const room of socket.rooms) if (room === ALL_QUEUES_ROOM || room.startsWith('queue:')) await socket.leave(room);
      await socket.join(queueIds ? queueIds.map(queueRoom) : [ALL_QUEUES_ROOM]);
      return { ok: true, data: { queues } };
    } catch (err) {
      return failedAck(err, this.log, 'queues.subscribe');
    }
  }

  /**
   * `supervision.start` `{ callId, mode, endpoint? }` → ack `{ ok: true, data: supervision }` (state
   * `ringing`: your phone rings) or `{ ok: false, error }` (`validation-failed` naming the field,
   * `forbidden` outside your queues, `supervision-call-not-connected`). Never throws.
   */
  @SubscribeMessage('supervision.start')
  async startSupervision(@ConnectedSocket() socket: SupervisorsSocket, @MessageBody() body: unknown): Promise<Ack<SupervisionView>> {
    try {
      const req = parseSupervisionStart(body);
      return { ok: true, data: await this.supervision.start({ ...req, by: supervisionRequesterOf(socket.data.principal) }) };
    } catch (err) {
      return failedAck(err, this.log, 'supervision.start');
    }
  }

  /** `supervision.mode` `{ supervisionId, mode }` → ack with the supervision in its new mode (no redial). */
  @SubscribeMessage('supervision.mode')
  async supervisionMode(@ConnectedSocket() socket: SupervisorsSocket, @MessageBody() body: unknown): Promise<Ack<SupervisionView>> {
    try {
      const req = parseSupervisionMode(body);
      return { ok: true, data: await this.supervision.setMode(req.supervisionId, req.mode, supervisionRequesterOf(socket.data.principal)) };
    } catch (err) {
      return failedAck(err, this.log, 'supervision.mode');
    }
  }

  /** `supervision.stop` `{ supervisionId }` → ack with the ended supervision. */
  @SubscribeMessage('supervision.stop')
  async stopSupervision(@ConnectedSocket() socket: SupervisorsSocket, @MessageBody() body: unknown): Promise<Ack<SupervisionView>> {
    try {
      const req = parseSupervisionStop(body);
      return { ok: true, data: await this.supervision.stop(req.supervisionId, supervisionRequesterOf(socket.data.principal)) };
    } catch (err) {
      return failedAck(err, this.log, 'supervision.stop');
    }
  }

  private async push(queueId: string): Promise<void> {
    try {
      const state = await this.live.snapshot(queueId);
      this.server?.to([queueRoom(queueId), ALL_QUEUES_ROOM]).emit('queue.state', state);
    } catch (err) {
      // Deleted since the change: nothing to show.
      if (err instanceof QueueNotFoundError) return;
      this.log.error({ queueId, err: errorMessage(err) }, 'queue.state push failed');
    }
  }

  private async authenticate(socket: SupervisorsSocket): Promise<Principal> {
    // The app's SessionIoAdapter authenticates every namespace too; this keeps a gateway safe when mounted without it.
    const token = handshakeToken(socket);
    if (!token) throw new UnauthenticatedError('Missing access token: connect with auth: { token } or Authorization: Bearer <jwt>');
    const principal = await this.auth.verifyAccessToken(token);
    if (principal.role !== 'supervisor' && principal.role !== 'admin') {
      throw new ForbiddenError(`The ${SUPERVISORS_NAMESPACE} namespace is for supervisors and admins (your role: ${principal.role})`);
    }
    return principal;
  }
}

/** `{ queueIds?: string[] }` → the ids, or undefined for every queue. @throws ValidationError */
function parseSubscribe(body: unknown): string[] | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'object' || Array.isArray(body)) throw new ValidationError('body', 'must be an object { queueIds? }');
  const { queueIds } = body as Record<string, unknown>;
  if (queueIds === undefined) return undefined;
  if (!Array.isArray(queueIds) || queueIds.length > MAX_SUBSCRIBED_QUEUES || !queueIds.every((id) => typeof id === 'string' && id.length > 0 && id.length <= 64)) {
    throw new ValidationError('queueIds', `must be an array of at most ${MAX_SUBSCRIBED_QUEUES} queue ids`);
  }
  return queueIds.length ? [...new Set(queueIds as string[])] : undefined;
}
