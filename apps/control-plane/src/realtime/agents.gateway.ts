import { OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ConnectedSocket, MessageBody, OnGatewayConnection, OnGatewayInit, SubscribeMessage, WebSocketGateway, WebSocketServer } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import { Subscription } from 'rxjs';
import { DomainError, ForbiddenError, UnauthenticatedError, ValidationError, createLogger } from '@callplane/core';
import {
  AGENTS_NAMESPACE,
  Ack,
  AgentStateView,
  AgentsClientToServerEvents,
  AgentsServerToClientEvents,
  Principal,
  SETTABLE_AGENT_STATES,
  SettableAgentState,
} from '@callplane/contracts';
import { CallEventsBus, TransfersService, TransferView } from '@callplane/calls';
import { requesterOf } from '../http/transfers/transfers.controller';
import { parseTransferCommand, parseTransferStart } from './transfer-commands';
import { AgentStateService } from '@callplane/acd';
import { AuthService } from '../auth/auth.service';
import { handshakeToken } from './socket-sessions';
import { failedAck } from './command-ack';

/** Room of one agent's sockets. */
export const agentRoom = (agentId: string): string => `agent:${agentId}`;
/** Room of every supervisor's and admin's sockets. */
export const SUPERVISORS_ROOM = 'supervisors';

interface SocketData {
  principal: Principal;
}
type AgentsSocket = Socket<AgentsClientToServerEvents, AgentsServerToClientEvents, Record<string, never>, SocketData>;
type AgentsNamespace = Namespace<AgentsClientToServerEvents, AgentsServerToClientEvents, Record<string, never>, SocketData>;

/**
 * Socket.IO gateway for agents' and supervisors' clients, namespace `/agents`. The handshake
 * must carry a JWT from `POST /auth/login` (`auth: { token }` or `Authorization: Bearer …`);
 * otherwise the connection is refused (`connect_error` with the reason). Agents join
 * `agent:<agentId>`, supervisors/admins `supervisors`. A thin edge: commands validate, call
 * {@link AgentStateService}, and ack `{ ok, data | error }`; events come from the call bus.
 * Event shapes: @callplane/contracts `agents.events.ts`.
 */
@WebSocketGateway({ namespace: AGENTS_NAMESPACE, cors: { origin: true } })
export class AgentsGateway implements OnGatewayInit, OnGatewayConnection, OnModuleInit, OnModuleDestroy {
  @WebSocketServer() private readonly server!: AgentsNamespace;
  private readonly log = createLogger('agents-gateway');
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly auth: AuthService,
    private readonly agents: AgentStateService,
    private readonly bus: CallEventsBus,
    private readonly transfers: TransfersService,
  ) {}

  afterInit(namespace: AgentsNamespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket)
        .then((principal) => {
          socket.data.principal = principal;
          next();
        })
        .catch((err: unknown) => next(new Error(err instanceof DomainError ? err.message : 'Authentication failed')));
    });
  }

  handleConnection(socket: AgentsSocket): void {
    const { principal } = socket.data;
    if (!principal) return void socket.disconnect(true);
    if (principal.agentId) void socket.join(agentRoom(principal.agentId));
    if (principal.role === 'supervisor' || principal.role === 'admin') void socket.join(SUPERVISORS_ROOM);
  }

  onModuleInit(): void {
    this.subs.push(
      this.bus.on('agent.offered', (e) =>
        this.server?.to(agentRoom(e.agentId)).emit('call.offered', { callId: e.callId, callerNumber: e.callerNumber, callerName: e.callerName, queueId: e.queueId, queueName: e.queueName }),
      ),
      this.bus.on('call.answered', (e) => this.server?.to([...e.agentIds.map(agentRoom), SUPERVISORS_ROOM]).emit('call.answered', { callId: e.callId, agentId: e.agentId })),
      this.bus.on('call.ended', (e) =>
        this.server?.to([...e.agentIds.map(agentRoom), SUPERVISORS_ROOM]).emit('call.ended', { callId: e.call.id, disposition: e.disposition, cause: e.cause }),
      ),
      this.bus.on('transfer.changed', (e) => this.server?.to([...e.agentIds.map(agentRoom), SUPERVISORS_ROOM]).emit('transfer.changed', { type: e.type, transfer: e.transfer })),
      this.bus.on('agent.state', (e) =>
        this.server
          ?.to([agentRoom(e.agentId), SUPERVISORS_ROOM])
          .emit('agent.state', { agentId: e.agentId, state: e.state as AgentStateView['state'], reason: e.reason ?? null, at: e.at.toISOString(), trigger: e.trigger ?? 'agent' }),
      ),
    );
  }

  onModuleDestroy(): void {
    this.subs.forEach((s) => s.unsubscribe());
  }

  /**
   * `agent.setState` `{ state, reason?, agentId? }` → ack `{ ok: true, data: { agentId, state, reason, at } }`
   * or `{ ok: false, error }` with the REST codes: `validation-failed` (field named), `forbidden`,
   * `agent-not-found`, `agent-state-illegal` (details.state = the current state). Never throws.
   */
  @SubscribeMessage('agent.setState')
  async setState(@ConnectedSocket() socket: AgentsSocket, @MessageBody() body: unknown): Promise<Ack<AgentStateView>> {
    try {
      const principal = socket.data.principal;
      const { agentId, state, reason } = this.parseSetState(principal, body);
      const byUserId = principal.subject.startsWith('apikey:') ? null : principal.subject;
      const status = await this.agents.set(agentId, state, 'agent', { reason, byUserId, bySupervisor: agentId !== principal.agentId });
      return { ok: true, data: { agentId: status.agentId, state: status.state, reason: status.reason, at: status.at.toISOString() } };
    } catch (err) {
      return failedAck(err, this.log, 'agent.setState');
    }
  }

  /**
   * `transfer.start` `{ callId, flow, target: { type, id }, timeoutS? }` → ack with the transfer (as
   * REST `POST /transfers`); errors with the REST codes (`transfer-call-not-connected`,
   * `transfer-target-busy`, `forbidden`, `validation-failed`, …). Never throws.
   */
  @SubscribeMessage('transfer.start')
  async transferStart(@ConnectedSocket() socket: AgentsSocket, @MessageBody() body: unknown): Promise<Ack<TransferView>> {
    try {
      const by = requesterOf(socket.data.principal);
      const req = parseTransferStart(body);
      await this.transfers.assertMay(by, { callId: req.callId });
      return { ok: true, data: await this.transfers.start({ ...req, by, origin: 'api' }) };
    } catch (err) {
      return failedAck(err, this.log, 'transfer.start');
    }
  }

  /** `transfer.complete` `{ transferId }` → ack with the transfer; 409-like `transfer-illegal-transition` with details.state. */
  @SubscribeMessage('transfer.complete')
  transferComplete(@ConnectedSocket() socket: AgentsSocket, @MessageBody() body: unknown): Promise<Ack<TransferView>> {
    return this.transferCommand(socket, body, 'complete');
  }

  /** `transfer.swap` `{ transferId }`: talk to the other party. */
  @SubscribeMessage('transfer.swap')
  transferSwap(@ConnectedSocket() socket: AgentsSocket, @MessageBody() body: unknown): Promise<Ack<TransferView>> {
    return this.transferCommand(socket, body, 'swap');
  }

  /** `transfer.conference` `{ transferId }`: three-way. */
  @SubscribeMessage('transfer.conference')
  transferConference(@ConnectedSocket() socket: AgentsSocket, @MessageBody() body: unknown): Promise<Ack<TransferView>> {
    return this.transferCommand(socket, body, 'conference');
  }

  /** `transfer.cancel` `{ transferId }`: the consult leg is hung up, the agent back with the caller. */
  @SubscribeMessage('transfer.cancel')
  transferCancel(@ConnectedSocket() socket: AgentsSocket, @MessageBody() body: unknown): Promise<Ack<TransferView>> {
    return this.transferCommand(socket, body, 'cancel');
  }

  private async transferCommand(socket: AgentsSocket, body: unknown, command: 'complete' | 'swap' | 'conference' | 'cancel'): Promise<Ack<TransferView>> {
    try {
      const by = requesterOf(socket.data.principal);
      const { transferId } = parseTransferCommand(body);
      await this.transfers.assertMay(by, { transferId });
      return { ok: true, data: await this.transfers.command(transferId, command) };
    } catch (err) {
      return failedAck(err, this.log, `transfer.${command}`);
    }
  }

  private parseSetState(principal: Principal, body: unknown): { agentId: string; state: SettableAgentState; reason?: string } {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', 'must be an object { state, reason?, agentId? }');
    const { state, agentId, reason } = body as Record<string, unknown>;
    if (typeof state !== 'string' || !(SETTABLE_AGENT_STATES as readonly string[]).includes(state)) {
      throw new ValidationError('state', `must be one of ${SETTABLE_AGENT_STATES.join(', ')}`);
    }
    if (reason !== undefined && (typeof reason !== 'string' || reason.length === 0 || reason.length > 32)) throw new ValidationError('reason', 'must be a reason code (1–32 characters)');
    if (agentId !== undefined && (typeof agentId !== 'string' || agentId.length === 0 || agentId.length > 64)) throw new ValidationError('agentId', 'must be an agent id');
    const own = principal.agentId;
    const target = (agentId as string | undefined) ?? own;
    if (!target) throw new ValidationError('agentId', 'is required: your user is not linked to an agent');
    if (target !== own && principal.role === 'agent') throw new ForbiddenError('Agents may only set their own state; agentId is for supervisors', { field: 'agentId' });
    return { agentId: target, state: state as SettableAgentState, reason: reason as string | undefined };
  }

  private async authenticate(socket: AgentsSocket): Promise<Principal> {
    // The app's SessionIoAdapter authenticates every namespace too; this keeps a gateway safe when mounted without it.
    const token = handshakeToken(socket);
    if (!token) throw new UnauthenticatedError('Missing access token: connect with auth: { token } or Authorization: Bearer <jwt>');
    return this.auth.verifyAccessToken(token);
  }
}
