import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { INestApplication } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PbxDrivers, PbxEvent, PbxType } from '@callplane/pbx';
import { AsteriskDriverFactory } from '@callplane/pbx-asterisk';
import { FreeswitchDriverFactory } from '@callplane/pbx-freeswitch';
import { AsteriskSim, FreeswitchSim, PbxSimulator } from '@callplane/pbx-sim';
import { AgentEntity, CallEntity, CallEventEntity, CallLegEntity, InboundRouteEntity, PbxNodeEntity, PersistenceModule, QueueEntity, QueueMemberEntity } from '@callplane/persistence';
import { CallDomainEvent, CallDomainEventMap, CallEventsBus, CallsModule } from '@callplane/calls';
import { waitFor } from '@callplane/testing';
import { createTestDatabase, TestDatabase, TestDatabaseKind } from '../../../persistence/src/testing';
import { AcdModule } from '../acd.module';
import { AgentStateService } from '../agent-state.service';

/** Fast reconnects so resync tests do not wait. */
const DRIVER_OPTIONS = { reconnectMinMs: 50, reconnectMaxMs: 300, requestTimeoutMs: 3000 };

/**
 * A real call engine for service tests: a simulator (ARI+AMI or ESL on real sockets), a real
 * driver, a real migrated database, and a Nest app with CallsModule + AcdModule — wired the way
 * a host app does it (global PbxDrivers, PersistenceModule). `restart()` re-creates the app and
 * its drivers on the same database and simulator (a control-plane restart).
 */
export class AcdHarness {
  app!: INestApplication;
  drivers!: PbxDrivers;
  nodeId!: string;
  /** Domain events of the current app, in order. */
  events: CallDomainEvent[] = [];
  /** PBX events of the current app, in order. */
  pbxEvents: PbxEvent[] = [];

  private constructor(readonly sim: PbxSimulator, readonly db: TestDatabase) {}

  /** `soundDurationsMs`: prompt lengths by sound name (`queue-greeting`), ms; others 150 ms (Asterisk) / 1000 ms (FreeSWITCH). */
  static async start(pbx: PbxType, dbKind: TestDatabaseKind = 'sqlite', options: { soundDurationsMs?: Record<string, number> } = {}): Promise<AcdHarness> {
    const sounds = options.soundDurationsMs;
    const sim: PbxSimulator =
      pbx === 'asterisk'
        ? await AsteriskSim.start({ defaultSoundDurationMs: 150, rtcpIntervalMs: 0, soundDurationsMs: sounds })
        : await FreeswitchSim.start(sounds ? { media: { files: sounds, defaultFileMs: 1000 } } : {});
    const db = await createTestDatabase(dbKind);
    const h = new AcdHarness(sim, db);
    await h.boot(true);
    return h;
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get agentStates(): AgentStateService {
    return this.app.get(AgentStateService);
  }

  /** A queue with one member per endpoint (agents start `offline`), routed from `did`. */
  async seedQueue(opts: { did: string; endpoints: string[]; queue?: Partial<QueueEntity> }): Promise<{ queue: QueueEntity; agents: AgentEntity[] }> {
    const ds = this.dataSource;
    const queue = await ds.getRepository(QueueEntity).save(
      ds.getRepository(QueueEntity).create({ name: `q-${opts.did}-${Date.now()}`, strategy: 'ring-all', ringTimeoutS: 5, maxWaitS: 30, wrapUpS: 1, mohClass: 'default', ...opts.queue }),
    );
    const agents: AgentEntity[] = [];
    for (const endpoint of opts.endpoints) {
      const agent = await ds.getRepository(AgentEntity).save(
        ds.getRepository(AgentEntity).create({ name: `Agent ${endpoint}`, endpoint, state: 'offline', stateChangedAt: new Date(), skills: {} }),
      );
      await ds.getRepository(QueueMemberEntity).insert({ queueId: queue.id, agentId: agent.id, penalty: 0 });
      agents.push(agent);
    }
    await ds.getRepository(InboundRouteEntity).insert({ did: opts.did, pbxNodeId: null, targetType: 'queue', targetId: queue.id });
    return { queue, agents };
  }

  callRows(): Promise<CallEntity[]> {
    return this.dataSource.getRepository(CallEntity).find();
  }

  callRow(channelId: string): Promise<CallEntity | null> {
    return this.dataSource.getRepository(CallEntity).findOneBy({ channelId });
  }

  legs(callId: string): Promise<CallLegEntity[]> {
    return this.dataSource.getRepository(CallLegEntity).find({ where: { callId }, order: { createdAt: 'ASC' } });
  }

  callEvents(callId: string): Promise<CallEventEntity[]> {
    return this.dataSource.getRepository(CallEventEntity).find({ where: { callId }, order: { id: 'ASC' } });
  }

  /** Waits until the call row of the caller's channel is ended, and returns it. */
  ended(channelId: string, timeoutMs = 10_000): Promise<CallEntity> {
    return waitFor(async () => {
      const row = await this.callRow(channelId);
      return row?.status === 'ended' ? row : undefined;
    }, `call row of ${channelId} ended`, timeoutMs);
  }

  /** The agent's state in the database. */
  async agentRowState(agentId: string): Promise<string | undefined> {
    return (await this.dataSource.getRepository(AgentEntity).findOneBy({ id: agentId }))?.state;
  }

  /** Simulates a control-plane restart: stop drivers and app, boot a new one on the same DB and PBX. */
  async restart(): Promise<void> {
    await this.shutdown();
    await this.boot(false);
  }

  async close(): Promise<void> {
    await this.shutdown();
    await this.sim.close();
    await this.db.drop();
  }

  private async shutdown(): Promise<void> {
    await this.drivers.stopAll();
    await this.app.close();
  }

  private async boot(first: boolean): Promise<void> {
    const drivers = new PbxDrivers([new AsteriskDriverFactory(), new FreeswitchDriverFactory()], DRIVER_OPTIONS);
    @Global()
    @Module({ providers: [{ provide: PbxDrivers, useValue: drivers }], exports: [PbxDrivers] })
    class TestPbxModule {}
    const moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ DATABASE_URL: this.db.url, DATA_DIR: '/tmp' }), TestPbxModule, CallsModule, AcdModule],
    }).compile();
    this.app = moduleRef.createNestApplication({ logger: false });
    await this.app.init();
    this.drivers = drivers;
    this.events = [];
    this.pbxEvents = [];
    const bus = this.app.get(CallEventsBus);
    for (const type of ['call.routed', 'call.ended', 'agent.offered', 'call.answered', 'agent.state'] as const) {
      bus.on(type, (payload) => this.events.push({ type, payload } as CallDomainEvent));
    }
    drivers.onEvent((e) => this.pbxEvents.push(e));
    if (first) {
      const node = await this.dataSource.getRepository(PbxNodeEntity).save(
        this.dataSource.getRepository(PbxNodeEntity).create({ name: `sim-${this.sim.type}`, type: this.sim.type, connection: this.sim.connection, enabled: true }),
      );
      this.nodeId = node.id;
    }
    await drivers.add({ id: this.nodeId, name: `sim-${this.sim.type}`, connection: this.sim.connection });
    await waitFor(() => drivers.driver(this.nodeId).health().status === 'up', 'driver up');
  }

  /** Domain events of one type. */
  eventsOf<K extends keyof CallDomainEventMap>(type: K): CallDomainEventMap[K][] {
    return this.events.filter((e) => e.type === type).map((e) => e.payload as CallDomainEventMap[K]);
  }
}
