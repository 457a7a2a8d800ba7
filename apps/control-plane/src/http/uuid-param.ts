import { Param, ParseUUIDPipe } from '@nestjs/common';
import { RequestValidationError } from './request-validation';

/** A path parameter that must be a UUID; otherwise 400 `validation-failed` naming it. */
export const UuidParam = (name = 'id') =>
  Param(name, new ParseUUIDPipe({ exceptionFactory: () => new RequestValidationError([{ field: name, errors: [`${name} must be a UUID`] }]) }));
