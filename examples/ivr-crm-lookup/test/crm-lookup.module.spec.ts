import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { StartupError } from '@callplane/core';
import { IvrModule, IvrNodeRegistry } from '@callplane/ivr';
import { PbxDrivers } from '@callplane/pbx';
import { PersistenceModule } from '@callplane/persistence';
import { createTestDatabase, TestDatabase } from '@callplane/persistence/testing';
import { CrmLookupModule, CrmLookupNode } from '../src';

/** The app's PbxModule stand-in: the port with no node running (no call in these tests). */
@Global()
@Module({ providers: [{ provide: PbxDrivers, useValue: new PbxDrivers([], { reconnectMinMs: 50, reconnectMaxMs: 100, requestTimeoutMs: 1000 }) }], exports: [PbxDrivers] })
class NoPbxModule {}

describe(CrmLookupModule.name, () => {
  let db: TestDatabase;

  beforeEach(async () => {
    db = await createTestDatabase('sqlite');
  });

  afterEach(() => db.drop());

  const boot = async (...extensions: unknown[]) => {
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ DATABASE_URL: db.url, DATA_DIR: '/tmp' }), NoPbxModule, IvrModule, ...(extensions as never[])],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    return app;
  };

  it('registers crm-lookup beside the built-in node types at boot', async () => {
    const app = await boot(CrmLookupModule.forRoot({ url: 'http://127.0.0.1:1/contacts?phone={{callerNumber}}' }));
    const registry = app.get(IvrNodeRegistry);
    expect(registry.get('crm-lookup')).toBeInstanceOf(CrmLookupNode);
    expect(registry.types()).toEqual(expect.arrayContaining(['menu', 'queue', 'crm-lookup']));
    await app.close();
  });

  it('fails startup with a clear message when the same node type is registered twice', async () => {
    const err: unknown = await boot(CrmLookupModule.forRoot({ url: 'http://crm-a/{{callerNumber}}' }), CrmLookupModule.forRoot({ url: 'http://crm-b/{{callerNumber}}' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StartupError);
    expect((err as Error).message).toMatch(/IVR node type "crm-lookup" is registered twice \(by CrmLookupNode in CrmLookupModule and by CrmLookupNode in CrmLookupModule\)\. Each node type name must be unique/);
  });
});
