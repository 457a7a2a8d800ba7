import { FreeswitchSim } from '@callplane/pbx-sim';
import { expectConforms, normalizeSofiaStatus } from './conformance.helpers';
import { replayScenario } from './replay-engine';

/**
 * registrations: sofia::register (Expires 60), sofia::unregister (Expires 0), a 10 s
 * registration that expires (FreeSWITCH adds the 60 s late margin; the sim scales that timer:
 * registrationTimeScale 0.002 turns 70 s into 140 ms), and `sofia status profile internal reg`
 * before and after. HEARTBEATs are not compared (the sim's are off here).
 */
describe('FreeswitchSim conformance: registrations', () => {
  let sut: FreeswitchSim;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ registrationTimeScale: 0.002, heartbeatMs: 0 });
  });
  afterEach(() => sut.close());

  it('registrations', async () => {
    const result = await replayScenario('registrations', sut, { normalizeBody: normalizeSofiaStatus });
    expectConforms(result);
    expect(result.connections[0].sequences['sofia'].actual.map((e) => e['Event-Subclass'])).toEqual([
      'sofia::register', 'sofia::unregister', 'sofia::register', 'sofia::expire',
    ]);
  });
});
