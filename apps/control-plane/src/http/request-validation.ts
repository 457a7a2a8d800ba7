import { ValidationPipe } from '@nestjs/common';
import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { getMetadataStorage, IS_OPTIONAL, validateSync, ValidationError as ClassValidatorError, ValidatorOptions } from 'class-validator';
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

/** Where `@ApiProperty()` keeps a property's options (@nestjs/swagger `DECORATORS.API_MODEL_PROPERTIES`; its dist path is not exported). */
const SWAGGER_PROPERTY_METADATA = 'swagger/apiModelProperties';

/**
 * Optional means "may be absent", not "may be null": class-validator's `@IsOptional()` skips
 * every rule for `null` too, so `{"enabled": null}` reached the database (NOT NULL errors, or a
 * default silently applied). A `null` is accepted only where the DTO documents the property as
 * nullable (`@ApiPropertyOptional({ nullable: true })`), so the OpenAPI document and the check
 * agree without a marker per DTO. Walks nested DTO instances (`@ValidateNested` + `@Type`).
 */
export function forbiddenNulls(instance: unknown, seen = new Set<object>()): ClassValidatorError[] {
  if (typeof instance !== 'object' || instance === null || seen.has(instance)) return [];
  seen.add(instance);
  if (Array.isArray(instance)) {
    return instance.flatMap((item, i) => {
      const children = forbiddenNulls(item, seen);
      return children.length ? [fieldError(String(i), undefined, children)] : [];
    });
  }
  const ctor = (instance as object).constructor;
  if (!ctor || ctor === Object) return [];
  const optional = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(ctor, '', true, false)
      .filter((m) => m.name === IS_OPTIONAL)
      .map((m) => m.propertyName),
  );
  const errors: ClassValidatorError[] = [];
  for (const [property, value] of Object.entries(instance)) {
    if (value === null && optional.has(property)) {
      const doc = Reflect.getMetadata(SWAGGER_PROPERTY_METADATA, ctor.prototype, property) as { nullable?: boolean } | undefined;
      if (!doc?.nullable) errors.push(fieldError(property, { isNotNull: `${property} must not be null (leave it out to keep the current value or the default)` }));
    } else if (typeof value === 'object' && value !== null) {
      const children = forbiddenNulls(value, seen);
      if (children.length) errors.push(fieldError(property, undefined, children));
    }
  }
  return errors;
}

function fieldError(property: string, constraints?: Record<string, string>, children: ClassValidatorError[] = []): ClassValidatorError {
  return Object.assign(new ClassValidatorError(), { property, constraints, children });
}

/** The global pipe's class: class-validator's rules plus {@link forbiddenNulls}. */
class RequestValidationPipe extends ValidationPipe {
  protected override async validate(object: object, validatorOptions?: ValidatorOptions): Promise<ClassValidatorError[]> {
    return [...forbiddenNulls(object), ...(await super.validate(object, validatorOptions))];
  }
}

/**
 * The global pipe: strips nothing silently — unknown properties are errors
 * (`forbidNonWhitelisted`), `null` only where documented nullable ({@link forbiddenNulls}),
 * bodies become DTO instances (`transform`), and every failure is a
 * {@link RequestValidationError} naming the fields.
 */
export function createValidationPipe(): ValidationPipe {
  return new RequestValidationPipe({
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
  const errors = [...forbiddenNulls(instance), ...validateSync(instance, { whitelist: true, forbidNonWhitelisted: true })];
  if (errors.length) throw new RequestValidationError(flattenValidationErrors(errors, prefix));
  return instance;
}
