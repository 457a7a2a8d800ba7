import { randomBytes } from 'node:crypto';
import type { DynamicModule, INestApplication, Type } from '@nestjs/common';
import request from 'supertest';
import { AppConfig, loadConfig } from '@callplane/core';
import type { PbxType } from '@callplane/pbx';
import { AsteriskSim, FreeswitchSim, PbxSimulator } from '@callplane/pbx-sim';
import { createControlPlane } from '../../apps/control-plane/src/bootstrap';
import { createTestDatabase, TestDatabase, TestDatabaseKind } from '@callplane/persistence/testing';

export interface HarnessOptions {
  pbx: PbxType;
  db: TestDatabaseKind;
  /** Extension modules (e.g. an IVR node type package). */
  extensions?: (Type<unknown> | DynamicModule)[];
  /** Extra config (env-style keys). */
  env?: Partial<Record<keyof AppConfig, string>>;
  /** Prompt lengths in the simulator, ms, by sound name (`main-menu`); other sounds last 1000 ms. */
  soundDurationsMs?: Record<string, number>;
  /** Sound names the simulated PBX does not have (playback fails; GET /sounds / file_exists say so). */
  missingSounds?: string[];
}

/**
 * The whole control plane on random ports with a PBX simulator beside it and a real database,
 * exactly as main.ts wires it. `restart()` stops callplane and starts it again on the same
 * database and simulator (for "callplane restarted mid-call").
 */
export class ControlPlaneHarness {
  app!: INestApplication;
  url!: string;
  adminToken!: string;
  readonly adminEmail = 'admin@callplane.test';

  private constructor(
    readonly options: HarnessOptions,
    readonly sim: PbxSimulator,
    readonly db: TestDatabase,
    readonly config: AppConfig,
    readonly adminPassword: string,
  ) {}

  static async start(options: HarnessOptions): Promise<ControlPlaneHarness> {
    const sounds = options.soundDurationsMs;
    const missing = options.missingSounds;
    const sim: PbxSimulator =
      options.pbx === 'asterisk'
        ? await AsteriskSim.start({ soundDurationsMs: sounds, missingSounds: missing })
        : await FreeswitchSim.start({ media: { ...(sounds ? { files: sounds } : {}), defaultFileMs: 1000, missing } });
    const db = await createTestDatabase(options.db);
    const adminPassword = `pw-${randomBytes(6).toString('hex')}`;
    const config = loadConfig({}, { ...baseEnv(sim, db), ADMIN_PASSWORD: adminPassword, ...options.env });
    const harness = new ControlPlaneHarness(options, sim, db, config, adminPassword);
    await harness.boot();
    return harness;
  }

  /** Stop callplane (drivers disconnect; calls keep running on the simulator) and start it again. */
  async restart(): Promise<void> {
    await this.app.close();
    await this.boot();
  }

  /** Authenticated supertest request helper for the admin. */
  http(): { get: (p: string) => request.Test; post: (p: string) => request.Test; put: (p: string) => request.Test; patch: (p: string) => request.Test; delete: (p: string) => request.Test } {
    const server = this.app.getHttpServer();
    const auth = (t: request.Test) => t.set('Authorization', `Bearer ${this.adminToken}`);
    return {
      get: (p) => auth(request(server).get(p)),
      post: (p) => auth(request(server).post(p)),
      put: (p) => auth(request(server).put(p)),
      patch: (p) => auth(request(server).patch(p)),
      delete: (p) => auth(request(server).delete(p)),
    };
  }

  async close(): Promise<void> {
    await this.app?.close();
    await this.sim.close();
    await this.db.drop();
  }

  private async boot(): Promise<void> {
    this.app = await createControlPlane(this.config, { extensions: this.options.extensions });
    await this.app.listen(0, '127.0.0.1');
    this.url = (await this.app.getUrl()).replace('[::1]', '127.0.0.1');
    const res = await request(this.app.getHttpServer()).post('/auth/login').send({ email: this.adminEmail, password: this.adminPassword });
    if (!res.body?.accessToken) throw new Error(`admin login failed: ${res.status} ${JSON.stringify(res.body)}`);
    this.adminToken = res.body.accessToken;
  }
}

function baseEnv(sim: PbxSimulator, db: TestDatabase): Partial<Record<keyof AppConfig, string>> {
  const env: Partial<Record<keyof AppConfig, string>> = {
    NODE_ENV: 'test',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: '0',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
    DATABASE_URL: db.url,
    JWT_SECRET: randomBytes(24).toString('hex'),
    ADMIN_EMAIL: 'admin@callplane.test',
    PBX_RECONNECT_MIN_MS: '50',
    PBX_RECONNECT_MAX_MS: '500',
    PBX_REQUEST_TIMEOUT_MS: '3000',
  };
  const c = sim.connection;
  if (c.type === 'asterisk') {
    Object.assign(env, {
      ASTERISK_ARI_URL: c.ariUrl,
      ASTERISK_ARI_USERNAME: c.ariUsername,
      ASTERISK_ARI_PASSWORD: c.ariPassword,
      ASTERISK_ARI_APP: c.app,
      ASTERISK_AMI_HOST: c.amiHost,
      ASTERISK_AMI_PORT: String(c.amiPort),
      ASTERISK_AMI_USERNAME: c.amiUsername,
      ASTERISK_AMI_SECRET: c.amiSecret,
    });
  } else {
    Object.assign(env, { FREESWITCH_ESL_HOST: c.eslHost, FREESWITCH_ESL_PORT: String(c.eslPort), FREESWITCH_ESL_PASSWORD: c.eslPassword });
  }
  return env;
}
