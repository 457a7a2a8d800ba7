import { randomUUID } from 'node:crypto';
import { CallTarget, CallTargetHandler, CallTargetRegistry, LiveCall } from '@callplane/calls';
import { PbxDrivers, PbxEvent, PbxType } from '@callplane/pbx';
import { AsteriskDriverFactory } from '@callplane/pbx-asterisk';
import { FreeswitchDriverFactory } from '@callplane/pbx-freeswitch';
import { AsteriskSim, FreeswitchSim, PbxSimulator, SimRequest } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import type { IvrFlowStore } from '../src/flow/ivr-flow.store';
import { IvrService } from '../src/ivr.service';
import { IvrCallLog, IvrCallOutcome } from '../src/runtime/ivr-call-log';
import type { IvrRunResult, IvrStep } from '../src/runtime/ivr-interpreter';
import { IvrStepLatency } from '../src/runtime/ivr-step-latency';
import { ivrTestKit } from '../src/ivr-test-kit';
import type { IvrOptions } from '../src/ivr.options';

/** Records what IvrService writes (the port's test double: no call engine in these tests). */
export class MemoryIvrCallLog extends IvrCallLog {
  readonly started: { callId: string; flowId: string; version: number }[] = [];
  readonly steps: (IvrStep & { callId: string })[] = [];
  readonly ended: (IvrRunResult & { callId: string })[] = [];
  readonly outcomes: { callId: string; disposition: IvrCallOutcome }[] = [];
  readonly answers: { callId: string; at: Date }[] = [];
  readonly handOffs: { callId: string; handedOff: boolean }[] = [];
  markOutcome(callId: string, disposition: IvrCallOutcome): void {
    this.outcomes.push({ callId, disposition });
  }
  async answered(callId: string, at: Date): Promise<void> {
    this.answers.push({ callId, at });
  }
  handedOff(callId: string, handedOff: boolean): void {
    this.handOffs.push({ callId, handedOff });
  }
  async flowStarted(callId: string, flowId: string, version: number): Promise<void> {
    this.started.push({ callId, flowId, version });
  }
  async step(callId: string, step: IvrStep): Promise<void> {
    this.steps.push({ callId, ...step });
  }
  async flowEnded(callId: string, result: IvrRunResult): Promise<void> {
    this.ended.push({ callId, ...result });
  }
  async flowVersionOf(callId: string): Promise<number | undefined> {
    return this.started.filter((s) => s.callId === callId).at(-1)?.version;
  }
}

/** Stands in for the ACD: accepts `queue` hand-offs and remembers them. */
export class RecordingQueueHandler extends CallTargetHandler {
  readonly targetType = 'queue';
  readonly handed: { callId: string; target: CallTarget }[] = [];
  async handle(call: LiveCall, target: CallTarget): Promise<void> {
    this.handed.push({ callId: call.id, target });
  }
}

/** Sound lengths, ms, the simulators play (long menus so that digits barge in). */
export const SOUNDS_MS: Record<string, number> = { 'main-menu': 30_000, 'support-menu': 300, invalid: 100, 'no-input': 100, goodbye: 100, welcome: 100 };

export const NODE_ID = 'pbx-ivr-test';

/**
 * An IvrService on a real driver connected to a simulator over sockets, with a given flow
 * store (a real database in the specs), a recording call log and a recording queue handler.
 */
export async function startLiveIvr(pbx: PbxType, store: IvrFlowStore, ivrOptions: Partial<IvrOptions> = {}) {
  const sim: PbxSimulator =
    pbx === 'asterisk'
      ? await AsteriskSim.start({ rtcpIntervalMs: 0, soundDurationsMs: SOUNDS_MS, defaultSoundDurationMs: 100, missingSounds: ['no-such-prompt'] })
      : await FreeswitchSim.start({ heartbeatMs: 0, media: { files: Object.fromEntries(Object.entries(SOUNDS_MS).map(([k, v]) => [`${k}.wav`, v])) } });
  const drivers = new PbxDrivers([new AsteriskDriverFactory(), new FreeswitchDriverFactory()], { reconnectMinMs: 50, reconnectMaxMs: 400, requestTimeoutMs: 3000 });
  const events: PbxEvent[] = [];
  drivers.onEvent((e) => events.push(e));
  await drivers.add({ id: NODE_ID, name: `ivr-${pbx}`, connection: sim.connection });
  await waitFor(() => events.some((e) => e.type === 'driver.connected'), `${pbx} driver connected`);
  const kit = ivrTestKit({ store, options: ivrOptions });
  const callLog = new MemoryIvrCallLog();
  const queues = new RecordingQueueHandler();
  // The registry discovers handlers in a Nest app; here the test registers the one it needs.
  const targets = new CallTargetRegistry(undefined as never);
  targets.register(queues);
  const latency = new IvrStepLatency();
  const sut = new IvrService(drivers, kit.flows, kit.interpreter, callLog, targets, latency);
  sut.onModuleInit();

  /** A caller dials in; the call is answered (as the call engine does) and returned as a LiveCall. */
  async function placeCall(from = '5551234', to = '7000'): Promise<LiveCall> {
    const channelId = await sim.placeCall({ from, to });
    await waitFor(() => events.some((e) => e.type === 'channel.offered' && e.channel.id === channelId), 'channel.offered');
    await drivers.driver(NODE_ID).answer(channelId);
    return { id: randomUUID(), nodeId: NODE_ID, channelId, callerNumber: from, callerName: '', calledNumber: to, answered: true, variables: {}, offeredAt: new Date() };
  }

  /** Requests to the simulator mentioning `text` (a prompt name, a command). */
  const requestsWith = (text: string): SimRequest[] => sim.requests().filter((r) => JSON.stringify(r).includes(text));
  /** Waits until the simulator got its `n`-th request mentioning `text`. */
  const waitForRequest = (text: string, n = 1) => waitFor(() => requestsWith(text).length >= n, `request #${n} mentioning ${text}`);
  /** The stop requests a barge-in makes: ARI `DELETE /ari/playbacks/{id}`; ESL `uuid_break <uuid> all`. */
  const stopRequests = (): SimRequest[] =>
    sim.requests().filter((r) => (r.protocol === 'ari' && r.method === 'DELETE' && r.path.startsWith('/ari/playbacks/')) || (r.protocol === 'esl' && /\buuid_break\b/.test(r.path)));

  return {
    sim,
    drivers,
    events,
    kit,
    callLog,
    queues,
    sut,
    targets,
    latency,
    placeCall,
    requestsWith,
    waitForRequest,
    stopRequests,
    close: async () => {
      sut.onModuleDestroy();
      await drivers.stopAll();
      await sim.close();
    },
  };
}
