import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import WebSocket from 'ws';
import { AsteriskSim, type AsteriskSimOptions } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';

/** One line of a recorded scenario (test/fixtures/asterisk/README.md). */
export interface RecordedLine {
  t: number;
  kind: 'ari.rest' | 'ari.event' | 'ami.out' | 'ami.in' | 'note';
  method?: string;
  path?: string;
  query?: Record<string, string>;
  status?: number;
  response?: unknown;
  event?: Record<string, unknown>;
  frame?: string;
  text?: string;
}

export type AriEvent = Record<string, unknown> & { type: string };

export interface ReplayHandle {
  sim: AsteriskSim;
  /** Id of the last call placed by the SIP caller. */
  callerId(): string;
  placeCaller(): Promise<void>;
  closeWs(): Promise<void>;
  openWs(): Promise<void>;
}

/** The SIP side of one scenario, scripted through the simulator (what the recording's `note` lines say the SIP agents did). */
export interface ScenarioScript {
  simOptions?: AsteriskSimOptions;
  setup?(sim: AsteriskSim): void;
  /** note text pattern → what the SIP side does at that point. */
  notes: Array<[RegExp, (h: ReplayHandle) => void | Promise<void>]>;
  /** Events left out of the comparison on both sides (sim limitations, documented at the use). */
  ignoreEvent?(e: AriEvent): boolean;
  /** AMI events compared in order (Event name + cause/status headers). */
  amiEvents: string[];
}

export interface ReplayResult {
  expectedEvents: unknown[];
  actualEvents: unknown[];
  expectedRest: unknown[];
  actualRest: unknown[];
  expectedAmi: string[];
  actualAmi: string[];
  /**
   * Per simulated event: how many events had arrived when a continuation of its handler ran (a
   * promise callback, as a client awaiting that event runs); `i + 1` = none after it yet, i.e. the
   * next one came in a later frame the client had not read.
   */
  arrivedWhenHandled: number[];
}

const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'asterisk');
const CREDS = { ari: 'ari:ari', amiUser: 'ami', amiSecret: 'ami' };

export function loadScenario(name: string): RecordedLine[] {
  return readFileSync(join(FIXTURES, `${name}.jsonl`), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as RecordedLine);
}

/** Recorded-id ↔ simulator-id pairs, learnt as the replay aligns events and responses. */
class IdMap {
  private readonly fwd = new Map<string, number>();
  private readonly rev = new Map<string, number>();
  private readonly toSim = new Map<string, string>();

  learn(recorded: unknown, actual: unknown): void {
    if (typeof recorded === 'string' && typeof actual === 'string') {
      if (this.fwd.has(recorded)) return;
      const n = this.fwd.size;
      this.fwd.set(recorded, n);
      this.rev.set(actual, n);
      this.toSim.set(recorded, actual);
      return;
    }
    if (Array.isArray(recorded) && Array.isArray(actual)) {
      recorded.forEach((r, i) => this.walk(r, actual[i]));
    } else this.walk(recorded, actual);
  }

  private walk(r: unknown, a: unknown): void {
    if (!r || !a || typeof r !== 'object' || typeof a !== 'object') return;
    const ro = r as Record<string, unknown>;
    const ao = a as Record<string, unknown>;
    for (const key of Object.keys(ro)) {
      if (key === 'id' && typeof ro.id === 'string') this.learn(ro.id, ao.id);
      else if (key === 'target_uri' && typeof ro[key] === 'string') this.learn(String(ro[key]).split(':')[1], String(ao[key] ?? '').split(':')[1]);
      else if (key.endsWith('_ids') && Array.isArray(ro[key])) (ro[key] as unknown[]).forEach((v, i) => this.learn(v, (ao[key] as unknown[] | undefined)?.[i]));
      else if (typeof ro[key] === 'object') this.walk(ro[key], ao[key]);
    }
  }

  sim(recorded: string): string {
    return this.toSim.get(recorded) ?? recorded;
  }

  /** Normalises ids, timestamps and name suffixes so recorded and simulated values compare equal. */
  norm(v: unknown, side: 'rec' | 'sim', key = ''): unknown {
    const ids = side === 'rec' ? this.fwd : this.rev;
    if (typeof v === 'string') {
      if (key === 'timestamp' || key === 'creationtime') return '<ts>';
      if (key === 'protocol_id') return '<protocol_id>';
      if (ids.has(v)) return `<id${ids.get(v)}>`;
      if (key === 'target_uri') {
        const [k, id] = v.split(':');
        return `${k}:${ids.has(id) ? `<id${ids.get(id)}>` : id}`;
      }
      return v.replace(/-[0-9a-f]{8}$/, '-X');
    }
    if (Array.isArray(v)) return v.map((x) => this.norm(x, side, key));
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      const o = v as Record<string, unknown>;
      for (const k of Object.keys(o)) {
        out[k] = typeof o.variable === 'string' && o.variable.startsWith('RTPAUDIOQOS') && k === 'value' ? '<qos>' : this.norm(o[k], side, k);
      }
      return out;
    }
    return v;
  }
}

/**
 * Replays one recorded scenario against a fresh simulator: the recorder's REST requests (ids
 * mapped as they appear), its AMI actions, and the SIP side through the script; in recorded
 * order, each step waiting until the simulator has sent as many ARI events as the recording
 * had before that step. Returns normalised expected/actual sequences for the caller to compare.
 */
export async function replayScenario(name: string, script: ScenarioScript): Promise<ReplayResult> {
  const lines = loadScenario(name);
  const sim = await AsteriskSim.start({
    app: 'pbx-control',
    ariUsername: 'ari',
    ariPassword: 'ari',
    amiUsername: CREDS.amiUser,
    amiSecret: CREDS.amiSecret,
    endpoints: ['1001', '1002', '1003', 'sipp'],
    rtcpIntervalMs: 0,
    ...script.simOptions,
  });
  const ids = new IdMap();
  const ignore = script.ignoreEvent ?? (() => false);
  const actual: AriEvent[] = [];
  const arrivedWhenHandled: number[] = [];
  const amiFrames: string[] = [];
  let ws: WebSocket | undefined;
  let caller = '';
  const base = sim.connection.ariUrl;

  const openWs = async (): Promise<void> => {
    ws = new WebSocket(`${base.replace('http', 'ws')}/ari/events?app=pbx-control&api_key=${CREDS.ari}&subscribeAll=false`);
    ws.on('message', (data) => {
      const e = JSON.parse(String(data)) as AriEvent;
      if (ignore(e)) return;
      const i = actual.push(e) - 1;
      void Promise.resolve().then(() => (arrivedWhenHandled[i] = actual.length));
    });
    await new Promise((resolve, reject) => ws!.once('open', resolve).once('error', reject));
  };
  const closeWs = async (): Promise<void> => {
    const s = ws;
    if (!s) return;
    await new Promise((resolve) => {
      s.once('close', resolve);
      s.close(1000);
    });
  };
  const ami = await amiLogin(sim, amiFrames);
  await openWs();
  script.setup?.(sim);
  const handle: ReplayHandle = {
    sim,
    callerId: () => caller,
    placeCaller: async () => {
      caller = await sim.placeCall({ from: 'sipp', fromName: 'SIPp', to: '7000' });
    },
    closeWs,
    openWs,
  };

  const expected = lines.filter((l) => l.kind === 'ari.event' && !ignore(l.event as AriEvent)).map((l) => l.event as AriEvent);
  const expectedRest: unknown[] = [];
  const actualRest: unknown[] = [];
  const pending: Array<Promise<void>> = [];
  const usedHooks = new Set<ScenarioScript['notes'][number]>();
  let seen = 0;
  let aligned = 0;
  const catchUp = async (count: number): Promise<void> => {
    await waitFor(() => actual.length >= count, `${count} ARI events (got ${actual.map((e) => e.type).join(',')})`, 5000);
    for (; aligned < count; aligned++) ids.learn(expected[aligned], actual[aligned]);
  };

  try {
    for (const line of lines) {
      if (line.kind === 'ari.event') {
        if (!ignore(line.event as AriEvent)) seen++;
        continue;
      }
      if (line.kind === 'note') {
        const hook = script.notes.find(([re]) => re.test(line.text ?? ''));
        if (!hook) continue;
        usedHooks.add(hook);
        await catchUp(seen);
        await hook[1](handle);
      } else if (line.kind === 'ari.rest') {
        await catchUp(seen);
        const slot = expectedRest.length;
        expectedRest.push({ req: `${line.method} ${line.path}`, status: line.status, body: line.response });
        actualRest.push(undefined);
        const done = restCall(base, line, ids).then((res) => {
          ids.learn(line.response, res.body);
          actualRest[slot] = { req: `${line.method} ${line.path}`, status: res.status, body: res.body };
        });
        pending.push(done);
        // A request may legitimately stay pending (ws-reconnect: POST /variable behind a playback).
        await Promise.race([done, new Promise((r) => setTimeout(r, 300))]);
      } else if (line.kind === 'ami.out' && !/^Action: (Login|Logoff)/.test(line.frame ?? '')) {
        await catchUp(seen);
        ami.write(line.frame!);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    await catchUp(expected.length);
    await Promise.all(pending);
    const unused = script.notes.filter((h) => !usedHooks.has(h)).map(([re]) => String(re));
    if (unused.length > 0) throw new Error(`SIP-side script lines never matched a note of ${name}: ${unused.join(', ')}`);
    await new Promise((r) => setTimeout(r, 100));
  } finally {
    await closeWs();
    ami.destroy();
    await sim.close();
  }

  const amiKey = (f: string): string | undefined => {
    const ev = /^Event: (\w+)/.exec(f)?.[1];
    if (!ev || !script.amiEvents.includes(ev)) return undefined;
    const pick = (h: string): string => (new RegExp(`\\r\\n${h}: ([^\\r]*)`).exec(f)?.[1] ?? '');
    const detail = ['Cause', 'DialStatus', 'PeerStatus', 'ContactStatus', 'Digit', 'Direction', 'Class', 'State']
      .map((h) => pick(h))
      .filter(Boolean)
      .join(' ');
    return `${ev}${detail ? ` ${detail}` : ''}`;
  };
  const recordedAmi = lines.filter((l) => l.kind === 'ami.in').map((l) => l.frame!);
  return {
    expectedEvents: expected.map((e) => ids.norm(e, 'rec')),
    actualEvents: actual.map((e) => ids.norm(e, 'sim')),
    expectedRest: expectedRest.map((r) => ids.norm(r, 'rec')),
    actualRest: actualRest.map((r) => ids.norm(r, 'sim')),
    expectedAmi: recordedAmi.map(amiKey).filter((x): x is string => x !== undefined),
    actualAmi: amiFrames.map(amiKey).filter((x): x is string => x !== undefined),
    arrivedWhenHandled,
  };
}

async function restCall(base: string, line: RecordedLine, ids: IdMap): Promise<{ status: number; body: unknown }> {
  const path = line.path!.split('/').map((seg) => ids.sim(seg)).join('/');
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(line.query ?? {})) qs.set(k, v.split(',').map((x) => ids.sim(x)).join(','));
  const q = qs.toString();
  const res = await fetch(`${base}${path}${q ? `?${q}` : ''}`, {
    method: line.method,
    headers: { Authorization: `Basic ${Buffer.from(CREDS.ari).toString('base64')}` },
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

async function amiLogin(sim: AsteriskSim, frames: string[]): Promise<Socket> {
  const { amiHost, amiPort } = sim.connection;
  const socket = connect(amiPort, amiHost);
  let buf = '';
  socket.on('data', (d) => {
    buf += d.toString('utf8');
    let i: number;
    while ((i = buf.indexOf('\r\n\r\n')) >= 0) {
      frames.push(buf.slice(0, i + 4));
      buf = buf.slice(i + 4);
    }
  });
  await new Promise((r) => socket.once('connect', r));
  socket.write(`Action: Login\r\nActionID: replay-1\r\nUsername: ${CREDS.amiUser}\r\nSecret: ${CREDS.amiSecret}\r\nEvents: on\r\n\r\n`);
  await waitFor(() => frames.some((f) => f.includes('FullyBooted')), 'AMI FullyBooted');
  return socket;
}
