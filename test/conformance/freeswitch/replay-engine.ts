import type { Socket } from 'node:net';
import type { FreeswitchSim, SimEndpointBehaviour } from '@callplane/pbx-sim';
import { EslTestClient, type EslFrame } from '../../../libs/pbx-sim/src/freeswitch/esl-test-client';
import { decodeEvent, sequenceKey, signature, UNMODELLED_HEADERS, type Signature } from './event-signature';
import { loadFixture, parseFrame, type FixtureEntry, type ParsedFrame } from './fixture';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g;

/** How the SIP side of a scenario behaves (what sipp did in the recording). */
export interface ReplayScript {
  /** Agent behaviours by resource (sipp UAS scenarios: answer after, busy, never answer). */
  endpoints?: Record<string, SimEndpointBehaviour>;
  /** Accepts the simulator's outbound-socket connection (outbound-socket scenario). */
  nextOutbound?: () => Promise<Socket>;
  /** Normalise volatile parts of an api body before comparing (both sides). */
  normalizeBody?: (command: string, body: string) => string;
  /** Text the simulator necessarily writes differently (`[simulator text, recorded text]`, e.g. ports). */
  aliases?: Array<[string, string]>;
  /** Extra SIP-side actions for notes the engine does not know. */
  onNote?: (text: string, ctx: ReplayContext) => void | Promise<void>;
}

export interface ReplayContext {
  sim: FreeswitchSim;
  /** Simulator uuids of the inbound calls placed so far. */
  calls: string[];
}

export interface ReplyShape {
  contentType?: string;
  replyText?: string;
  body: string;
  headerOrder: string[];
}

export interface ConnectionResult {
  kind: 'inbound' | 'outbound';
  replies: Array<{ command: string; expected: ReplyShape; actual: ReplyShape }>;
  sequences: Record<string, { expected: Signature[]; actual: Signature[] }>;
  /** Non-event, non-reply frames (disconnect notices), in order. */
  notices: { expected: Signature[]; actual: Signature[] };
  /** Envelope header order of every event frame (framing). */
  eventEnvelopes: { expected: string[]; actual: string[] };
  /** Recorded channel headers missing from the simulator's matching event. */
  headerGaps: string[];
  /** Points where the simulator did not produce the events the recording had before a step. */
  syncProblems: string[];
}

export interface ReplayResult {
  connections: ConnectionResult[];
  calls: string[];
}

/** Maps recorded ids (channel UUIDs, Job-UUIDs) to the simulator's as they appear. */
class IdMap {
  private readonly recToSim = new Map<string, string>();
  private readonly simToRec = new Map<string, string>();
  private readonly recFree: string[] = [];
  private readonly simFree: string[] = [];
  private readonly simSeen = new Set<string>();

  constructor(
    private readonly chosen: Set<string>,
    private readonly aliases: Array<[string, string]>,
  ) {}

  /** Recorded channel uuids in order of first appearance (not those we chose ourselves). */
  addRecorded(uuid: string): void {
    if (!this.chosen.has(uuid) && !this.recFree.includes(uuid)) this.recFree.push(uuid);
  }

  seenSim(uuid: string): void {
    if (this.simSeen.has(uuid) || this.chosen.has(uuid)) return;
    this.simSeen.add(uuid);
    this.simFree.push(uuid);
    this.rebuild();
  }

  pair(rec: string, sim: string): void {
    this.recToSim.set(rec, sim);
    this.simToRec.set(sim, rec);
  }

  private rebuild(): void {
    const n = Math.min(this.recFree.length, this.simFree.length);
    for (let i = 0; i < n; i++) this.pair(this.recFree[i], this.simFree[i]);
  }

  toSim = (s: string): string => s.replace(UUID, (u) => this.recToSim.get(u) ?? u);
  toRec = (s: string): string => {
    let out = s.replace(UUID, (u) => this.simToRec.get(u) ?? u);
    for (const [from, to] of this.aliases) out = out.split(from).join(to);
    return out;
  };
}

interface Segment {
  kind: 'inbound' | 'outbound';
  entries: FixtureEntry[];
}

/** Split a recording into connections using the harness notes. */
function segments(entries: FixtureEntry[]): { pre: FixtureEntry[]; segs: Segment[] } {
  const segs: Segment[] = [];
  const pre: FixtureEntry[] = [];
  let cur: Segment | undefined;
  for (const e of entries) {
    const text = e.text ?? '';
    if (e.kind === 'note' && /harness: ESL TCP connected .*\(inbound mode\)/.test(text)) {
      cur = { kind: 'inbound', entries: [] };
      segs.push(cur);
      continue;
    }
    if (e.kind === 'note' && /FreeSWITCH connected to the outbound listener/.test(text)) {
      cur = { kind: 'outbound', entries: [] };
      segs.push(cur);
      continue;
    }
    (cur ? cur.entries : pre).push(e);
    if (e.kind === 'note' && /ESL TCP connection \((inbound|outbound)\) closed/.test(text)) cur = undefined;
  }
  return { pre, segs };
}

function isEventFrame(f: ParsedFrame): boolean {
  const ct = f.headers['Content-Type'];
  return ct === 'text/event-json' || ct === 'text/event-plain';
}

function isReplyFrame(f: ParsedFrame): boolean {
  const ct = f.headers['Content-Type'];
  return ct === 'command/reply' || ct === 'api/response';
}

function eventName(f: ParsedFrame): string | undefined {
  const e = decodeEvent(f);
  return e ? String(e['Event-Name']) : undefined;
}

/** Timer-driven events whose cadence belongs to the recording's machine, not to the flow. */
const UNCOUNTED = new Set(['HEARTBEAT', 'RECV_RTCP_MESSAGE']);

const DTMF_PCAP: Record<string, string> = { '1': '1', '2': '2', pound: '#', star: '*' };

/**
 * Replays a recorded scenario against the simulator: the recorded `esl.out` commands are sent
 * (ids mapped as they appear), the SIP side is driven from the `note` lines, and the replies and
 * events that come back are collected for comparison with the recorded `esl.in` frames.
 */
export async function replayScenario(name: string, sim: FreeswitchSim, script: ReplayScript = {}): Promise<ReplayResult> {
  const entries = loadFixture(name);
  const { pre, segs } = segments(entries);
  // ids the harness chose (origination_uuid, Event-UUID, Job-UUID headers): sent as they are
  const chosen = new Set<string>();
  const firstIn = new Map<string, number>();
  entries.forEach((e, i) => {
    for (const u of (e.frame ?? '').match(UUID) ?? []) {
      if (e.kind === 'esl.in' && !firstIn.has(u)) firstIn.set(u, i);
      if (e.kind === 'esl.out' && !firstIn.has(u)) chosen.add(u);
    }
  });
  const ids = new IdMap(chosen, script.aliases ?? []);
  for (const e of entries) {
    if (e.kind !== 'esl.in' || !e.frame) continue;
    const f = parseFrame(e.frame);
    const ev = decodeEvent(f);
    const uuid = ev ? ev['Unique-ID'] : f.headers['Unique-ID'];
    if (typeof uuid === 'string' && (!ev || ev['Event-Name'] !== 'RECV_RTCP_MESSAGE')) ids.addRecorded(uuid);
  }
  const sentAppUuids = new Set<string>();
  const ctx: ReplayContext = { sim, calls: [] };
  const results: ConnectionResult[] = [];
  const behaviours = script.endpoints ?? {};

  const sipAction = async (text: string): Promise<void> => {
    let m: RegExpExecArray | null;
    if ((m = /^sipp caller sent: INVITE sip:([^@]+)@/.exec(text))) {
      void sim.placeCall({ from: 'sipp', to: m[1] }).then(
        (uuid) => ctx.calls.push(uuid),
        () => undefined, // the scenario may end the call before it parks; the replay reports it
      );
      return;
    }
    if (/^sipp caller sent: BYE/.test(text)) {
      const ch = sim.channels().find((c) => c.direction === 'inbound');
      if (ch) sim.hangup(ch.id, 16);
      return;
    }
    if ((m = /^sipp caller replays dtmf_2833_(\w+)\.pcap/.exec(text))) {
      const ch = sim.channels().find((c) => c.direction === 'inbound');
      if (ch) sim.sendDtmf(ch.id, DTMF_PCAP[m[1]] ?? m[1]);
      return;
    }
    if ((m = /^sipp \w+ received: SIP\/2\.0 200 OK \[CSeq: \d+ REGISTER; Contact: <sip:(\w+)@[^>]*>;expires=(\d+)/.exec(text))) {
      sim.registerEndpoint(m[1], behaviours[m[1]] ?? {}, Number(m[2]));
      return;
    }
    if ((m = /^sipp agent(\w+) sent: REFER .*Refer-To: <sip:([^@>]+)@/.exec(text))) {
      const leg = sim.channels().find((c) => c.direction === 'outbound' && c.endpoint === m?.[1]);
      if (leg) sim.referFromPhone(leg.id, m[2]);
      return;
    }
    if ((m = /^sipp unreg(\w+) received: SIP\/2\.0 200 OK \[CSeq: \d+ REGISTER\]/.exec(text))) {
      sim.unregisterEndpoint(m[1]);
      return;
    }
    await script.onNote?.(text, ctx);
  };

  for (const e of pre) if (e.kind === 'note' && e.text) await sipAction(e.text);

  for (const seg of segs) {
    let client: EslTestClient;
    if (seg.kind === 'inbound') client = await EslTestClient.connect(sim.connection.eslPort);
    else {
      if (!script.nextOutbound) throw new Error('scenario needs an outbound listener (script.nextOutbound)');
      client = EslTestClient.fromSocket(await script.nextOutbound());
    }
    const harvest = (f: EslFrame): void => {
      const ev = decodeEvent(f as ParsedFrame);
      const uuid = ev ? ev['Unique-ID'] : f.headers['Unique-ID'];
      if (typeof uuid === 'string' && (!ev || ev['Event-Name'] !== 'RECV_RTCP_MESSAGE')) ids.seenSim(uuid);
    };
    for (const f of client.frames) harvest(f);
    client.onFrame = harvest;
    const res: ConnectionResult = {
      kind: seg.kind, replies: [], sequences: {}, notices: { expected: [], actual: [] },
      eventEnvelopes: { expected: [], actual: [] }, headerGaps: [], syncProblems: [],
    };
    results.push(res);
    const recorded: ParsedFrame[] = [];
    const expectedCounts = new Map<string, number>();
    const covered = (): boolean => {
      const have = new Map<string, number>();
      for (const f of client.frames) {
        const n = isEventFrame(f as ParsedFrame) ? eventName(f as ParsedFrame) : undefined;
        if (n && !UNCOUNTED.has(n)) have.set(n, (have.get(n) ?? 0) + 1);
      }
      for (const [k, v] of expectedCounts) if ((have.get(k) ?? 0) < v) return false;
      return true;
    };
    const sync = async (where: string): Promise<void> => {
      const until = Date.now() + 5000;
      while (!covered()) {
        if (Date.now() > until || client.closed) {
          res.syncProblems.push(`before ${where}: expected events ${JSON.stringify([...expectedCounts])}`);
          return;
        }
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    let pendingReply: ParsedFrame[] = [];
    for (let i = 0; i < seg.entries.length; i++) {
      const e = seg.entries[i];
      if (e.kind === 'esl.in' && e.frame) {
        const f = parseFrame(e.frame);
        recorded.push(f);
        if (isEventFrame(f)) {
          const n = eventName(f);
          if (n && !UNCOUNTED.has(n)) expectedCounts.set(n, (expectedCounts.get(n) ?? 0) + 1);
        } else if (isReplyFrame(f) || f.headers['Reply-Text']) pendingReply.push(f);
        continue;
      }
      if (e.kind === 'note') {
        const text = e.text ?? '';
        if (/closing the ESL socket \(TCP FIN/.test(text)) {
          await sync('half-close');
          client.socket.end();
        } else if (/ESL TCP connection \((inbound|outbound)\) closed/.test(text)) {
          await client.waitClosed().catch(() => res.syncProblems.push('connection was not closed by the simulator'));
        } else {
          await sync(`note "${text.slice(0, 60)}"`);
          await sipAction(text);
        }
        continue;
      }
      if (e.kind === 'esl.out' && e.frame) {
        await sync(`command "${e.frame.split('\n')[0]}"`);
        const command = e.frame.split('\n')[0];
        for (const u of e.frame.match(/Event-UUID: ([0-9a-f-]{36})/g) ?? []) sentAppUuids.add(u.slice(12));
        // the recorded reply is the next reply frame after this command
        const expectedFrame = nextReply(seg.entries, i);
        const word = command.split(' ')[0];
        if (word === 'auth' && client.frames.length === 0) await client.waitFor(() => true).catch(() => undefined);
        const out = ids.toSim(e.frame);
        const replyP = client.command(out);
        const actual = await Promise.race([replyP, new Promise<undefined>((r) => setTimeout(() => r(undefined), 5000))]);
        pendingReply = [];
        if (!expectedFrame) continue;
        if (!actual) {
          res.replies.push({ command, expected: shape(expectedFrame, (s) => s, script, command), actual: { body: '<no reply>', headerOrder: [] } });
          continue;
        }
        const rj = /^\+OK Job-UUID: (\S+)/.exec(expectedFrame.headers['Reply-Text'] ?? '');
        const aj = /^\+OK Job-UUID: (\S+)/.exec(actual.headers['Reply-Text'] ?? '');
        if (rj && aj && rj[1] !== aj[1]) ids.pair(rj[1], aj[1]);
        if (command === 'connect') {
          const have = new Set((actual as ParsedFrame).headerOrder);
          for (const h of expectedFrame.headerOrder) {
            if (!h.startsWith('variable_') && !UNMODELLED_HEADERS.has(h) && !have.has(h)) res.headerGaps.push(`connect reply: ${h}`);
          }
        }
        res.replies.push({
          command,
          expected: shape(expectedFrame, (s) => s, script, command),
          actual: shape(actual as ParsedFrame, ids.toRec, script, command),
        });
      }
    }
    await sync('end of connection');
    await new Promise((r) => setTimeout(r, 30)); // catch events the recording did not have
    compareStreams(res, recorded, client.frames as ParsedFrame[], ids, sentAppUuids);
    client.close();
  }
  return { connections: results, calls: ctx.calls };
}

function nextReply(entries: FixtureEntry[], from: number): ParsedFrame | undefined {
  for (let j = from + 1; j < entries.length; j++) {
    const e = entries[j];
    if (e.kind === 'esl.out') return undefined;
    if (e.kind === 'esl.in' && e.frame) {
      const f = parseFrame(e.frame);
      if (isReplyFrame(f) || (f.headers['Reply-Text'] && !isEventFrame(f))) return f;
    }
  }
  return undefined;
}

/** Comparable reply: for `connect` (CHANNEL_DATA as reply headers) only the reply's own headers and shape. */
function shape(f: ParsedFrame, map: (s: string) => string, script: ReplayScript, command: string): ReplyShape {
  if (command === 'connect') {
    const keep = ['Event-Name', 'Unique-ID', 'Channel-State', 'Channel-Call-State', 'Answer-State', 'Caller-Destination-Number', 'Socket-Mode', 'Control'];
    return {
      contentType: f.headers['Content-Type'],
      replyText: f.headers['Reply-Text'],
      body: keep.map((k) => `${k}=${map(f.headers[k] ?? '')}`).join('\n'),
      headerOrder: [f.headerOrder[0], ...f.headerOrder.slice(-4)],
    };
  }
  const body = map(f.body);
  return {
    contentType: f.headers['Content-Type'],
    replyText: f.headers['Reply-Text'] !== undefined ? map(f.headers['Reply-Text']) : undefined,
    body: script.normalizeBody ? script.normalizeBody(command, body) : body,
    headerOrder: f.headerOrder,
  };
}

function compareStreams(res: ConnectionResult, recorded: ParsedFrame[], actual: ParsedFrame[], ids: IdMap, sent: Set<string>): void {
  const recEvents: Array<{ key: string; sig: Signature; names: string[] }> = [];
  const actEvents: Array<{ key: string; sig: Signature; names: string[] }> = [];
  const collect = (frames: ParsedFrame[], map: (s: string) => string, out: typeof recEvents, notices: Signature[], env: string[]): void => {
    for (const f of frames) {
      if (isEventFrame(f)) {
        const e = decodeEvent(f);
        if (!e) continue;
        const key = sequenceKey(e, map);
        if (!key) continue;
        env.push(f.headerOrder.join(','));
        out.push({ key, sig: signature(e, map, sent), names: Object.keys(e) });
      } else if (f.headers['Content-Type'] === 'auth/request') {
        notices.push({ event: 'auth/request' });
      } else if (f.headers['Content-Type'] === 'text/disconnect-notice') {
        const n: Signature = { event: 'disconnect-notice', body: f.body };
        for (const k of ['Content-Disposition', 'Controlled-Session-UUID', 'Linger-Time']) {
          if (f.headers[k] !== undefined) n[k] = map(f.headers[k]);
        }
        notices.push(n);
        // the outbound linger notice is placed among its channel's events
        if (f.headers['Controlled-Session-UUID']) out.push({ key: 'channel:' + map(f.headers['Controlled-Session-UUID']), sig: n, names: [] });
      }
    }
  };
  collect(recorded, (s) => s, recEvents, res.notices.expected, res.eventEnvelopes.expected);
  collect(actual, ids.toRec, actEvents, res.notices.actual, res.eventEnvelopes.actual);
  res.eventEnvelopes.expected = [...new Set(res.eventEnvelopes.expected)];
  res.eventEnvelopes.actual = [...new Set(res.eventEnvelopes.actual)];
  const keys = new Set([...recEvents.map((x) => x.key), ...actEvents.map((x) => x.key)]);
  const gaps = new Set<string>();
  for (const k of keys) {
    const r = recEvents.filter((x) => x.key === k);
    const a = actEvents.filter((x) => x.key === k);
    res.sequences[k] = { expected: r.map((x) => x.sig), actual: a.map((x) => x.sig) };
    for (let i = 0; i < Math.min(r.length, a.length); i++) {
      if (r[i].sig.event !== a[i].sig.event) continue;
      const have = new Set(a[i].names);
      for (const n of r[i].names) {
        if (n.startsWith('variable_') || UNMODELLED_HEADERS.has(n) || have.has(n)) continue;
        gaps.add(`${r[i].sig.event}: ${n}`);
      }
      // and nothing the real FreeSWITCH would not have sent
      const had = new Set(r[i].names);
      for (const n of a[i].names) {
        if (n.startsWith('variable_') || had.has(n)) continue;
        gaps.add(`${r[i].sig.event}: unexpected ${n}`);
      }
    }
  }
  res.headerGaps = [...res.headerGaps, ...[...gaps].sort()];
}
