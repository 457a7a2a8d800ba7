import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/**
 * inbound-park-answer-play-hangup (plain and json): answer-then-park dialplan, uuid_answer on an
 * answered channel (+OK, no event), sendmsg playback (EXECUTE/PLAYBACK_START/STOP/COMPLETE with
 * our Event-UUID), uuid_kill, and a failing bgapi originate that shows BACKGROUND_JOB framing.
 */
describe('FreeswitchSim conformance: inbound-park-answer-play-hangup', () => {
  let sut: FreeswitchSim;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.02, heartbeatMs: 0 });
  });
  afterEach(() => sut.close());

  it.each([
    ['plain events', 'inbound-park-answer-play-hangup'],
    ['json events', 'inbound-park-answer-play-hangup.json-events'],
  ])('replays the recording with %s', async (_label, fixture) => {
    const result = await replayScenario(fixture, sut);
    expect(result.calls).toHaveLength(1);
    expectConforms(result);
  });
});
