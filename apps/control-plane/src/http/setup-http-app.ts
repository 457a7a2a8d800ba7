import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe } from './request-validation';
import { HttpExceptionFilter } from './http-exception.filter';

import { OPENAPI_API_KEY, OPENAPI_BEARER } from './openapi';

/** Swagger security scheme names used by `@ApiBearerAuth(OPENAPI_BEARER)` / `@ApiSecurity(OPENAPI_API_KEY)` (see also `@ApiAuthed()`). */
export { OPENAPI_API_KEY, OPENAPI_BEARER };

/**
 * Everything HTTP-wide that is not DI: the validation pipe (400 naming the fields), the error
 * filter, CORS, and OpenAPI at `/docs` (JSON at `/docs-json`). main.ts, the demo and every e2e
 * test call this, so they all answer identically. Call before `listen()`.
 */
export function setupHttpApp(app: INestApplication): void {
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  // Auth is by header (Bearer / X-Api-Key), never cookies, so any origin may call the API.
  app.enableCors({ origin: true, allowedHeaders: ['Authorization', 'X-Api-Key', 'Content-Type'], exposedHeaders: [] });
  const doc = new DocumentBuilder()
    .setTitle('callplane')
    .setDescription('Self-hosted PBX control plane for Asterisk (ARI/AMI) and FreeSWITCH (ESL). Log in with POST /auth/login and send `Authorization: Bearer <accessToken>`, or send an API key as `X-Api-Key`.')
    .setVersion('0.1.0')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, OPENAPI_BEARER)
    .addApiKey({ type: 'apiKey', in: 'header', name: 'X-Api-Key' }, OPENAPI_API_KEY)
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, doc), { jsonDocumentUrl: 'docs-json' });
}
