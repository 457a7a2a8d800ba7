import { AsteriskSim } from '@callplane/pbx-sim';
import { describePbxDriverContract, describePbxDriverWireSafety } from '@callplane/testing';
import { AsteriskDriver } from './asterisk.driver';

const OPTIONS = { reconnectMinMs: 50, reconnectMaxMs: 500, requestTimeoutMs: 3000 };

async function setup() {
  const sim = await AsteriskSim.start({ soundDurationsMs: { 'hello-world': 150 }, rtcpIntervalMs: 0 });
  const driver = new AsteriskDriver({ id: 'contract-ast', name: 'Contract Asterisk', connection: sim.connection }, OPTIONS);
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

describePbxDriverContract(AsteriskDriver.name, setup);
describePbxDriverWireSafety(AsteriskDriver.name, setup);
