import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/** uuid_dump json: ids, states and which non-variable headers exist (values like names and times differ). */
function normalizeDump(command: string, body: string): string {
  if (!command.startsWith('api uuid_dump') || !body.startsWith('{')) return body;
  const d = JSON.parse(body) as Record<string, string>;
  const keep = ['Event-Name', 'Unique-ID', 'Channel-State', 'Channel-Call-State', 'Answer-State', 'Call-Direction', 'Other-Type', 'Other-Leg-Unique-ID'];
  return JSON.stringify({
    ...Object.fromEntries(keep.map((k) => [k, d[k]])),
    headers: Object.keys(d).filter((k) => !k.startsWith('variable_') && k !== 'Event-Calling-Line-Number').sort(),
  });
}

/**
 * bridged-rtp-stats-and-eavesdrop: a bridged call (both ends were baresip in the recording),
 * five rounds of uuid_dump json, a listen-only supervisor (`&eavesdrop(agent)`: no bridge
 * events) and a whisper supervisor (parked, uuid_setvar eavesdrop_whisper_aleg, sendmsg
 * eavesdrop). RECV_RTCP_MESSAGE is not compared here (its cadence was baresip's); the sim's
 * RTCP is covered by the hooks spec. baresip's console lines drive the SIP side.
 */
describe('FreeswitchSim conformance: bridged-rtp-stats-and-eavesdrop', () => {
  let sut: FreeswitchSim;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0 });
  });
  afterEach(() => sut.close());

  it('replays the recording', async () => {
    const result = await replayScenario('bridged-rtp-stats-and-eavesdrop', sut, {
      endpoints: { '1002': { ringAfterMs: 2, answerAfterMs: 30 } },
      normalizeBody: normalizeDump,
      onNote: (text) => {
        if (/^baresip agent1000 started/.test(text)) sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: 5 }, 120);
        else if (/^baresip caller: call: connecting to 'sip:(\d+)@/.test(text)) {
          void sut.placeCall({ from: 'caller', to: /sip:(\d+)@/.exec(text)?.[1] ?? '' });
        } else if (/^harness: stopping the two baresip processes/.test(text)) sut.unregisterEndpoint('1000');
      },
    });
    expectConforms(result);
  });
});
