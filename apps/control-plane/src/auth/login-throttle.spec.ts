import { LOGIN_GLOBAL_WINDOW_MS, LOGIN_MAX_FAILURES, LOGIN_WINDOW_MS, LoginThrottle } from './login-throttle';

describe(LoginThrottle.name, () => {
  let now: number;
  let sut: LoginThrottle;
  const tooMany = (scope: string) => expect.objectContaining({ code: 'too-many-login-attempts', httpStatus: 429, details: expect.objectContaining({ scope }) });
  beforeEach(() => {
    now = 1_000_000;
    sut = new LoginThrottle({ perKey: LOGIN_MAX_FAILURES, perAddress: 30, global: 100 }, () => now);
  });

  it(`refuses after ${LOGIN_MAX_FAILURES} failures per email and address, until the window passes`, () => {
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) {
      sut.begin(i % 2 ? 'Boss@x.org' : 'boss@x.org', '10.0.0.1');
      now += 1000;
    }
    expect(() => sut.begin('boss@x.org', '10.0.0.1')).toThrow(tooMany('email'));
    expect(() => sut.begin('boss@x.org', '10.0.0.2')).not.toThrow();
    expect(() => sut.begin('other@x.org', '10.0.0.1')).not.toThrow();
    now = 1_000_000 + LOGIN_WINDOW_MS + 1; // the first failure left the window
    expect(() => sut.begin('boss@x.org', '10.0.0.1')).not.toThrow();
  });

  it('a success takes its attempt back and clears the failures', () => {
    for (let i = 0; i < LOGIN_MAX_FAILURES - 1; i++) sut.begin('a@x.org', 'c');
    sut.begin('a@x.org', 'c').succeeded();
    sut.begin('a@x.org', 'c');
    expect(() => sut.begin('a@x.org', 'c')).not.toThrow();
  });

  it('throttles one address spraying many e-mails', () => {
    for (let i = 0; i < 30; i++) sut.begin(`user${i}@x.org`, '10.0.0.9');
    expect(() => sut.begin('fresh@x.org', '10.0.0.9')).toThrow(tooMany('address'));
    expect(() => sut.begin('fresh@x.org', '10.0.0.10')).not.toThrow();
  });

  it('throttles everyone together past the global limit, for one minute', () => {
    for (let i = 0; i < 100; i++) sut.begin(`user${i}@x.org`, `10.1.${i >> 8}.${i & 255}`);
    expect(() => sut.begin('admin@x.org', '192.0.2.1')).toThrow(tooMany('global'));
    now += LOGIN_GLOBAL_WINDOW_MS + 1;
    expect(() => sut.begin('admin@x.org', '192.0.2.1')).not.toThrow();
  });

  it('counts attempts in progress, so parallel guesses cannot all pass the check', () => {
    const started = [];
    for (let i = 0; i < LOGIN_MAX_FAILURES; i++) started.push(sut.begin('p@x.org', 'c'));
    expect(() => sut.begin('p@x.org', 'c')).toThrow(tooMany('email'));
  });
});
