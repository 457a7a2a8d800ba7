import { ConflictError, NotFoundError, ValidationError } from '@callplane/core';

/** No such transfer (or it belongs to another process's past). HTTP 404. */
export class TransferNotFoundError extends NotFoundError {
  override readonly code = 'transfer-not-found';
  constructor(id: string) {
    super('transfer', id);
  }
}

/** The call is not talking to anyone callplane can transfer from (not bridged, ended, unknown). HTTP 409. */
export class TransferCallNotConnectedError extends ConflictError {
  override readonly code = 'transfer-call-not-connected';
  constructor(callId: string) {
    super(`call ${callId} is not connected: only a caller talking to an agent or a transfer target can be transferred`, { callId });
  }
}

/** The call already has a transfer under way. HTTP 409. */
export class TransferInProgressError extends ConflictError {
  override readonly code = 'transfer-in-progress';
  constructor(callId: string, transferId: string) {
    super(`call ${callId} already has transfer ${transferId} under way`, { callId, transferId });
  }
}

/** The target agent cannot take a call now (not available: on a call, ringing, away…). HTTP 409. */
export class TransferTargetBusyError extends ConflictError {
  override readonly code = 'transfer-target-busy';
  constructor(agentId: string, state: string) {
    super(`agent ${agentId} is ${state}, not available`, { agentId, state });
  }
}

/** The target does not fit the flow (e.g. an attended transfer to a queue). HTTP 400 naming `target`. */
export class TransferTargetInvalidError extends ValidationError {
  constructor(message: string) {
    super('target', message);
  }
}
