import { DataSource, QueryFailedError } from 'typeorm';
import { openTestDataSource, testDatabaseKinds, TestDataSource } from '../testing';
import { isForeignKeyViolation, isUniqueViolation } from '../db-errors';
import { MIGRATIONS } from '../migrations';
import {
  AgentEntity, ApiKeyEntity, CallEntity, CallEventEntity, CallLegEntity, InboundRouteEntity, IvrFlowEntity,
  IvrFlowVersionEntity, PbxNodeEntity, QueueEntity, QueueMemberEntity, UserEntity,
} from './index';

const at = (ms: number) => new Date(Date.UTC(2026, 10, 21, 20, 44, 47, ms));

describe.each(testDatabaseKinds())('persistence entities on %s', (kind) => {
  let db: TestDataSource;
  let ds: DataSource;

  beforeAll(async () => {
    db = await openTestDataSource(kind);
    ds = db.dataSource;
  });
  afterAll(async () => {
    await db?.close();
  });

  async function node(name = `pbx-${Math.random().toString(36).slice(2, 8)}`): Promise<PbxNodeEntity> {
    const repo = ds.getRepository(PbxNodeEntity);
    return repo.save(repo.create({
      name,
      type: 'asterisk',
      enabled: true,
      connection: { type: 'asterisk', ariUrl: 'http://127.0.0.1:8088', ariUsername: 'cp', ariPassword: 's3cret', app: 'callplane', amiHost: '127.0.0.1', amiPort: 5038, amiUsername: 'cp', amiSecret: 'x' },
    }));
  }

  it('ran the initial migration and recorded it', async () => {
    const rows = await ds.query('SELECT name FROM migrations');
    expect(rows.map((r: { name: string }) => r.name)).toEqual(MIGRATIONS.map((m) => m.name));
    expect(await ds.showMigrations()).toBe(false);
  });

  it('round-trips a PBX node with its JSON connection, boolean and ms timestamps', async () => {
    const saved = await node('asterisk-1');
    const loaded = await ds.getRepository(PbxNodeEntity).findOneByOrFail({ id: saved.id });
    expect(loaded).toEqual({ ...saved, createdAt: saved.createdAt, updatedAt: saved.updatedAt });
    expect(loaded.connection).toMatchObject({ type: 'asterisk', ariPassword: 's3cret', amiPort: 5038 });
    expect(loaded.enabled).toBe(true);
    expect(loaded.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(loaded.createdAt).toBeInstanceOf(Date);
    expect(loaded.createdAt.getTime()).toBe(saved.createdAt.getTime());
    const dup = await node('asterisk-1').catch((err: unknown) => err);
    expect(dup).toBeInstanceOf(QueryFailedError);
    expect(isUniqueViolation(dup)).toBe(true);
    expect(isForeignKeyViolation(dup)).toBe(false);
  });

  it('stamps updatedAt with milliseconds on save() and on query-builder update()', async () => {
    const repo = ds.getRepository(QueueEntity);
    const q = await repo.save(repo.create({ name: 'sales', strategy: 'ring-all' }));
    expect(q).toMatchObject({ ringTimeoutS: 20, maxWaitS: 120, wrapUpS: 10, mohClass: 'default', greetingPrompt: null });
    const before = q.updatedAt.getTime();
    await new Promise((r) => setTimeout(r, 15));
    await repo.update({ id: q.id }, { wrapUpS: 5 });
    const afterUpdate = await repo.findOneByOrFail({ id: q.id });
    expect(afterUpdate.wrapUpS).toBe(5);
    expect(afterUpdate.updatedAt.getTime()).toBeGreaterThan(before);
    // Not rounded to whole seconds by CURRENT_TIMESTAMP: within ~5 s of the app clock, exactly as stamped.
    expect(Math.abs(afterUpdate.updatedAt.getTime() - Date.now())).toBeLessThan(5000);
    expect(afterUpdate.createdAt.getTime()).toBe(q.createdAt.getTime());
    afterUpdate.greetingPrompt = 'sound:queue-greeting';
    const saved = await repo.save(afterUpdate);
    const reloaded = await repo.findOneByOrFail({ id: q.id });
    expect(reloaded.greetingPrompt).toBe('sound:queue-greeting');
    expect(reloaded.updatedAt.getTime()).toBe(saved.updatedAt.getTime());
  });

  it('round-trips users, API keys and agents (unicode, JSON skills, nullable dates)', async () => {
    const users = ds.getRepository(UserEntity);
    const u = await users.save(users.create({ email: 'zoë@example.com', passwordHash: '$2b$10$abc', role: 'agent', displayName: 'Zoë Ångström 🎧' }));
    expect(await users.findOneByOrFail({ id: u.id })).toEqual(u);
    await expect(users.insert({ ...u, id: undefined } as unknown as UserEntity)).rejects.toBeInstanceOf(QueryFailedError);

    const keys = ds.getRepository(ApiKeyEntity);
    const k = await keys.save(keys.create({ name: 'crm', prefix: 'cp_abcd', keyHash: 'a'.repeat(64), role: 'supervisor', lastUsedAt: at(7), revokedAt: null }));
    const kl = await keys.findOneByOrFail({ id: k.id });
    expect(kl.lastUsedAt?.toISOString()).toBe('2026-11-21T20:44:47.007Z');
    expect(kl.revokedAt).toBeNull();

    const n = await node();
    const agents = ds.getRepository(AgentEntity);
    const a = await agents.save(agents.create({ userId: u.id, name: 'Zoë', endpoint: '1001', pbxNodeId: n.id, state: 'available', stateChangedAt: at(999), skills: { fr: 80, billing: 20 }, lastCallEndedAt: null }));
    const al = await agents.findOneByOrFail({ id: a.id });
    expect(al).toMatchObject({ userId: u.id, endpoint: '1001', pbxNodeId: n.id, state: 'available', skills: { fr: 80, billing: 20 }, lastCallEndedAt: null, awayReason: null, maxNoAnswer: 3, noAnswerCount: 0 });
    expect(al.stateChangedAt.toISOString()).toBe('2026-11-21T20:44:47.999Z');
    // one agent per user
    await expect(agents.save(agents.create({ userId: u.id, name: 'dup', endpoint: '1002', state: 'offline', stateChangedAt: new Date(), skills: {} }))).rejects.toBeInstanceOf(QueryFailedError);
    // deleting the user unlinks the agent (FK ON DELETE SET NULL)
    await users.delete({ id: u.id });
    expect((await agents.findOneByOrFail({ id: a.id })).userId).toBeNull();
  });

  it('round-trips queue members and inbound routes with their unique keys and cascades', async () => {
    const queue = await ds.getRepository(QueueEntity).save({ name: 'support', strategy: 'longest-idle' as const });
    const agent = await ds.getRepository(AgentEntity).save({ name: 'Bob', endpoint: '1003', state: 'offline' as const, stateChangedAt: new Date(), skills: {} });
    const members = ds.getRepository(QueueMemberEntity);
    const m = await members.save({ queueId: queue.id, agentId: agent.id, penalty: 2 });
    expect(await members.findOneByOrFail({ id: m.id })).toEqual(expect.objectContaining({ id: m.id, queueId: queue.id, agentId: agent.id, penalty: 2, tier: 1, position: 0 }));
    await expect(members.save({ queueId: queue.id, agentId: agent.id })).rejects.toBeInstanceOf(QueryFailedError);

    const n = await node();
    const routes = ds.getRepository(InboundRouteEntity);
    const r = await routes.save({ did: '+4930123456', pbxNodeId: n.id, targetType: 'queue' as const, targetId: queue.id });
    expect(await routes.findOneByOrFail({ id: r.id })).toMatchObject({ did: '+4930123456', pbxNodeId: n.id, targetType: 'queue', targetId: queue.id });
    await expect(routes.save({ did: '+4930123456', pbxNodeId: n.id, targetType: 'ivr' as const, targetId: queue.id })).rejects.toBeInstanceOf(QueryFailedError);
    const anyNode = await routes.save({ did: '+4930123456', pbxNodeId: null, targetType: 'ivr' as const, targetId: queue.id });
    expect((await routes.findOneByOrFail({ id: anyNode.id })).pbxNodeId).toBeNull();

    await ds.getRepository(QueueEntity).delete({ id: queue.id });
    expect(await members.countBy({ queueId: queue.id })).toBe(0);
    await ds.getRepository(PbxNodeEntity).delete({ id: n.id });
    expect(await routes.countBy({ id: r.id })).toBe(0);
  });

  it('round-trips a call with legs and ordered events, exact ms and doubles', async () => {
    const calls = ds.getRepository(CallEntity);
    const call = await calls.save(calls.create({
      pbxNodeId: '00000000-0000-4000-8000-000000000001', channelId: '1795288206.55', direction: 'inbound',
      callerNumber: '+15551234', callerName: 'Jürgen', calledNumber: '100', calledName: null, status: 'ended',
      offeredAt: at(1), answeredAt: at(501), endedAt: at(999), waitS: 0.5, talkS: 12.345, disposition: 'ANSWERED', hangupCause: 16,
      queueId: null, agentId: null, ivrFlowId: null, ivrFlowVersion: 3,
    }));
    const loaded = await calls.findOneByOrFail({ id: call.id });
    expect(loaded).toEqual(call);
    expect(loaded.offeredAt.toISOString()).toBe('2026-11-21T20:44:47.001Z');
    expect(loaded.talkS).toBe(12.345);
    // The same channel on the same node is one call: adopting it again cannot record it twice.
    await expect(calls.insert({ ...call, id: undefined } as unknown as CallEntity)).rejects.toBeInstanceOf(QueryFailedError);

    const legs = ds.getRepository(CallLegEntity);
    const orphan = await legs.insert({ callId: '00000000-0000-4000-8000-00000000dead', pbxNodeId: call.pbxNodeId, channelId: 'x.1', role: 'agent' }).catch((err: unknown) => err);
    expect(isForeignKeyViolation(orphan)).toBe(true);
    expect(isUniqueViolation(orphan)).toBe(false);
    const leg = await legs.save(legs.create({ callId: call.id, pbxNodeId: call.pbxNodeId, channelId: '1795288207.56', role: 'agent', endpoint: '1001', agentId: null, answeredAt: at(500), endedAt: null, hangupCause: null }));
    expect(await legs.findOneByOrFail({ id: leg.id })).toEqual(leg);
    await expect(legs.insert({ ...leg, id: undefined, role: 'snoop' } as unknown as CallLegEntity)).rejects.toBeInstanceOf(QueryFailedError);

    const events = ds.getRepository(CallEventEntity);
    await events.insert([
      { callId: call.id, at: at(2), type: 'offered', data: { did: '100' } },
      { callId: call.id, at: at(1), type: 'routed', data: null },
      { callId: call.id, at: at(2), type: 'queued', data: { queueId: 'q', nested: { n: [1, 2] } } },
    ]);
    const ordered = await events.find({ where: { callId: call.id }, order: { at: 'ASC', id: 'ASC' } });
    expect(ordered.map((e) => e.type)).toEqual(['routed', 'offered', 'queued']);
    expect(typeof ordered[0].id).toBe('number');
    expect(ordered[2].data).toEqual({ queueId: 'q', nested: { n: [1, 2] } });

    await calls.delete({ id: call.id });
    expect(await legs.countBy({ callId: call.id })).toBe(0);
    expect(await events.countBy({ callId: call.id })).toBe(0);
  });

  it('round-trips IVR flows and versions', async () => {
    const flows = ds.getRepository(IvrFlowEntity);
    const draft = { start: 'menu', nodes: { menu: { type: 'menu', options: { '1': 'sales' } } } };
    const f = await flows.save(flows.create({ name: 'main', draft, publishedVersion: null }));
    expect((await flows.findOneByOrFail({ id: f.id })).draft).toEqual(draft);
    const versions = ds.getRepository(IvrFlowVersionEntity);
    await versions.save({ flowId: f.id, version: 1, definition: draft, publishedAt: at(123) });
    await expect(versions.save({ flowId: f.id, version: 1, definition: draft, publishedAt: at(124) })).rejects.toBeInstanceOf(QueryFailedError);
    const v = await versions.findOneByOrFail({ flowId: f.id, version: 1 });
    expect(v.publishedAt.toISOString()).toBe('2026-11-21T20:44:47.123Z');
    expect(v.definition).toEqual(draft);
  });
});
