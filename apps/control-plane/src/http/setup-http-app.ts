import type { INestApplication, NestApplicationOptions } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { APP_CONFIG, AppConfig, loadConfig, StartupError } from '@callplane/core';
import { RequestBodyInterceptor } from './body/request-body.interceptor';
import { createValidationPipe } from './request-validation';
import { HttpExceptionFilter } from './http-exception.filter';

import { OPENAPI_API_KEY, OPENAPI_BEARER } from './openapi';

/** Swagger security scheme names used by `@ApiBearerAuth(OPENAPI_BEARER)` / `@ApiSecurity(OPENAPI_API_KEY)` (see also `@ApiAuthed()`). */
export { OPENAPI_API_KEY, OPENAPI_BEARER };

/**
 * Options every creator of the app must pass (`NestFactory.create(module, { ...HTTP_APP_OPTIONS })`,
 * `moduleRef.createNestApplication({ ...HTTP_APP_OPTIONS })`): Nest's own body parser is off, so
 * bodies are read by {@link RequestBodyInterceptor} only after the auth guard.
 */
export const HTTP_APP_OPTIONS: NestApplicationOptions = { bodyParser: false };

/**
 * Everything HTTP-wide that is not DI: body reading after auth (size and depth limits), the validation pipe (400 naming the fields), the error
 * filter, CORS, and OpenAPI at `/docs` (JSON at `/docs-json`). main.ts, the demo and every e2e
 * test call this, so they all answer identically. Call before `listen()`.
 */
export function setupHttpApp(app: INestApplication): void {
  // Nest keeps its options private; reading them is the only way to fail at boot rather than parse bodies before auth.
  if ((app as unknown as { appOptions?: NestApplicationOptions }).appOptions?.bodyParser !== false) {
    throw new StartupError('The HTTP app was created with Nest\'s body parser on: bodies would be parsed before authentication. Create it with { ...HTTP_APP_OPTIONS } (bodyParser: false).');
  }
  const config = appConfigOf(app);
  app.useGlobalInterceptors(new RequestBodyInterceptor(app.get(Reflector), { maxBytes: config.HTTP_MAX_BODY_BYTES, maxDepth: config.HTTP_MAX_BODY_DEPTH }));
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

/** The app's APP_CONFIG, or the defaults when the host provides none (module tests of one edge). */
function appConfigOf(app: INestApplication): AppConfig {
  try {
    return app.get<AppConfig>(APP_CONFIG, { strict: false });
  } catch {
    // No APP_CONFIG provider in this (test) host: the documented defaults apply.
    return loadConfig({});
  }
}
