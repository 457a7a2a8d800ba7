import { performance } from 'node:perf_hooks';
import { AsteriskSim, FreeswitchSim, PbxSimulator, SimRequest } from '@callplane/pbx-sim';

/**
 * The PBX simulator in its own process (forked by bench/run.ts), so its CPU does not share
 * callplane's event loop — as a real PBX would not. Timestamps come from this process's
 * monotonic clock: the offer is stamped when `placeCall` resolves (StasisStart / CHANNEL_PARK
 * sent), requests when the simulator receives them.
 */
type Command =
  | { cmd: 'start'; pbx: 'asterisk' | 'freeswitch' }
  | { cmd: 'register'; endpoints: string[]; answerAfterMs: number }
  | { cmd: 'load'; rate: number; durationS: number; holdMs: number; prefix: string }
  | { cmd: 'hold'; count: number; rate: number; prefix: string; to?: string }
  | { cmd: 'dtmfAll'; digit: string; spreadMs: number }
  | { cmd: 'hangupAll' }
  | { cmd: 'stop' };

let sim: PbxSimulator | undefined;
const held: string[] = [];

interface CallTiming {
  number: string;
  channelId: string;
  offeredAt: number;
  answerAt?: number;
  dialAt?: number;
}
const byNumber = new Map<string, CallTiming>();
const byChannel = new Map<string, CallTiming>();

function isAnswer(req: SimRequest): string | undefined {
  if (req.protocol === 'ari') {
    const m = /^\/ari\/channels\/([^/]+)\/answer$/.exec(req.path);
    return m?.[1];
  }
  if (req.protocol === 'esl') {
    const m = /^(?:api |bgapi )?uuid_answer ([0-9a-f-]+)/.exec(req.path) ?? (req.params['execute-app-name'] === 'answer' ? /sendmsg ([0-9a-f-]+)/.exec(req.path) : null);
    return m?.[1];
  }
  return undefined;
}

function dialNumber(req: SimRequest): string | undefined {
  if (req.protocol === 'ari' && req.method === 'POST' && (req.path === '/ari/channels/create' || req.path === '/ari/channels')) {
    return /<(\d+)>/.exec(req.params.callerId ?? req.params['variables.CALLERID(all)'] ?? '')?.[1];
  }
  if (req.protocol === 'esl' && /originate /.test(req.path)) return /origination_caller_id_number=(\d+)/.exec(req.path)?.[1];
  return undefined;
}

function onRequest(req: SimRequest): void {
  const now = performance.now();
  const answered = isAnswer(req);
  if (answered) {
    const t = byChannel.get(answered);
    if (t && t.answerAt === undefined) t.answerAt = now;
    return;
  }
  const number = dialNumber(req);
  if (number) {
    const t = byNumber.get(number);
    if (t && t.dialAt === undefined) t.dialAt = now;
  }
}

async function place(number: string, to = '7000'): Promise<CallTiming | undefined> {
  const t: CallTiming = { number, channelId: '', offeredAt: 0 };
  byNumber.set(number, t);
  try {
    t.channelId = await sim!.placeCall({ from: number, fromName: 'Bench', to });
  } catch {
    return undefined;
  }
  t.offeredAt = performance.now();
  byChannel.set(t.channelId, t);
  return t;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function handle(c: Command): Promise<unknown> {
  switch (c.cmd) {
    case 'start':
      sim = c.pbx === 'asterisk' ? await AsteriskSim.start({ defaultSoundDurationMs: 50, rtcpIntervalMs: 0 }) : await FreeswitchSim.start({ mediaTimeScale: 0.05, heartbeatMs: 0 });
      sim.onRequest(onRequest);
      setInterval(() => sim?.clearRequests(), 1000).unref();
      return { connection: sim.connection };
    case 'register':
      for (const e of c.endpoints) sim!.registerEndpoint(e, { ringAfterMs: 20, answerAfterMs: c.answerAfterMs });
      return {};
    case 'load': {
      byNumber.clear();
      byChannel.clear();
      const total = Math.round(c.rate * c.durationS);
      const started = performance.now();
      const cpu0 = process.cpuUsage();
      const calls: Promise<CallTiming | undefined>[] = [];
      for (let i = 0; i < total; i++) {
        const due = started + (i * 1000) / c.rate;
        const wait = due - performance.now();
        if (wait > 0) await sleep(wait);
        const number = `${c.prefix}${String(i).padStart(5, '0')}`;
        calls.push(
          place(number).then(async (t) => {
            if (t) {
              await sleep(c.holdMs);
              sim!.hangup(t.channelId, 16);
            }
            return t;
          }),
        );
      }
      const timings = (await Promise.all(calls)).filter((t): t is CallTiming => !!t);
      const wallS = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpu0);
      return {
        placed: timings.length,
        failed: total - timings.length,
        offeredRate: total / ((total - 1) / c.rate || 1),
        wallS,
        answerMs: timings.filter((t) => t.answerAt !== undefined).map((t) => t.answerAt! - t.offeredAt),
        dialMs: timings.filter((t) => t.dialAt !== undefined).map((t) => t.dialAt! - t.offeredAt),
        numbers: timings.map((t) => t.number),
        /** The simulator's own CPU, % of one core over the step (it is single-threaded: ~100% = the PBX side is the limit). */
        simCpuPct: ((cpu.user + cpu.system) / 1000 / (wallS * 1000)) * 100,
      };
    }
    case 'hold': {
      for (let i = 0; i < c.count; i++) {
        const t = await place(`${c.prefix}${String(i).padStart(5, '0')}`, c.to);
        if (t) held.push(t.channelId);
        await sleep(1000 / c.rate);
      }
      return { held: held.length };
    }
    case 'dtmfAll': {
      // One digit per held call, spread evenly over `spreadMs` (callers do not press in lockstep).
      const step = c.spreadMs / Math.max(1, held.length);
      for (const id of held) {
        sim!.sendDtmf(id, c.digit);
        await sleep(step);
      }
      return { sent: held.length };
    }
    case 'hangupAll':
      for (const id of held.splice(0)) if (sim!.channels().some((ch) => ch.id === id)) sim!.hangup(id, 16);
      return {};
    case 'stop':
      await sim?.close();
      setTimeout(() => process.exit(0), 10);
      return {};
  }
}

process.on('message', (msg: Command & { id: number }) => {
  handle(msg).then(
    (result) => process.send!({ id: msg.id, ok: true, result }),
    (err: unknown) => process.send!({ id: msg.id, ok: false, error: err instanceof Error ? err.message : String(err) }),
  );
});
