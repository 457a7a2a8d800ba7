import { AsteriskSim, type AsteriskSimOptions } from '@callplane/pbx-sim';
import { EventLog } from '@callplane/testing';
import type { AsteriskConnectionConfig, PbxDriverOptions } from '@callplane/pbx';
import { AsteriskDriver } from '../asterisk.driver';

export const FAST_RECONNECT: PbxDriverOptions = { reconnectMinMs: 50, reconnectMaxMs: 400, requestTimeoutMs: 3000 };

export interface Harness {
  sim: AsteriskSim;
  sut: AsteriskDriver;
  log: EventLog;
  close: () => Promise<void>;
}

/** A simulator plus a started driver on it, with every event recorded. */
export async function startHarness(
  simOptions: AsteriskSimOptions = {},
  opts: { driver?: Partial<PbxDriverOptions>; connection?: Partial<AsteriskConnectionConfig> } = {},
): Promise<Harness> {
  const sim = await AsteriskSim.start({ rtcpIntervalMs: 0, ...simOptions });
  const sut = new AsteriskDriver({ id: 'ast-test', name: 'Test Asterisk', connection: { ...sim.connection, ...opts.connection } }, { ...FAST_RECONNECT, ...opts.driver });
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

/** Places an inbound call to 7000 and waits for its channel.offered; answers it when asked. */
export async function inboundCall(h: Harness, answer = true): Promise<string> {
  const channelId = await h.sim.placeCall({ from: '5551234', fromName: 'Caller', to: '7000' });
  await h.log.next('channel.offered', (e) => e.channel.id === channelId);
  if (answer) {
    await h.sut.answer(channelId);
    await h.log.next('channel.state', (e) => e.channelId === channelId && e.state === 'up');
  }
  return channelId;
}
