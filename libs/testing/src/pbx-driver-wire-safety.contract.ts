import { PbxInvalidArgumentError, type PbxDriver } from '@callplane/pbx';
import type { ContractSimulator, PbxDriverContractSetup } from './pbx-driver.contract';
import { EventLog } from './pbx-driver.contract';
import { sleep } from './wait-for';

/** The simulator's request log (pbx-sim `PbxSimulator.requests()`): what reached the PBX. */
export interface WireSafetySimulator extends ContractSimulator {
  requests(): Array<{ protocol: string; method: string; path: string }>;
  clearRequests(): void;
}

export interface PbxDriverWireSafetySetup extends PbxDriverContractSetup {
  sim: WireSafetySimulator;
}

/** Line breaks and NUL: each ends an AMI header / ESL command line on a line protocol. */
const SEPARATORS: Array<[string, string]> = [
  ['LF', '\n'],
  ['CRLF', '\r\n'],
  ['NUL', '\0'],
];

/**
 * Issue 13's payload around `base`: with LF it is the reported one — a blank line ends the ESL
 * command, then `api show channels` and a `bgapi originate` of endpoint 2001 follow.
 */
export function injected(base: string, sep: string): string {
  return `${base}${sep}${sep}api show channels as json${sep}${sep}bgapi originate user/2001 &park${sep}${sep}`;
}

interface Live {
  channelId: string;
  bridgeId: string;
}

interface WireCase {
  command: string;
  field: string;
  /** The value the payload is built around (a live id where the command takes one). */
  base: (live: Live) => string;
  run: (sut: PbxDriver, bad: string, live: Live) => Promise<unknown>;
}

const PROMPT = 'sound:hello-world';

/** Every driver command that takes a string, once per string argument. */
const CASES: WireCase[] = [
  { command: 'answer', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.answer(bad) },
  { command: 'hangup', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.hangup(bad) },
  { command: 'ring', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.ring(bad) },
  { command: 'play', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.play(bad, [PROMPT]) },
  { command: 'play', field: 'prompts', base: () => PROMPT, run: (d, bad, l) => d.play(l.channelId, [PROMPT, bad]) },
  { command: 'play', field: 'playbackId', base: () => 'pb-1', run: (d, bad, l) => d.play(l.channelId, [PROMPT], { playbackId: bad }) },
  { command: 'play', field: 'language', base: () => 'en', run: (d, bad, l) => d.play(l.channelId, [PROMPT], { language: bad }) },
  { command: 'stopPlayback', field: 'playbackId', base: () => 'pb-1', run: (d, bad) => d.stopPlayback(bad) },
  { command: 'sendDtmf', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.sendDtmf(bad, '1') },
  { command: 'sendDtmf', field: 'digits', base: () => '1', run: (d, bad, l) => d.sendDtmf(l.channelId, bad) },
  { command: 'originate', field: 'endpoint', base: () => '2001', run: (d, bad) => d.originate({ endpoint: bad, timeoutS: 5 }) },
  { command: 'originate', field: 'channelId', base: () => 'leg-1', run: (d, bad) => d.originate({ endpoint: '2001', timeoutS: 5, channelId: bad }) },
  { command: 'originate', field: 'callerId.number', base: () => '5551234', run: (d, bad) => d.originate({ endpoint: '2001', timeoutS: 5, callerId: { number: bad, name: 'Caller' } }) },
  { command: 'originate', field: 'callerId.name', base: () => 'Caller', run: (d, bad) => d.originate({ endpoint: '2001', timeoutS: 5, callerId: { number: '5551234', name: bad } }) },
  { command: 'originate', field: 'variables', base: () => 'queue', run: (d, bad) => d.originate({ endpoint: '2001', timeoutS: 5, variables: { [bad]: 'sales' } }) },
  { command: 'originate', field: 'variables.queue', base: () => 'sales', run: (d, bad) => d.originate({ endpoint: '2001', timeoutS: 5, variables: { queue: bad } }) },
  { command: 'createBridge', field: 'bridgeId', base: () => 'br-1', run: (d, bad) => d.createBridge('mixing', bad) },
  { command: 'destroyBridge', field: 'bridgeId', base: (l) => l.bridgeId, run: (d, bad) => d.destroyBridge(bad) },
  { command: 'addToBridge', field: 'bridgeId', base: (l) => l.bridgeId, run: (d, bad, l) => d.addToBridge(bad, [l.channelId]) },
  { command: 'addToBridge', field: 'channelIds', base: (l) => l.channelId, run: (d, bad, l) => d.addToBridge(l.bridgeId, [bad]) },
  { command: 'removeFromBridge', field: 'bridgeId', base: (l) => l.bridgeId, run: (d, bad, l) => d.removeFromBridge(bad, l.channelId) },
  { command: 'removeFromBridge', field: 'channelId', base: (l) => l.channelId, run: (d, bad, l) => d.removeFromBridge(l.bridgeId, bad) },
  { command: 'startBridgeMoh', field: 'bridgeId', base: (l) => l.bridgeId, run: (d, bad) => d.startBridgeMoh(bad) },
  { command: 'startBridgeMoh', field: 'mohClass', base: () => 'default', run: (d, bad, l) => d.startBridgeMoh(l.bridgeId, bad) },
  { command: 'stopBridgeMoh', field: 'bridgeId', base: (l) => l.bridgeId, run: (d, bad) => d.stopBridgeMoh(bad) },
  { command: 'hold', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.hold(bad) },
  { command: 'unhold', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.unhold(bad) },
  { command: 'mute', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.mute(bad) },
  { command: 'unmute', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.unmute(bad) },
  { command: 'record', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.record({ channelId: bad }, { name: 'rec-1' }) },
  { command: 'record', field: 'bridgeId', base: (l) => l.bridgeId, run: (d, bad) => d.record({ bridgeId: bad }, { name: 'rec-1' }) },
  { command: 'record', field: 'name', base: () => 'rec-1', run: (d, bad, l) => d.record({ channelId: l.channelId }, { name: bad }) },
  { command: 'stopRecording', field: 'name', base: () => 'rec-1', run: (d, bad) => d.stopRecording(bad) },
  { command: 'snoop', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.snoop(bad, { spy: 'both', whisper: 'none' }) },
  { command: 'snoop', field: 'args', base: () => 'supervisor', run: (d, bad, l) => d.snoop(l.channelId, { spy: 'both', whisper: 'none', args: [bad] }) },
  { command: 'rtpStatistics', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.rtpStatistics(bad) },
  { command: 'redirect', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.redirect(bad, { extension: '1000' }) },
  { command: 'redirect', field: 'extension', base: () => '1000', run: (d, bad, l) => d.redirect(l.channelId, { extension: bad }) },
  { command: 'redirect', field: 'context', base: () => 'default', run: (d, bad, l) => d.redirect(l.channelId, { extension: '1000', context: bad }) },
  { command: 'setVariable', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.setVariable(bad, 'account', '42') },
  { command: 'setVariable', field: 'name', base: () => 'account', run: (d, bad, l) => d.setVariable(l.channelId, bad, '42') },
  { command: 'setVariable', field: 'value', base: () => '42', run: (d, bad, l) => d.setVariable(l.channelId, 'account', bad) },
  { command: 'getVariable', field: 'channelId', base: (l) => l.channelId, run: (d, bad) => d.getVariable(bad, 'account') },
  { command: 'getVariable', field: 'name', base: () => 'account', run: (d, bad, l) => d.getVariable(l.channelId, bad) },
  { command: 'endpoint', field: 'resource', base: () => '2001', run: (d, bad) => d.endpoint(bad) },
];

/** Requests the driver sends on its own timers (AMI keep-alive, ESL idle probe), not caused by a case. */
function caused(r: { protocol: string; method: string; path: string }): boolean {
  return !(r.protocol === 'ami' && r.method === 'Ping') && !(r.protocol === 'esl' && r.path === 'api status');
}

/**
 * Issue 13 item 1 as a contract: for every driver command and every string argument, a value
 * with LF, CRLF or NUL rejects with PbxInvalidArgumentError naming the argument, and nothing
 * reaches the PBX — no request at all, so no second ESL command or AMI action, and no channel
 * originated to the registered endpoint 2001. One simulator and one answered call for the suite.
 */
export function describePbxDriverWireSafety(name: string, setup: () => Promise<PbxDriverWireSafetySetup>): void {
  describe(`${name} PbxDriver wire safety (issue 13)`, () => {
    let env: PbxDriverWireSafetySetup;
    let log: EventLog;
    const live: Live = { channelId: '', bridgeId: '' };

    beforeAll(async () => {
      env = await setup();
      log = new EventLog().attach(env.driver);
      env.sim.registerEndpoint('2001', { answerAfterMs: 50 });
      live.channelId = await env.sim.placeCall({ from: '5551234', fromName: 'Contract Caller', to: '7000' });
      await log.next('channel.offered', (e) => e.channel.id === live.channelId);
      await env.driver.answer(live.channelId);
      await log.next('channel.state', (e) => e.channelId === live.channelId && e.state === 'up');
      live.bridgeId = await env.driver.createBridge('mixing');
    });

    afterAll(async () => {
      log?.close();
      await env?.teardown();
    });

    const table = CASES.flatMap((c) => SEPARATORS.map(([sepName, sep]) => [`${c.command} ${c.field} with ${sepName}`, c, sep] as const));

    it.each(table)('%s: rejects with pbx-invalid-argument and sends nothing', async (_title, c, sep) => {
      const bad = injected(c.base(live), sep);
      const channelsBefore = env.sim.channels().map((ch) => ch.id).sort();
      env.sim.clearRequests();

      const result = c.run(env.driver, bad, live);
      await expect(result).rejects.toBeInstanceOf(PbxInvalidArgumentError);
      await expect(result).rejects.toMatchObject({ code: 'pbx-invalid-argument', field: c.field });

      await sleep(30);
      expect(env.sim.requests().filter(caused)).toEqual([]);
      expect(env.sim.channels().map((ch) => ch.id).sort()).toEqual(channelsBefore);
    });

    it('leaves the call as it was: still up, nothing originated, nothing offered', async () => {
      expect(env.sim.channels().map((ch) => ch.id)).toEqual([live.channelId]);
      expect(log.all('channel.hangup')).toEqual([]);
      expect(log.all('channel.offered').map((e) => e.channel.id)).toEqual([live.channelId]);
    });
  });
}
