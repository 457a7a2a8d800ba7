import { ConflictError, DomainError, NotFoundError, StartupError } from '@callplane/core';
import type { IvrFlowIssue } from './flow/ivr-flow.types';

/**
 * A flow failed validation on save/publish. `details.errors` lists every problem, each naming
 * the node id and the field (`{ nodeId: 'main', field: 'options.1', message }`). HTTP 400.
 */
export class IvrFlowInvalidError extends DomainError {
  readonly code = 'ivr-flow-invalid';
  constructor(readonly errors: IvrFlowIssue[], readonly warnings: IvrFlowIssue[] = []) {
    super(`Invalid IVR flow: ${errors.map(formatIssue).join('; ')}`, { errors, warnings, field: errors[0]?.field, nodeId: errors[0]?.nodeId });
  }
}

/** The flow text is neither valid YAML nor JSON. HTTP 400. */
export class IvrFlowParseError extends DomainError {
  readonly code = 'ivr-flow-unparsable';
  constructor(reason: string) {
    super(`IVR flow is not valid YAML/JSON: ${reason}`, { field: 'definition' });
  }
}

export class IvrFlowNotFoundError extends NotFoundError {
  override readonly code = 'ivr-flow-not-found';
  constructor(flowId: string) {
    super('IVR flow', flowId);
  }
}

/** A call (or a `goto` into another flow) needs a published version and the flow has none. HTTP 409. */
export class IvrFlowNotPublishedError extends ConflictError {
  override readonly code = 'ivr-flow-not-published';
  constructor(readonly flowId: string) {
    super(`IVR flow ${flowId} has no published version; publish it first`, { flowId });
  }
}

/** The flow is the target of inbound routes; delete or repoint them first. HTTP 409. */
export class IvrFlowInUseError extends ConflictError {
  override readonly code = 'ivr-flow-in-use';
  constructor(readonly flowId: string, readonly dids: string[]) {
    super(`IVR flow ${flowId} is the target of inbound route(s) ${dids.join(', ')}: repoint or delete them first`, { flowId, dids });
  }
}

/** A flow name is taken. HTTP 409. */
export class IvrFlowNameTakenError extends ConflictError {
  override readonly code = 'ivr-flow-name-taken';
  constructor(name: string) {
    super(`An IVR flow named "${name}" already exists`, { field: 'name', name });
  }
}

/**
 * A node failed in a way its flow may handle: the interpreter continues at the node's `onError`
 * (if set) and records `result` (e.g. `timeout`, `http-503`, `prompt-not-found`).
 */
export class IvrNodeError extends DomainError {
  readonly code = 'ivr-node-failed';
  constructor(readonly result: string, message: string) {
    super(message, { result });
  }
}

/** The caller hung up while the flow was running; every pending wait rejects with it. `callId`: the call row (for logs). */
export class IvrCallerHangupError extends DomainError {
  readonly code = 'ivr-caller-hangup';
  constructor(readonly q850Cause: number, callId?: string) {
    super(`Caller hung up (Q.850 cause ${q850Cause})`, callId ? { cause: q850Cause, callId } : { cause: q850Cause });
  }
}

/** Two providers declare the same IVR node type. Thrown at boot. */
export class IvrDuplicateNodeTypeError extends StartupError {
  constructor(type: string, first: string, second: string) {
    super(
      `IVR node type "${type}" is registered twice (by ${first} and by ${second}). ` +
        'Each node type name must be unique: rename one of them or import only one module that provides it.',
    );
  }
}

export function formatIssue(i: IvrFlowIssue): string {
  return `${i.nodeId ? `node "${i.nodeId}"` : 'flow'}${i.field ? ` field "${i.field}"` : ''}: ${i.message}`;
}
