import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/**
 * Inbound calls with prompts and DTMF: caller hangs up during playback (PLAYBACK ERROR, stale
 * response on park's EXECUTE_COMPLETE), RFC 2833 barge-in with uuid_break (`break` yet FILE
 * PLAYED) and play_and_get_digits (first digit stops the prompt; `#` ends input). Media runs 20×
 * faster than recorded (mediaTimeScale 0.05); the SIP side acts when the recording's notes say so.
 */
describe('FreeswitchSim conformance: inbound prompts and DTMF', () => {
  let sut: FreeswitchSim;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0 });
  });
  afterEach(() => sut.close());

  it('inbound-caller-hangup-during-playback', async () => {
    const result = await replayScenario('inbound-caller-hangup-during-playback', sut);
    expectConforms(result);
    const seq = Object.values(result.connections[0].sequences).find((s) => s.expected.length > 10);
    expect(seq?.actual.filter((e) => e.event === 'CHANNEL_EXECUTE_COMPLETE').map((e) => e['Application-Response']).slice(-2))
      .toEqual(['PLAYBACK ERROR', 'PLAYBACK ERROR']);
  });

  it('inbound-dtmf-bargein', async () => {
    const result = await replayScenario('inbound-dtmf-bargein', sut);
    expectConforms(result);
  });

  it('inbound-play-and-get-digits', async () => {
    const result = await replayScenario('inbound-play-and-get-digits', sut);
    expectConforms(result);
  });
});
