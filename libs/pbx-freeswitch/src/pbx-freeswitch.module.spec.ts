import { Test } from '@nestjs/testing';
import { FreeswitchDriver } from './freeswitch.driver';
import { FreeswitchDriverFactory } from './freeswitch-driver.factory';
import { PbxFreeswitchModule } from './pbx-freeswitch.module';

describe(PbxFreeswitchModule.name, () => {
  const node = { id: 'n1', name: 'fs', connection: { type: 'freeswitch' as const, eslHost: '127.0.0.1', eslPort: 8021, eslPassword: 'x' } };
  const options = { reconnectMinMs: 100, reconnectMaxMs: 1000, requestTimeoutMs: 1000 };

  it('provides a factory of type freeswitch that builds FreeswitchDrivers (defaults without forRoot)', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PbxFreeswitchModule] }).compile();
    const sut = moduleRef.get(FreeswitchDriverFactory);
    expect(sut.type).toBe('freeswitch');
    const driver = sut.create(node, options);
    expect(driver).toBeInstanceOf(FreeswitchDriver);
    expect(driver.health()).toMatchObject({ nodeId: 'n1', type: 'freeswitch', status: 'down', links: { esl: 'down' } });
  });

  it('forRoot settings reach the driver (outbound listener → eslOutbound link)', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PbxFreeswitchModule.forRoot({ outboundHost: '127.0.0.1' })] }).compile();
    const driver = moduleRef.get(FreeswitchDriverFactory).create({ ...node, connection: { ...node.connection, outboundPort: 1 } }, options);
    expect(driver.health().links).toEqual({ esl: 'down', eslOutbound: 'down' });
  });

  it('refuses a node of another PBX type', async () => {
    const moduleRef = await Test.createTestingModule({ imports: [PbxFreeswitchModule] }).compile();
    const asterisk = { id: 'a', name: 'a', connection: { type: 'asterisk' as const, ariUrl: 'http://x', ariUsername: 'u', ariPassword: 'p', app: 'c', amiHost: 'h', amiPort: 1, amiUsername: 'u', amiSecret: 's' } };
    expect(() => moduleRef.get(FreeswitchDriverFactory).create(asterisk, options)).toThrow(/freeswitch node/);
  });
});
