import { AsteriskSim } from '@callplane/pbx-sim';
import { replayScenario, type ScenarioScript } from './recorded-scenario.replayer';

const AMI_CALL = ['Newchannel', 'Newstate', 'HangupRequest', 'SoftHangupRequest', 'Hangup', 'DTMFBegin', 'DTMFEnd'];

const inboundScript = (extra: ScenarioScript['notes'] = []): ScenarioScript => ({
  simOptions: { soundDurationsMs: { 'hello-world': 300, 'demo-congrats': 30_000, 'digits/1': 900 } },
  notes: [[/^sipp caller sent: INVITE/, (h) => h.placeCaller()], ...extra],
  amiEvents: AMI_CALL,
});

describe(`${AsteriskSim.name} conformance: inbound calls`, () => {
  it('inbound-answer-play-hangup: StasisStart Ring → Up → playback done → QoS varsets → HangupRequest 32/soft → StasisEnd, no ChannelDestroyed', async () => {
    const r = await replayScenario('inbound-answer-play-hangup', inboundScript());
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });

  it('inbound-caller-hangup-during-playback: HangupRequest without cause → PlaybackFinished failed → StasisEnd (a later frame); then 404s', async () => {
    const r = await replayScenario(
      'inbound-caller-hangup-during-playback',
      inboundScript([[/^sipp caller sent: BYE/, (h) => h.sim.hangup(h.callerId())]]),
    );
    expect(r.actualEvents).toEqual(r.expectedEvents);
    const types = (r.actualEvents as Array<{ type: string }>).map((e) => e.type);
    const pf = types.indexOf('PlaybackFinished');
    expect(types.slice(pf - 1, pf + 2)).toEqual(['ChannelHangupRequest', 'PlaybackFinished', 'StasisEnd']);
    // Recorded 1 ms apart, and on the live suite a client awaiting the PlaybackFinished acted on it
    // (the ACD created a holding bridge) before the StasisEnd reached it: so must it here.
    expect(r.arrivedWhenHandled[pf]).toBe(pf + 1);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });

  it('inbound-dtmf-bargein: ChannelDtmfReceived 1/2/# with duration_ms 280, DELETE playback → PlaybackFinished done', async () => {
    // The caller's RFC 2833 digits come from pcap replays 2 s / 2.7 s / 3.4 s after its ACK (no SIP
    // notes); here they start right after the 200 OK, 0.7 s apart, which keeps the recorded order
    // relative to the prompts (digit 1 during demo-congrats, digit 2 during digits/1, # after it).
    const r = await replayScenario(
      'inbound-dtmf-bargein',
      inboundScript([
        [
          /^sipp caller received: SIP\/2.0 200 OK \[CSeq: 1 INVITE/,
          (h) => {
            const id = h.callerId();
            setTimeout(() => h.sim.sendDtmf(id, '1'), 50);
            setTimeout(() => h.sim.sendDtmf(id, '2'), 750);
            setTimeout(() => h.sim.sendDtmf(id, '#'), 1450);
          },
        ],
      ]),
    );
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });

  it('hold-mute-moh: ARI hold/mute/moh give 204 and no ARI events (AMI MusicOnHoldStart/Stop); the phone\'s own re-INVITE hold gives ChannelHold/ChannelUnhold', async () => {
    const r = await replayScenario('hold-mute-moh', {
      notes: [
        [/^sipp caller sent: INVITE .*CSeq: 1 INVITE/, (h) => h.placeCaller()],
        [/^sipp caller sent: INVITE .*a=sendonly/, (h) => h.sim.phoneHold(h.callerId(), true)],
        [/^sipp caller sent: INVITE .*CSeq: 13 INVITE.*a=sendrecv/, (h) => h.sim.phoneHold(h.callerId(), false)],
      ],
      amiEvents: [...AMI_CALL, 'MusicOnHoldStart', 'MusicOnHoldStop', 'Hold', 'Unhold'],
    });
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });
});
