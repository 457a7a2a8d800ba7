import { applyDecorators } from '@nestjs/common';
import {
  ApiBadRequestResponse, ApiBearerAuth, ApiConflictResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiProperty,
  ApiPropertyOptional, ApiSecurity, ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ErrorBody } from '@callplane/contracts';

/** Swagger security scheme names (registered by setupHttpApp). */
export const OPENAPI_BEARER = 'bearer';
export const OPENAPI_API_KEY = 'api-key';

class FieldErrorSchema {
  @ApiProperty({ example: 'strategy' }) field: string;
  @ApiProperty({ type: [String], example: ['strategy must be one of the following values: ring-all, longest-idle'] }) errors: string[];
}

/** {@link ErrorBody} for the OpenAPI document. */
export class ErrorBodySchema implements ErrorBody {
  @ApiProperty({ example: 400 }) statusCode: number;
  @ApiProperty({ example: 'validation-failed', description: 'Stable machine code.' }) code: string;
  @ApiProperty() message: string;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiPropertyOptional({ type: [FieldErrorSchema], description: 'With validation-failed: the failing fields.' }) fields?: FieldErrorSchema[];
}

/** A route behind the auth guard: both security schemes and the error answers every such route can give. */
export function ApiAuthed(): ClassDecorator & MethodDecorator {
  return applyDecorators(
    ApiBearerAuth(OPENAPI_BEARER),
    ApiSecurity(OPENAPI_API_KEY),
    ApiBadRequestResponse({ type: ErrorBodySchema, description: 'validation-failed: names the fields' }),
    ApiUnauthorizedResponse({ type: ErrorBodySchema, description: 'unauthenticated: missing/invalid token or API key' }),
    ApiForbiddenResponse({ type: ErrorBodySchema, description: 'forbidden: role too low' }),
    ApiNotFoundResponse({ type: ErrorBodySchema, description: 'not-found' }),
    ApiConflictResponse({ type: ErrorBodySchema, description: 'conflict: duplicate name/key, or an illegal change' }),
  );
}
