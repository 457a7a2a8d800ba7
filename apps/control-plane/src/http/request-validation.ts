import { ValidationPipe } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validateSync, type ValidationError as ClassValidatorError } from 'class-validator';
import { DomainError } from '@callplane/core';

/** One failing field: dotted path (`connection.ariUrl`, `skills.0`) and its messages. */
export interface FieldError {
  field: string;
  errors: string[];
}

/**
 * A request body/query failed validation. HTTP 400, code `validation-failed`; the filter puts
 * `fields` into the answer so clients can highlight each failing field.
 */
export class RequestValidationError extends DomainError {
  readonly code = 'validation-failed';
  override readonly httpStatus = 400;

  constructor(readonly fields: FieldError[]) {
    super(`Invalid request: ${fields.map((f) => `${f.field}: ${f.errors.join(', ')}`).join('; ')}`);
  }
}

/** Flattens class-validator's tree (nested objects/arrays) into dotted field paths. */
export function flattenValidationErrors(errors: ClassValidatorError[], prefix = ''): FieldError[] {
  const out: FieldError[] = [];
  for (const e of errors) {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    if (e.constraints) out.push({ field, errors: Object.values(e.constraints) });
    if (e.children?.length) out.push(...flattenValidationErrors(e.children, field));
  }
  return out;
}

/**
 * The global pipe: strips nothing silently — unknown properties are errors
 * (`forbidNonWhitelisted`), bodies become DTO instances (`transform`), and every failure is a
 * {@link RequestValidationError} naming the fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new RequestValidationError(flattenValidationErrors(errors)),
  });
}

/**
 * Validates a plain object against a DTO class outside the pipe (e.g. a PBX connection merged
 * from stored and patched values), with field paths under `prefix`.
 * @throws RequestValidationError
 */
export function validateDto<T extends object>(cls: ClassConstructor<T>, plain: unknown, prefix: string): T {
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  if (errors.length) throw new RequestValidationError(flattenValidationErrors(errors, prefix));
  return instance;
}
