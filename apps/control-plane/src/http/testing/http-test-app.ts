import { randomBytes } from 'node:crypto';
import { DynamicModule, Global, INestApplication, Module, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { APP_CONFIG, AppConfig, loadConfig } from '@callplane/core';
import { PbxDriver, PbxDriverFactory, PbxDrivers, PbxHealth, PbxNodeConfig, PbxType } from '@callplane/pbx';
import { PersistenceModule } from '@callplane/persistence';
import { createTestDatabase, TestDatabase, TestDatabaseKind } from '@callplane/persistence/testing';
import { AuthModule } from '../../auth/auth.module';
import { HttpApiModule } from '../http-api.module';
import { HTTP_APP_OPTIONS, setupHttpApp } from '../setup-http-app';

/**
 * A stand-in driver for REST tests: records start/stop and reports a chosen health. Not a mock
 * of any PBX client library — it replaces a whole node so PBX-node CRUD and /health can be
 * observed without a PBX.
 */
export class RecordingDriverFactory extends PbxDriverFactory {
  readonly started: PbxNodeConfig[] = [];
  readonly stopped: string[] = [];
  status: PbxHealth['status'] = 'up';

  constructor(readonly type: PbxType) {
    super();
  }

  create(node: PbxNodeConfig): PbxDriver {
    const since = new Date();
    const driver = {
      nodeId: node.id,
      type: this.type,
      onEvent: () => () => undefined,
      start: async () => {
        this.started.push(node);
      },
      stop: async () => {
        this.stopped.push(node.id);
      },
      health: (): PbxHealth => ({ nodeId: node.id, type: this.type, status: this.status, links: { main: this.status }, since }),
    };
    return driver as unknown as PbxDriver;
  }
}

export interface HttpTestApp {
  app: INestApplication;
  db: TestDatabase;
  config: AppConfig;
  drivers: PbxDrivers;
  asterisk: RecordingDriverFactory;
  adminEmail: string;
  adminPassword: string;
  /** Bearer token of the bootstrapped admin. */
  adminToken: string;
  http(): ReturnType<typeof request>;
  close(): Promise<void>;
}

export interface HttpTestAppOptions {
  /** Extra config (env-style keys). */
  env?: Partial<Record<keyof AppConfig, string>>;
  /** Reuse this database (e.g. to restart on it); it is then NOT dropped by `close()`. */
  db?: TestDatabase;
  /** ADMIN_PASSWORD to boot with (default random). */
  adminPassword?: string;
  /** false: boot without ADMIN_EMAIL/ADMIN_PASSWORD (no admin is created; `adminToken` is empty). */
  bootstrapAdmin?: boolean;
  /** More modules to serve beside HttpApiModule (e.g. IvrHttpModule). */
  imports?: (Type<unknown> | DynamicModule)[];
  /** Called after setupHttpApp, before init (e.g. `app.useWebSocketAdapter(...)`). */
  beforeInit?: (app: INestApplication) => void;
}

/**
 * The REST API exactly as main.ts sets it up (setupHttpApp), on a fresh real database of `kind`,
 * with the first admin bootstrapped from ADMIN_EMAIL/ADMIN_PASSWORD and logged in.
 * `drivers`: default `PbxDrivers` with a {@link RecordingDriverFactory} for asterisk only.
 */
export async function startHttpTestApp(kind: TestDatabaseKind, options: HttpTestAppOptions = {}): Promise<HttpTestApp> {
  const db = options.db ?? (await createTestDatabase(kind));
  const adminEmail = 'root@callplane.test';
  const adminPassword = options.adminPassword ?? `pw-${randomBytes(8).toString('hex')}`;
  const config = loadConfig({}, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    JWT_SECRET: randomBytes(24).toString('hex'),
    ...(options.bootstrapAdmin === false ? {} : { ADMIN_EMAIL: adminEmail, ADMIN_PASSWORD: adminPassword }),
    ...options.env,
  });
  const asterisk = new RecordingDriverFactory('asterisk');
  const drivers = new PbxDrivers([asterisk], { reconnectMinMs: 100, reconnectMaxMs: 1000, requestTimeoutMs: 1000 });

  @Global()
  @Module({ providers: [{ provide: APP_CONFIG, useValue: config }, { provide: PbxDrivers, useValue: drivers }], exports: [APP_CONFIG, PbxDrivers] })
  class TestHostModule {}

  const moduleRef = await Test.createTestingModule({ imports: [TestHostModule, PersistenceModule.forRoot(config), AuthModule, HttpApiModule, ...(options.imports ?? [])] }).compile();
  const app = moduleRef.createNestApplication({ ...HTTP_APP_OPTIONS, logger: false });
  setupHttpApp(app);
  options.beforeInit?.(app);
  await app.init();
  const http = () => request(app.getHttpServer());
  const login = await http().post('/auth/login').send({ email: adminEmail, password: adminPassword });
  if (options.bootstrapAdmin !== false && login.status !== 200) throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  return {
    app,
    db,
    config,
    drivers,
    asterisk,
    adminEmail,
    adminPassword,
    adminToken: login.body?.accessToken ?? '',
    http,
    close: async () => {
      await drivers.stopAll();
      await app.close();
      if (!options.db) await db.drop();
    },
  };
}
