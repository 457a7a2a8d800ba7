import * as net from 'node:net';
import { FreeswitchSim } from '@callplane/pbx-sim';
import type { FreeswitchSimOptions } from '@callplane/pbx-sim';
import type { FreeswitchConnectionConfig } from '@callplane/pbx';
import { EventLog } from '@callplane/testing';
import { FreeswitchDriver } from '../freeswitch.driver';

/** Test-only wiring of a FreeswitchDriver to a FreeswitchSim over real sockets (imported by specs only). */
export interface FsHarness {
  sim: FreeswitchSim;
  sut: FreeswitchDriver;
  log: EventLog;
  close: () => Promise<void>;
}

export const TEST_OPTIONS = { reconnectMinMs: 20, reconnectMaxMs: 200, requestTimeoutMs: 2000 };

export async function startHarness(simOptions: FreeswitchSimOptions = {}, connection: Partial<FreeswitchConnectionConfig> = {}): Promise<FsHarness> {
  const sim = await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0, media: { defaultFileMs: 400 }, ...simOptions });
  const sut = new FreeswitchDriver(
    { id: 'fs-1', name: 'fs-test', connection: { ...sim.connection, ...connection } as FreeswitchConnectionConfig },
    TEST_OPTIONS,
    { outboundHost: '127.0.0.1' },
  );
  const log = new EventLog().attach(sut);
  await sut.start();
  return {
    sim,
    sut,
    log,
    close: async () => {
      log.close();
      await sut.stop();
      await sim.close();
    },
  };
}

/** A port that was free a moment ago (for the outbound listener the sim must know in advance). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
