import { randomUUID } from 'node:crypto';
import { CallEntity, CallEventEntity, CallLegEntity } from '@callplane/persistence';
import { openTestDataSource, testDatabaseKinds, TestDataSource } from '../../persistence/src/testing';
import { CallRecordsService } from './call-records.service';

describe.each(testDatabaseKinds())(`${CallRecordsService.name} on %s`, (kind) => {
  let db: TestDataSource;
  let sut: CallRecordsService;
  const nodeId = randomUUID();
  const offeredAt = new Date('2026-03-01T10:00:00.000Z');

  beforeAll(async () => {
    db = await openTestDataSource(kind);
    const ds = db.dataSource;
    sut = new CallRecordsService(ds.getRepository(CallEntity), ds.getRepository(CallLegEntity), ds.getRepository(CallEventEntity));
  });

  afterAll(async () => {
    await db?.close();
  });

  const newCall = (channelId = `ch-${randomUUID()}`) =>
    sut.createInboundCall({ nodeId, channelId, callerNumber: '5551234', callerName: 'Alice', calledNumber: '7000', offeredAt });

  it('writes one row, the caller leg and an offered event; a re-offered channel gets the same row', async () => {
    const channelId = `ch-${randomUUID()}`;
    const first = await newCall(channelId);
    const again = await newCall(channelId);

    expect(first.created).toBe(true);
    expect(again).toEqual({ id: first.id, created: false });
    expect(await db.dataSource.getRepository(CallEntity).countBy({ channelId })).toBe(1);
    const legs = await db.dataSource.getRepository(CallLegEntity).findBy({ callId: first.id });
    expect(legs.map((l) => l.role)).toEqual(['caller']);
    const events = await db.dataSource.getRepository(CallEventEntity).findBy({ callId: first.id });
    expect(events.map((e) => e.type)).toEqual(['offered']);
  });

  it('ignores a second leg for the same channel', async () => {
    const { id } = await newCall();
    await sut.addLeg({ callId: id, nodeId, channelId: 'agent-leg-1', role: 'agent', agentId: randomUUID(), endpoint: '1001' });
    await sut.addLeg({ callId: id, nodeId, channelId: 'agent-leg-1', role: 'agent' });
    expect(await db.dataSource.getRepository(CallLegEntity).countBy({ callId: id, role: 'agent' })).toBe(1);
  });

  it('finishes once: wait = offered → agent answer, talk = answer → end, in seconds with ms', async () => {
    const { id } = await newCall();
    const agentId = randomUUID();
    const answeredAt = new Date(offeredAt.getTime() + 12_345);
    const endedAt = new Date(offeredAt.getTime() + 72_500);

    expect(await sut.finish(id, { disposition: 'ANSWERED', hangupCause: 16, endedAt, answeredAt, agentId })).toBe(true);
    expect(await sut.finish(id, { disposition: 'ABANDONED', hangupCause: 19, endedAt: new Date() })).toBe(false);

    const row = await db.dataSource.getRepository(CallEntity).findOneByOrFail({ id });
    expect(row).toMatchObject({ status: 'ended', disposition: 'ANSWERED', hangupCause: 16, agentId, waitS: 12.345, talkS: 60.155 });
    expect(row.endedAt?.getTime()).toBe(endedAt.getTime());
    const ended = await db.dataSource.getRepository(CallEventEntity).findBy({ callId: id, type: 'ended' });
    expect(ended).toHaveLength(1);
  });

  it('finishes once without reading the row when the live call gives the offer time', async () => {
    const { id } = await newCall();
    const endedAt = new Date(offeredAt.getTime() + 4_000);
    expect(await sut.finish(id, { disposition: 'ABANDONED', hangupCause: 16, endedAt, offeredAt })).toBe(true);
    expect(await sut.finish(id, { disposition: 'NO_ANSWER', hangupCause: 19, endedAt, offeredAt })).toBe(false);
    expect(await db.dataSource.getRepository(CallEntity).findOneByOrFail({ id })).toMatchObject({ disposition: 'ABANDONED', hangupCause: 16, waitS: 4, talkS: 0 });
    expect(await db.dataSource.getRepository(CallEventEntity).countBy({ callId: id, type: 'ended' })).toBe(1);
  });

  it('counts the whole call as wait when no agent answered', async () => {
    const { id } = await newCall();
    await sut.finish(id, { disposition: 'ABANDONED', hangupCause: 16, endedAt: new Date(offeredAt.getTime() + 8_250) });
    expect(await db.dataSource.getRepository(CallEntity).findOneByOrFail({ id })).toMatchObject({ waitS: 8.25, talkS: 0, answeredAt: null });
  });

  it('records leg answer and end once, and stores event data as JSON', async () => {
    const { id } = await newCall();
    await sut.addLeg({ callId: id, nodeId, channelId: 'leg-x', role: 'agent' });
    const t1 = new Date(offeredAt.getTime() + 1000);
    await sut.legAnswered(nodeId, 'leg-x', t1);
    await sut.legAnswered(nodeId, 'leg-x', new Date());
    await sut.legEnded(nodeId, 'leg-x', t1, 17);
    await sut.legEnded(nodeId, 'leg-x', new Date(), 16);
    await sut.addEvent(id, 'ivr.node', { nodeId: 'menu1', digits: '1' });
    const leg = await db.dataSource.getRepository(CallLegEntity).findOneByOrFail({ channelId: 'leg-x' });
    expect(leg).toMatchObject({ hangupCause: 17 });
    expect(leg.answeredAt?.getTime()).toBe(t1.getTime());
    const ev = await db.dataSource.getRepository(CallEventEntity).findOneByOrFail({ callId: id, type: 'ivr.node' });
    expect(ev.data).toEqual({ nodeId: 'menu1', digits: '1' });
  });
});
