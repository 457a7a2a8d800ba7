import { AsteriskSim } from '@callplane/pbx-sim';
import { replayScenario } from './recorded-scenario.replayer';

describe(`${AsteriskSim.name} conformance: registrations and reconnect`, () => {
  it('registrations: endpoint subscription, online/Reachable/NonQualified, offline/Unreachable/Removed on unregister and on expiry, PJSIPShowContacts', async () => {
    // The recorded contact expired 62 s after an Expires 10 registration (raised to 60); the
    // simulator shortens that registration's expiry to 200 ms.
    const r = await replayScenario('registrations', {
      notes: [
        [/^sipp reg1001 started/, (h) => h.sim.registerEndpoint('1001')],
        [/^sipp unreg1001 started/, (h) => h.sim.unregisterEndpoint('1001')],
        [/^sipp reg1001short started/, (h) => h.sim.registerEndpoint('1001', undefined, 200)],
      ],
      amiEvents: ['PeerStatus', 'ContactStatus', 'ContactList', 'ContactListComplete'],
    });
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    // Recorded AMI order of PeerStatus/ContactStatus/DeviceStateChange varies between registrations (a race): compare as multisets.
    expect([...r.actualAmi].sort()).toEqual([...r.expectedAmi].sort());
  });

  it('ws-reconnect: REST works while the socket is closed, nothing replayed on reconnect, POST /variable pending until the playback stops', async () => {
    const r = await replayScenario('ws-reconnect', {
      simOptions: { soundDurationsMs: { 'demo-congrats': 30_000 } },
      notes: [
        [/^sipp caller sent: INVITE/, (h) => h.placeCaller()],
        [/^harness: closing the ARI events WebSocket/, (h) => h.closeWs()],
        [/^harness: reconnecting the ARI events WebSocket/, (h) => h.openWs()],
      ],
      amiEvents: ['Newchannel', 'Newstate', 'SoftHangupRequest', 'Hangup'],
    });
    expect(r.actualEvents).toEqual(r.expectedEvents);
    expect(r.actualRest).toEqual(r.expectedRest);
    expect(r.actualAmi).toEqual(r.expectedAmi);
  });
});
