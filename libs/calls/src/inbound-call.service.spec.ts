import { Global, INestApplication, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { DataSource } from 'typeorm';
import { PbxDrivers } from '@callplane/pbx';
import { AsteriskDriverFactory } from '@callplane/pbx-asterisk';
import { AsteriskSim } from '@callplane/pbx-sim';
import { CallEntity, CallEventEntity, InboundRouteEntity, PbxNodeEntity, PersistenceModule } from '@callplane/persistence';
import { waitFor } from '@callplane/testing';
import { createTestDatabase, TestDatabase } from '../../persistence/src/testing';
import { CallTarget, CallTargetHandler, LiveCall } from './call-target';
import { CallsModule } from './calls.module';
import { InboundCallService } from './inbound-call.service';

/** A call target that keeps what it was handed (a real handler, as an IVR or ACD would be). */
@Injectable()
class KeepingTarget extends CallTargetHandler {
  readonly targetType = 'queue';
  readonly handled: { call: LiveCall; target: CallTarget }[] = [];
  async handle(call: LiveCall, target: CallTarget): Promise<void> {
    this.handled.push({ call, target });
  }
}

@Module({ imports: [CallsModule], providers: [KeepingTarget], exports: [KeepingTarget] })
class KeepingTargetModule {}

describe(InboundCallService.name, () => {
  let sim: AsteriskSim;
  let db: TestDatabase;
  let app: INestApplication;
  let drivers: PbxDrivers;
  let nodeId: string;
  let otherNodeId: string;

  beforeAll(async () => {
    sim = await AsteriskSim.start({ defaultSoundDurationMs: 50, rtcpIntervalMs: 0 });
    db = await createTestDatabase('sqlite');
    drivers = new PbxDrivers([new AsteriskDriverFactory()], { reconnectMinMs: 50, reconnectMaxMs: 300, requestTimeoutMs: 3000 });
    @Global()
    @Module({ providers: [{ provide: PbxDrivers, useValue: drivers }], exports: [PbxDrivers] })
    class TestPbxModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ DATABASE_URL: db.url, DATA_DIR: '/tmp' }), TestPbxModule, CallsModule, KeepingTargetModule],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
    const nodes = app.get(DataSource).getRepository(PbxNodeEntity);
    nodeId = (await nodes.save(nodes.create({ name: 'sim', type: 'asterisk', connection: sim.connection, enabled: true }))).id;
    otherNodeId = (await nodes.save(nodes.create({ name: 'other', type: 'asterisk', connection: sim.connection, enabled: false }))).id;
    await drivers.add({ id: nodeId, name: 'sim', connection: sim.connection });
    await waitFor(() => drivers.driver(nodeId).health().status === 'up', 'driver up');
  });

  afterAll(async () => {
    await drivers?.stopAll();
    await app?.close();
    await sim?.close();
    await db?.drop();
  });

  const routes = () => app.get(DataSource).getRepository(InboundRouteEntity);
  const kept = () => app.get(KeepingTarget).handled;

  it('answers first, writes the row, and hands the call to the handler of the node-specific route over the any-node one', async () => {
    await routes().insert({ did: '8000', pbxNodeId: null, targetType: 'queue', targetId: '11111111-1111-1111-1111-111111111111' });
    await routes().insert({ did: '8000', pbxNodeId: nodeId, targetType: 'queue', targetId: '22222222-2222-2222-2222-222222222222' });
    await routes().insert({ did: '8000', pbxNodeId: otherNodeId, targetType: 'queue', targetId: '33333333-3333-3333-3333-333333333333' });
    sim.clearRequests();

    const channelId = await sim.placeCall({ from: '5551000', fromName: 'Bob', to: '8000' });
    const handed = await waitFor(() => kept().find((k) => k.call.channelId === channelId), 'handed to the target');

    expect(handed.target).toEqual({ type: 'queue', id: '22222222-2222-2222-2222-222222222222' });
    expect(handed.call).toMatchObject({ nodeId, callerNumber: '5551000', callerName: 'Bob', calledNumber: '8000', answered: true });
    const firstRequest = sim.requests().find((r) => r.protocol === 'ari');
    expect(firstRequest?.path).toBe(`/ari/channels/${channelId}/answer`);
    const row = await app.get(DataSource).getRepository(CallEntity).findOneByOrFail({ channelId });
    expect(row).toMatchObject({ id: handed.call.id, status: 'active', direction: 'inbound', pbxNodeId: nodeId });
    const events = await app.get(DataSource).getRepository(CallEventEntity).findBy({ callId: row.id });
    expect(events.map((e) => e.type).sort()).toEqual(['offered', 'routed']);

    sim.hangup(channelId, 16);
    await waitFor(async () => (await app.get(DataSource).getRepository(CallEntity).findOneByOrFail({ channelId })).status === 'ended', 'ended');
    expect(await app.get(DataSource).getRepository(CallEntity).findOneByOrFail({ channelId })).toMatchObject({ disposition: 'ABANDONED', hangupCause: 16 });
  });

  it('uses the any-node route when the node has none', async () => {
    await routes().insert({ did: '8001', pbxNodeId: null, targetType: 'queue', targetId: '44444444-4444-4444-4444-444444444444' });
    const channelId = await sim.placeCall({ from: '5551001', to: '8001' });
    const handed = await waitFor(() => kept().find((k) => k.call.channelId === channelId), 'handed');
    expect(handed.target.id).toBe('44444444-4444-4444-4444-444444444444');
    sim.hangup(channelId);
  });

  it('refuses a route whose target type has no handler: prompt, hangup, FAILED', async () => {
    await routes().insert({ did: '8002', pbxNodeId: null, targetType: 'ivr', targetId: '55555555-5555-5555-5555-555555555555' });
    const channelId = await sim.placeCall({ from: '5551002', to: '8002' });
    const row = await waitFor(async () => {
      const r = await app.get(DataSource).getRepository(CallEntity).findOneBy({ channelId });
      return r?.status === 'ended' ? r : undefined;
    }, 'ended');
    expect(row.disposition).toBe('FAILED');
    expect(sim.requests().some((r) => JSON.stringify(r).includes('ss-noservice'))).toBe(true);
  });
});
