import { ValidationError } from '@callplane/core';
import { SUPERVISION_MODES, type SupervisionMode, type SupervisionModeRequest, type SupervisionStartRequest, type SupervisionStopRequest } from '@callplane/contracts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ENDPOINT = /^[A-Za-z0-9_.+-]{1,64}$/;

function object(body: unknown, shape: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ValidationError('body', `must be an object ${shape}`);
  return body as Record<string, unknown>;
}

function mode(value: unknown): SupervisionMode {
  if (typeof value !== 'string' || !(SUPERVISION_MODES as readonly string[]).includes(value)) throw new ValidationError('mode', `must be one of ${SUPERVISION_MODES.join(', ')}`);
  return value as SupervisionMode;
}

function supervisionId(b: Record<string, unknown>): string {
  if (typeof b.supervisionId !== 'string' || !UUID.test(b.supervisionId)) throw new ValidationError('supervisionId', 'must be a supervision id (uuid)');
  return b.supervisionId;
}

/** Checks a `supervision.start` payload (the rules of REST `StartSupervisionDto`). @throws ValidationError naming the field */
export function parseSupervisionStart(body: unknown): SupervisionStartRequest {
  const b = object(body, '{ callId, mode, endpoint? }');
  if (typeof b.callId !== 'string' || !UUID.test(b.callId)) throw new ValidationError('callId', 'must be a call id (uuid)');
  if (b.endpoint !== undefined && (typeof b.endpoint !== 'string' || !ENDPOINT.test(b.endpoint))) throw new ValidationError('endpoint', 'must be a SIP endpoint like 1009 (letters, digits, _ . + -, at most 64)');
  return { callId: b.callId, mode: mode(b.mode), endpoint: b.endpoint as string | undefined };
}

/** Checks a `supervision.mode` payload. @throws ValidationError */
export function parseSupervisionMode(body: unknown): SupervisionModeRequest {
  const b = object(body, '{ supervisionId, mode }');
  return { supervisionId: supervisionId(b), mode: mode(b.mode) };
}

/** Checks a `supervision.stop` payload. @throws ValidationError */
export function parseSupervisionStop(body: unknown): SupervisionStopRequest {
  return { supervisionId: supervisionId(object(body, '{ supervisionId }')) };
}
