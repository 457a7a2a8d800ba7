import { loadConfig } from './config';
import { StartupError } from './errors';

describe(loadConfig.name, () => {
  it('gives a newcomer working defaults: SQLite under ./data, port 3000', () => {
    const sut = loadConfig({});
    expect(sut.DATABASE_URL).toBeUndefined();
    expect(sut.DATA_DIR).toBe('./data');
    expect(sut.HTTP_PORT).toBe(3000);
    expect(sut.DEMO).toBe(false);
  });

  it('coerces numbers and booleans from the environment', () => {
    const sut = loadConfig({ HTTP_PORT: '8080', DEMO: 'yes', PBX_RECONNECT_MAX_MS: '2000' });
    expect(sut).toMatchObject({ HTTP_PORT: 8080, DEMO: true, PBX_RECONNECT_MAX_MS: 2000 });
  });

  it('lets overrides win over the environment', () => {
    expect(loadConfig({ HTTP_PORT: '8080' }, { HTTP_PORT: '0' }).HTTP_PORT).toBe(0);
  });

  it('names every invalid variable in one StartupError', () => {
    const attempt = () => loadConfig({ HTTP_PORT: 'eighty', ASTERISK_ARI_URL: 'not a url' });
    expect(attempt).toThrow(StartupError);
    expect(attempt).toThrow(/HTTP_PORT/);
    expect(attempt).toThrow(/ASTERISK_ARI_URL/);
  });

  it('refuses production without a JWT secret', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/JWT_SECRET is required in production/);
  });

  it('refuses a default-looking admin password in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), ADMIN_PASSWORD: 'admin1234' })).toThrow(/default password/);
  });

  it('reads the IVR http allow-list (hosts, *.domains, IPs, CIDRs) and refuses an entry that is none of them', () => {
    expect(loadConfig({ IVR_HTTP_ALLOW: ' CRM.internal, *.corp.example,10.20.0.0/16 ,fd00::/8,127.0.0.1' }).IVR_HTTP_ALLOW).toEqual(['crm.internal', '*.corp.example', '10.20.0.0/16', 'fd00::/8', '127.0.0.1']);
    expect(loadConfig({}).IVR_HTTP_ALLOW).toEqual([]);
    expect(() => loadConfig({ IVR_HTTP_ALLOW: 'crm.internal,10.0.0.0/99' })).toThrow(/IVR_HTTP_ALLOW.*10\.0\.0\.0\/99/);
    expect(loadConfig({}).IVR_MAX_FLOW_NODES).toBe(5_000);
  });

  it('reads extra agent away reasons (ACD_AWAY_REASONS) and refuses a code that is not one', () => {
    expect(loadConfig({ ACD_AWAY_REASONS: ' Coaching, admin-work ,' }).ACD_AWAY_REASONS).toEqual(['coaching', 'admin-work']);
    expect(loadConfig({}).ACD_AWAY_REASONS).toEqual([]);
    expect(() => loadConfig({ ACD_AWAY_REASONS: 'ok,not a code' })).toThrow(/ACD_AWAY_REASONS.*not a code/);
  });
});
