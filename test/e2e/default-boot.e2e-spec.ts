import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { loadConfig } from '@callplane/core';
import { createControlPlane } from '../../apps/control-plane/src/bootstrap';

/**
 * Issue 2 "Done when": with no DATABASE_URL, callplane creates the SQLite database under
 * DATA_DIR, runs the migrations and listens — what `npm start` does on a fresh machine.
 */
describe('zero-setup boot', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'callplane-boot-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates ${DATA_DIR}/callplane.sqlite, migrates it and serves /health and /docs', async () => {
    const config = loadConfig({}, { DATA_DIR: join(dataDir, 'nested', 'data'), HTTP_PORT: '0', HTTP_HOST: '127.0.0.1', LOG_LEVEL: 'warn' });
    expect(config.DATABASE_URL).toBeUndefined();
    const app = await createControlPlane(config);
    try {
      await app.listen(0, '127.0.0.1');
      expect(existsSync(join(dataDir, 'nested', 'data', 'callplane.sqlite'))).toBe(true);
      const health = await request(app.getHttpServer()).get('/health').expect(200);
      expect(health.body).toEqual({ status: 'ok' }); // details only with an admin token (issue 13 item 9)
      await request(app.getHttpServer()).get('/docs').expect(200);
      // The migrations ran: every table exists and the migration is recorded.
      const ds = app.get(DataSource);
      await expect(ds.query('SELECT COUNT(*) AS n FROM calls')).resolves.toEqual([{ n: 0 }]);
      expect(await ds.showMigrations()).toBe(false);
    } finally {
      await app.close();
    }
  });
});
