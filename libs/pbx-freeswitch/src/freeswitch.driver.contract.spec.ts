import { FreeswitchSim } from '@callplane/pbx-sim';
import { describePbxDriverContract, describePbxDriverWireSafety } from '@callplane/testing';
import { FreeswitchDriver } from './freeswitch.driver';
import { TEST_OPTIONS } from './test/fs-harness';

async function setup() {
  const sim = await FreeswitchSim.start({ mediaTimeScale: 0.05, originateTimeScale: 0.05, heartbeatMs: 0 });
  const driver = new FreeswitchDriver({ id: 'fs-contract', name: 'fs-contract', connection: sim.connection }, TEST_OPTIONS);
  await driver.start();
  return {
    sim,
    driver,
    teardown: async () => {
      await driver.stop();
      await sim.close();
    },
  };
}

describePbxDriverContract('FreeSWITCH', setup);
describePbxDriverWireSafety('FreeSWITCH', setup);

