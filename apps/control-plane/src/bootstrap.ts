import { NestFactory } from '@nestjs/core';
import type { INestApplication } from '@nestjs/common';
import { AppConfig, PinoNestLogger } from '@callplane/core';
import { AppModule, AppModuleOptions } from './app.module';
import { HTTP_APP_OPTIONS, setupHttpApp } from './http/setup-http-app';
import { SessionIoAdapter } from './realtime/socket-sessions';

/**
 * Builds the whole control plane (not yet listening). main.ts, the demo, the e2e tests and the
 * bench all start callplane through this one function, so they run the same wiring.
 */
export async function createControlPlane(config: AppConfig, options: AppModuleOptions = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config, options), { ...HTTP_APP_OPTIONS, logger: new PinoNestLogger(), abortOnError: false });
  setupHttpApp(app);
  app.useWebSocketAdapter(new SessionIoAdapter(app));
  app.enableShutdownHooks();
  return app;
}
