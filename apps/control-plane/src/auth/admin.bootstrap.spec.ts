import { createTestDatabase, TestDatabase } from '@callplane/persistence/testing';
import { startHttpTestApp } from '../http/testing/http-test-app';
import { UsersService } from './users.service';
import { AdminBootstrap } from './admin.bootstrap';

describe(AdminBootstrap.name, () => {
  let db: TestDatabase;
  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterEach(async () => {
    await db.drop();
  });

  it('creates the first admin once; a later boot does not reset a changed password', async () => {
    const first = await startHttpTestApp('sqlite', { db, adminPassword: 'boot-password-1' });
    const admin = (await first.http().get('/auth/me').set('Authorization', `Bearer ${first.adminToken}`).expect(200)).body.user;
    await first.http().patch(`/users/${admin.id}`).set('Authorization', `Bearer ${first.adminToken}`).send({ password: 'changed-password' }).expect(200);
    await first.close();

    const second = await startHttpTestApp('sqlite', { db, bootstrapAdmin: false, env: { ADMIN_EMAIL: first.adminEmail, ADMIN_PASSWORD: 'boot-password-1' } });
    try {
      await second.http().post('/auth/login').send({ email: first.adminEmail, password: 'boot-password-1' }).expect(401);
      await second.http().post('/auth/login').send({ email: first.adminEmail, password: 'changed-password' }).expect(200);
      expect((await second.app.get(UsersService).list()).map((u) => u.email)).toEqual([first.adminEmail]);
    } finally {
      await second.close();
    }
  });

  it('creates no user and no default password without ADMIN_EMAIL/ADMIN_PASSWORD', async () => {
    const sut = await startHttpTestApp('sqlite', { db, bootstrapAdmin: false });
    try {
      expect(await sut.app.get(UsersService).list()).toEqual([]);
      for (const [email, password] of [['admin@localhost', 'admin'], ['admin', 'admin'], ['admin@example.com', 'changeme']]) {
        await sut.http().post('/auth/login').send({ email, password }).expect((res) => expect([400, 401]).toContain(res.status));
      }
    } finally {
      await sut.close();
    }
  });

  it('works without JWT_SECRET outside production (random secret for this process)', async () => {
    const sut = await startHttpTestApp('sqlite', { db, env: { JWT_SECRET: undefined } });
    try {
      await sut.http().get('/auth/me').set('Authorization', `Bearer ${sut.adminToken}`).expect(200);
    } finally {
      await sut.close();
    }
  });
});
