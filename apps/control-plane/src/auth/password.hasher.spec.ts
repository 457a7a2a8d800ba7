import { monitorEventLoopDelay } from 'node:perf_hooks';
import { startHttpTestApp, HttpTestApp } from '../http/testing/http-test-app';
import { PasswordHasher } from './password.hasher';

describe(PasswordHasher.name, () => {
  const sut = new PasswordHasher();

  it('verifies standard $2a$ and $2b$ hashes (those bcryptjs stored) and writes $2b$', async () => {
    // OpenBSD bcrypt test vector: "U*U", cost 5.
    expect(await sut.verify('U*U', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe(true);
    expect(await sut.verify('U*V', '$2a$05$CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW')).toBe(false);
    const hash = await sut.hash('correct horse');
    expect(hash).toMatch(/^\$2b\$10\$/);
    expect(await sut.verify('correct horse', hash.replace(/^\$2b\$/, '$2a$'))).toBe(true);
    expect(await sut.verify('correct horse', undefined)).toBe(false);
  });

  describe('under a burst of wrong logins', () => {
    let app: HttpTestApp;
    beforeAll(async () => {
      app = await startHttpTestApp('sqlite');
    });
    afterAll(async () => {
      await app?.close();
    });

    it('keeps the event loop responsive: 40 parallel wrong logins delay it by ≤ 100 ms', async () => {
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const answers = await Promise.all(
        Array.from({ length: 40 }, (_, i) => app.http().post('/auth/login').send({ email: i % 2 ? app.adminEmail : `nobody-${i}@x.test`, password: `wrong-${i}` })),
      );
      delay.disable();
      expect(answers.map((a) => a.status)).toEqual(expect.arrayContaining([401]));
      expect(answers.every((a) => a.status === 401 || a.status === 429)).toBe(true);
      expect(delay.max / 1e6).toBeLessThanOrEqual(100);
    });
  });
});
