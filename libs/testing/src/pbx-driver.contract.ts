import {
  ChannelNotFoundError,
  OriginateFailedError,
  type PbxDriver,
  type PbxEvent,
  type PbxEventMap,
  type PbxEventType,
} from '@callplane/pbx';
import { sleep, waitFor } from './wait-for';

/**
 * The part of pbx-sim's `PbxSimulator` (libs/pbx-sim/src/pbx-sim.types.ts) the contract drives;
 * both simulators satisfy it structurally. Declared here so this library needs no import of
 * the simulator app.
 */
export interface ContractSimulator {
  registerEndpoint(resource: string, behaviour?: { ringAfterMs?: number; answerAfterMs?: number | null; busy?: boolean }): void;
  unregisterEndpoint(resource: string): void;
  placeCall(call: { from: string; fromName?: string; to: string }): Promise<string>;
  sendDtmf(channelId: string, digit: string, durationMs?: number): void;
  hangup(channelId: string, cause?: number): void;
  channels(): Array<{ id: string; state: string }>;
  bridges(): Array<{ id: string; type: 'holding' | 'mixing'; channelIds: string[] }>;
  dropConnections(): void;
}

/** What one contract case needs: a running simulator and a started driver connected to it. */
export interface PbxDriverContractSetup {
  sim: ContractSimulator;
  driver: PbxDriver;
  /** Stops the driver and closes the simulator. */
  teardown: () => Promise<void>;
}

/**
 * Records every event a driver emits, so cases can wait for one and count them afterwards.
 * Attach before acting; events emitted before {@link EventLog.attach} are not seen.
 */
export class EventLog {
  readonly events: PbxEvent[] = [];
  private detach?: () => void;

  attach(driver: PbxDriver): this {
    this.detach = driver.onEvent((e) => this.events.push(e));
    return this;
  }

  close(): void {
    this.detach?.();
  }

  /** Events of one type matching `match`, in order. */
  all<T extends PbxEventType>(type: T, match: (e: PbxEventMap[T]) => boolean = () => true): PbxEventMap[T][] {
    return this.events.filter((e): e is PbxEventMap[T] => e.type === type && match(e as PbxEventMap[T]));
  }

  /** Waits for the first event of `type` matching `match` (timeout bounds a hang only). */
  next<T extends PbxEventType>(type: T, match: (e: PbxEventMap[T]) => boolean = () => true, timeoutMs = 10_000): Promise<PbxEventMap[T]> {
    return waitFor(() => this.all(type, match)[0], `${type} event`, timeoutMs);
  }
}

/** How long a case keeps listening after the last expected event to prove nothing else (a duplicate) arrives, ms. */
const QUIET_MS = 400;

/**
 * The PBX-neutral driver contract: the same cases run against every {@link PbxDriver} through
 * its simulator, using only the port and the simulator scripting interface ({@link ContractSimulator},
 * a subset of pbx-sim's `PbxSimulator`).
 *
 * `setup` runs before each case and must return a simulator plus a driver that is already
 * started (`await driver.start()`) and connected to it; `teardown` runs after each case.
 *
 * Endpoints used: `2001`…`2004` (registered by the cases themselves), DID `7000`, caller `5551234`.
 */
export function describePbxDriverContract(name: string, setup: () => Promise<PbxDriverContractSetup>): void {
  describe(`${name} PbxDriver contract`, () => {
    let sim: ContractSimulator;
    let sut: PbxDriver;
    let teardown: () => Promise<void>;
    let log: EventLog;

    beforeEach(async () => {
      ({ sim, driver: sut, teardown } = await setup());
      log = new EventLog().attach(sut);
    });

    afterEach(async () => {
      log.close();
      await teardown();
    });

    /** Places an inbound call and waits until the driver offered it. */
    async function offeredCall(): Promise<string> {
      const channelId = await sim.placeCall({ from: '5551234', fromName: 'Contract Caller', to: '7000' });
      await log.next('channel.offered', (e) => e.channel.id === channelId);
      return channelId;
    }

    async function answeredCall(): Promise<string> {
      const channelId = await offeredCall();
      await sut.answer(channelId);
      await log.next('channel.state', (e) => e.channelId === channelId && e.state === 'up');
      return channelId;
    }

    it('offers an inbound call, answers, plays a prompt to the end and hangs up with cause 16 exactly once', async () => {
      const channelId = await sim.placeCall({ from: '5551234', fromName: 'Contract Caller', to: '7000' });
      const offered = await log.next('channel.offered', (e) => e.channel.id === channelId);
      expect(offered.channel).toMatchObject({ id: channelId, direction: 'inbound', dialed: '7000', caller: { number: '5551234' } });

      await sut.answer(channelId);
      await log.next('channel.state', (e) => e.channelId === channelId && e.state === 'up');

      const playbackId = await sut.play(channelId, ['sound:hello-world']);
      expect(typeof playbackId).toBe('string');
      const finished = await log.next('playback.finished', (e) => e.playbackId === playbackId);
      expect(finished.status).toBe('done');

      await sut.hangup(channelId);
      const hangup = await log.next('channel.hangup', (e) => e.channelId === channelId);
      expect(hangup.cause).toBe(16);
      await sleep(QUIET_MS);
      expect(log.all('channel.hangup', (e) => e.channelId === channelId)).toHaveLength(1);
      expect(log.all('channel.offered', (e) => e.channel.id === channelId)).toHaveLength(1);
    });

    it('reports DTMF digits the caller sends', async () => {
      const channelId = await answeredCall();
      sim.sendDtmf(channelId, '5');
      sim.sendDtmf(channelId, '#');
      await log.next('channel.dtmf', (e) => e.channelId === channelId && e.digit === '#');
      expect(log.all('channel.dtmf', (e) => e.channelId === channelId).map((e) => e.digit)).toEqual(['5', '#']);
    });

    it('reports a far-end hangup once, with its cause', async () => {
      const channelId = await answeredCall();
      sim.hangup(channelId, 16);
      const hangup = await log.next('channel.hangup', (e) => e.channelId === channelId);
      expect(hangup.cause).toBe(16);
      await sleep(QUIET_MS);
      expect(log.all('channel.hangup', (e) => e.channelId === channelId)).toHaveLength(1);
    });

    it('originates to a busy endpoint: the leg ends with cause 17', async () => {
      sim.registerEndpoint('2001', { busy: true });
      const channel = await sut.originate({ endpoint: '2001', timeoutS: 10 });
      expect(channel.direction).toBe('outbound');
      const hangup = await log.next('channel.hangup', (e) => e.channelId === channel.id);
      expect(hangup.cause).toBe(17);
      expect(log.all('channel.offered', (e) => e.channel.id === channel.id)).toHaveLength(0);
    });

    it('rejects an originate to an unregistered endpoint with OriginateFailedError', async () => {
      sim.registerEndpoint('2002');
      sim.unregisterEndpoint('2002');
      await expect(sut.originate({ endpoint: '2002', timeoutS: 10 })).rejects.toBeInstanceOf(OriginateFailedError);
    });

    it('rings two endpoints: the first to answer is up, the other is hung up', async () => {
      sim.registerEndpoint('2001', { answerAfterMs: 100 });
      sim.registerEndpoint('2002', { answerAfterMs: null });
      const [a, b] = await Promise.all([
        sut.originate({ endpoint: '2001', timeoutS: 10, callerId: { number: '5551234', name: 'Contract Caller' } }),
        sut.originate({ endpoint: '2002', timeoutS: 10 }),
      ]);
      const up = await log.next('channel.state', (e) => (e.channelId === a.id || e.channelId === b.id) && e.state === 'up');
      expect(up.channelId).toBe(a.id);
      await sut.hangup(b.id);
      const hangup = await log.next('channel.hangup', (e) => e.channelId === b.id);
      expect(hangup.cause).toBe(16);
      expect(log.all('channel.hangup', (e) => e.channelId === a.id)).toHaveLength(0);
      expect(sim.channels().find((c) => c.id === a.id)?.state).toBe('Up');
    });

    it('bridges two channels (bridge.entered for each)', async () => {
      sim.registerEndpoint('2003', { answerAfterMs: 50 });
      const caller = await answeredCall();
      const agent = await sut.originate({ endpoint: '2003', timeoutS: 10 });
      await log.next('channel.state', (e) => e.channelId === agent.id && e.state === 'up');

      const bridgeId = await sut.createBridge('mixing');
      await sut.addToBridge(bridgeId, [caller, agent.id]);
      await log.next('bridge.entered', (e) => e.bridgeId === bridgeId && e.channelId === caller);
      await log.next('bridge.entered', (e) => e.bridgeId === bridgeId && e.channelId === agent.id);
      // Matched by members: FreeSWITCH has no bridge objects, so the PBX's id for the pair is not callplane's bridge id.
      const simBridge = sim.bridges().find((b) => b.channelIds.includes(caller));
      expect(simBridge?.type).toBe('mixing');
      expect([...(simBridge?.channelIds ?? [])].sort()).toEqual([caller, agent.id].sort());
    });

    it('reconnects after the PBX drops the connections and reports the live call in the snapshot', async () => {
      const channelId = await answeredCall();
      sim.dropConnections();
      await log.next('driver.disconnected');
      const connected = await log.next('driver.connected', (e) => e.reconnect, 20_000);
      expect(connected.snapshot.channels.map((c) => c.id)).toContain(channelId);
      // Events flow again on the new connection.
      await waitFor(() => sut.health().status === 'up', 'driver health up', 20_000);
      sim.sendDtmf(channelId, '7');
      await log.next('channel.dtmf', (e) => e.channelId === channelId && e.digit === '7');
    });

    it('rejects commands on a channel that is gone with ChannelNotFoundError', async () => {
      const channelId = await answeredCall();
      sim.hangup(channelId);
      await log.next('channel.hangup', (e) => e.channelId === channelId);
      await expect(sut.answer(channelId)).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(sut.play(channelId, ['sound:hello-world'])).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(sut.hangup(channelId)).rejects.toBeInstanceOf(ChannelNotFoundError);
      await expect(sut.answer('no-such-channel-id')).rejects.toBeInstanceOf(ChannelNotFoundError);
    });
  });
}
