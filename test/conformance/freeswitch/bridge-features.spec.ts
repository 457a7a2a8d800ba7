import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/**
 * Features on bridged calls: hold-mute (uuid_hold → CHANNEL_HOLD on the caller, MOH playback on
 * the partner; hold off → PLAYBACK_STOP break, UNHOLD; uuid_audio mute raises no events) and
 * uuid-transfer-blind (uuid_transfer to 1001 runs the vanilla Local_Extension and bridges with the
 * `bridge` app: CHANNEL_BRIDGE in CS_EXECUTE). Per-leg sequences only: across legs the recording
 * does not promise an order.
 */
describe('FreeswitchSim conformance: bridge features', () => {
  let sut: FreeswitchSim;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0 });
  });
  afterEach(() => sut.close());

  it('hold-mute', async () => {
    const result = await replayScenario('hold-mute', sut, { endpoints: { '1000': { ringAfterMs: 5, answerAfterMs: 50 } } });
    expectConforms(result);
  });

  it('uuid-transfer-blind', async () => {
    const result = await replayScenario('uuid-transfer-blind', sut, { endpoints: { '1001': { ringAfterMs: 5, answerAfterMs: 50 } } });
    expectConforms(result);
  });

  it('phone-refer-blind (the agent phone REFERs the caller to 1001)', async () => {
    const result = await replayScenario('phone-refer-blind', sut, {
      endpoints: { '1000': { ringAfterMs: 5, answerAfterMs: 50 }, '1001': { ringAfterMs: 5, answerAfterMs: 50 } },
    });
    expectConforms(result);
    const bridges = Object.values(result.connections[0].sequences).flatMap((s) => s.actual.filter((e) => e.event === 'CHANNEL_BRIDGE'));
    expect(bridges).toHaveLength(2);
  });
});
