import { LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, LoginThrottle } from './login-throttle';

describe(LoginThrottle.name, () => {
  let now: number;
  let sut: LoginThrottle;
  beforeEach(() => {
    now = 1_000_000;
    sut = new LoginThrottle(() => now);
  });

  it(`refuses after ${LOGIN_MAX_FAILURES} failures per email and address, until the window passes`, () => {
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      expect(() => sut.assertAllowed('Boss@x.org', '10.0.0.1')).not.toThrow();
      sut.recordFailure('boss@x.org', '10.0.0.1');
      now += 1000;
    }
    expect(() => sut.assertAllowed('boss@x.org', '10.0.0.1')).toThrow(expect.objectContaining({ code: 'too-many-login-attempts', httpStatus: 429 }));
    expect(() => sut.assertAllowed('boss@x.org', '10.0.0.2')).not.toThrow();
    expect(() => sut.assertAllowed('other@x.org', '10.0.0.1')).not.toThrow();
    now = 1_000_000 + LOGIN_WINDOW_MS + 1; // the first failure left the window
    expect(() => sut.assertAllowed('boss@x.org', '10.0.0.1')).not.toThrow();
  });

  it('a success clears the failures', () => {
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) sut.recordFailure('a@x.org', 'c');
    sut.recordSuccess('a@x.org', 'c');
    sut.recordFailure('a@x.org', 'c');
    expect(() => sut.assertAllowed('a@x.org', 'c')).not.toThrow();
  });
});
