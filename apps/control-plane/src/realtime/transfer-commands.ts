import { ValidationError } from '@callplane/core';
import type { TransferCommandRequest, TransferStartRequest } from '@callplane/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const TARGET_TYPES = ['agent', 'endpoint', 'external', 'queue', 'ivr'] as const;

function object(body: unknown, shape: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', `must be an object ${shape}`);
  return body as Record<string, unknown>;
}

/** Checks a `transfer.start` payload (the rules of REST `StartTransferDto`). @throws ValidationError naming the field */
export function parseTransferStart(body: unknown): TransferStartRequest {
  const b = object(body, '{ callId, flow, target: { type, id }, timeoutS? }');
  if (typeof b.callId !== 'string' || !UUID.test(b.callId)) throw new ValidationError('callId', 'must be a call id (uuid)');
  if (b.flow !== 'blind' && b.flow !== 'attended') throw new ValidationError('flow', 'must be blind or attended');
  const t = object(b.target, '{ type, id } in target');
  if (typeof t.type !== 'string' || !(TARGET_TYPES as readonly string[]).includes(t.type)) throw new ValidationError('target.type', `must be one of ${TARGET_TYPES.join(', ')}`);
  if (typeof t.id !== 'string' || t.id.length === 0 || t.id.length > 100) throw new ValidationError('target.id', 'must be a string of 1–100 characters');
  const timeoutS = b.timeoutS;
  if (timeoutS !== undefined && (typeof timeoutS !== 'number' || !Number.isInteger(timeoutS) || timeoutS < 5 || timeoutS > 120)) throw new ValidationError('timeoutS', 'must be an integer 5–120');
  return { callId: b.callId, flow: b.flow, target: { type: t.type as TransferStartRequest['target']['type'], id: t.id }, timeoutS: timeoutS as number | undefined };
}

/** Checks a `transfer.complete|swap|conference|cancel` payload. @throws ValidationError */
export function parseTransferCommand(body: unknown): TransferCommandRequest {
  const b = object(body, '{ transferId }');
  if (typeof b.transferId !== 'string' || !UUID.test(b.transferId)) throw new ValidationError('transferId', 'must be a transfer id (uuid)');
  return { transferId: b.transferId };
}
