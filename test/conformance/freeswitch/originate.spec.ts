import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/**
 * Originate: ring-all (two bgapi originates, first answer wins, ORIGINATOR_CANCEL on the loser,
 * uuid_bridge with one CHANNEL_BRIDGE on the A leg, uuid_record, caller BYE hangs up both legs),
 * busy (486 → USER_BUSY, BACKGROUND_JOB between HANGUP_COMPLETE and DESTROY) and unregistered
 * users (no channel at all) plus the recorded -ERR shapes on unknown uuids.
 *
 * Order across legs is not compared: the recording notes that HANGUP_COMPLETE/UNBRIDGE order
 * across the two legs is not stable between runs, and MOH's EXECUTE on the caller interleaves
 * with the agents' CHANNEL_CREATE at random. Each leg's own sequence is compared exactly.
 */
describe('FreeswitchSim conformance: originate', () => {
  let sut: FreeswitchSim;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0 });
  });
  afterEach(() => sut.close());

  it('ring-all-first-answer-wins', async () => {
    const result = await replayScenario('ring-all-first-answer-wins', sut, {
      endpoints: { '1000': { ringAfterMs: 5, answerAfterMs: 60 }, '1001': { ringAfterMs: 5, answerAfterMs: null } },
    });
    expectConforms(result);
    const bridges = Object.values(result.connections[0].sequences).flatMap((s) => s.actual.filter((e) => e.event === 'CHANNEL_BRIDGE'));
    expect(bridges).toHaveLength(1);
  });

  it('originate-busy', async () => {
    const result = await replayScenario('originate-busy', sut, { endpoints: { '1001': { busy: true, ringAfterMs: 5 } } });
    expectConforms(result);
  });

  it('originate-unregistered', async () => {
    const result = await replayScenario('originate-unregistered', sut);
    expectConforms(result);
    expect(result.connections[0].replies.length).toBeGreaterThan(15);
  });
});
