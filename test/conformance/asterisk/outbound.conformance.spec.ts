import { AsteriskSim } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { type AriEvent, replayScenario } from './recorded-scenario.replayer';

const AMI_DIAL = ['Newchannel', 'Newstate', 'HangupRequest', 'SoftHangupRequest', 'Hangup', 'DialBegin', 'DialState', 'DialEnd'];
const register = (resource: string) => (h: { sim: AsteriskSim }) => h.sim.registerEndpoint(resource);
const unregister = (resource: string) => (h: { sim: AsteriskSim }) => h.sim.unregisterEndpoint(resource);

describe(`${AsteriskSim.name} conformance: outbound legs`, () => {
  it('originate-unregistered: 500 {"error":"Allocation failed"} for originate and create, no events', async () => {
    const r = await replayScenario('originate-unregistered', { notes: [], amiEvents: AMI_DIAL });
    expect(r.expectedRest.length).toBe(5);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualEvents).toEqual([]);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });

  it('originate-busy: created leg Dial "" → HangupRequest 17/486 → StasisEnd → Destroyed; originate adds Dial BUSY and never StasisStart', async () => {
    const r = await replayScenario('originate-busy', {
      notes: [
        [/^sipp reg1002 started/, (h) => h.sim.registerEndpoint('1002', { busy: true })],
        [/^sipp unreg1002 started/, unregister('1002')],
      ],
      amiEvents: AMI_DIAL,
    });
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });

  it('ring-all-first-answer-wins: holding bridge + MOH, two legs, first answer wins, cancelled leg destroyed 16, mixing bridge, bridge recording', async () => {
    // The simulator does not model the hidden Recorder channel of a bridge recording nor the
    // connected-line churn it causes (BRIDGEPEER/BRIDGEPVTCALLID varsets, ChannelConnectedLine):
    // those events are left out on both sides.
    const bridgePeerNoise = (e: AriEvent): boolean =>
      (e.type === 'ChannelVarset' && /^BRIDGEP/.test(String(e.variable))) || e.type === 'ChannelConnectedLine';
    const r = await replayScenario('ring-all-first-answer-wins', {
      simOptions: { soundDurationsMs: {} },
      notes: [
        // Recorded order is a race between 1001's 180 Ringing and the second channels/create: 1001's
        // RINGING came after 1002's StasisStart. A 150 ms ring delay reproduces that order reliably.
        [/^sipp reg1001 started/, (h) => h.sim.registerEndpoint('1001', { ringAfterMs: 150, answerAfterMs: 500 })],
        [/^sipp reg1002 started/, (h) => h.sim.registerEndpoint('1002', { ringAfterMs: 3, answerAfterMs: null })],
        [/^sipp caller sent: INVITE/, (h) => h.placeCaller()],
        [/^sipp caller sent: BYE/, (h) => h.sim.hangup(h.callerId())],
        [/^sipp unreg1001 started/, unregister('1001')],
        [/^sipp unreg1002 started/, unregister('1002')],
      ],
      ignoreEvent: bridgePeerNoise,
      amiEvents: [...AMI_DIAL, 'BridgeCreate', 'BridgeEnter', 'BridgeLeave', 'BridgeDestroy', 'PeerStatus', 'ContactStatus'],
    });
    // Bridge technology varies in the recording (simple_bridge/native_rtp/softmix while the Recorder is in): compare the type.
    const tech = (events: unknown[]): unknown[] =>
      events.map((e) => {
        const ev = e as { bridge?: { technology: string; bridge_type: string; channels: unknown[] }; recording?: { duration?: number } };
        // The replay compresses the 5 s talk time: the recording's duration (s) is compared as a number.
        if (typeof ev.recording?.duration === 'number') return { ...ev, recording: { ...ev.recording, duration: '<s>' } };
        if (!ev.bridge || ev.bridge.bridge_type !== 'mixing') return e;
        return { ...ev, bridge: { ...ev.bridge, technology: '<mixing>', channels: '<channels>' } };
      });
    expect(tech(r.actualEvents)).toEqual(tech(r.expectedEvents));
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });
});

describe(`${AsteriskSim.name} conformance: leaving Stasis`, () => {
  it('redirect-blind: continue → 204 + StasisEnd; the dialplan Dial runs on AMI only; GET shows dialplan Dial and connected Ext 1002', async () => {
    const r = await replayScenario('redirect-blind', {
      notes: [
        [/^sipp reg1002 started/, (h) => h.sim.registerEndpoint('1002', { ringAfterMs: 3, answerAfterMs: 300 })],
        [/^sipp caller sent: INVITE/, (h) => h.placeCaller()],
        [
          /^sipp caller sent: BYE/,
          // No ARI event paces this step any more (the channel left Stasis): wait for 1002 to answer first, as recorded.
          async (h) => {
            await waitFor(() => h.sim.channels().some((c) => c.endpoint === '1002' && c.state === 'Up'), '1002 answered');
            h.sim.hangup(h.callerId());
          },
        ],
        [/^sipp unreg1002 started/, (h) => h.sim.unregisterEndpoint('1002')],
      ],
      // The basic (non-Stasis) bridge of the dialplan Dial is not modelled on AMI.
      amiEvents: ['Newchannel', 'DialBegin', 'DialState', 'DialEnd', 'HangupRequest', 'Hangup'],
    });
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });
});
