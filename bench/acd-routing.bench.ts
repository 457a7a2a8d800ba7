import type { LiveCall } from '@callplane/calls';
import type { QueueEntity } from '@callplane/persistence';
import { QueueEntry, callerPriority, compareEntries } from '@callplane/acd';
// Not (yet) exported from the library's root: the bench measures the very function RingRounds calls.
import { planOffers } from '../libs/acd/src/offer-planner';
import type { OfferCandidate } from '../libs/acd/src/offer-candidates';
import { percentile, table } from './stats';

/**
 * Routing decision bench (issue 7): the ACD's dispatch pass without the PBX — `planOffers`, the
 * code `RingRounds` runs per queue: per waiting entry in service order, the free members not
 * taken earlier in the pass, skills and tiers (`eligibleNow`), the queue strategy's
 * `select`, then the offers (here: the pick is recorded, no leg is originated). One decision =
 * one entry's turn, from the end of the previous entry's offers (or the pass start) to its first
 * offer, timed with `process.hrtime` inside `offer`.
 *
 * - ring-all over `ringAllAgents` members: one caller's decision (the first waiting entry takes
 *   every free member, so a pass is one decision), repeated.
 * - longest-idle over `agents` members with `waiting` callers: whole passes, each entry picking
 *   one of the members still free.
 *
 * The queue requires one skill (~70 % of members have it) and has three tiers (`tierWaitS` 20,
 * callers waited 0–120 s), so every decision does the skill and tier work. Data is from a seeded
 * PRNG (the same every run). Heap and RSS are the growth from building the longest-idle state
 * (members + waiting entries) after two `gc()` (needs `node --expose-gc`).
 */
export interface RoutingBenchOptions {
  ringAllAgents: number;
  agents: number;
  waiting: number;
  /** Longest-idle passes measured (after one warm-up pass). */
  passes: number;
  /** Ring-all decisions measured (after as many warm-up ones). */
  ringAllDecisions: number;
}

export const ROUTING_DEFAULTS: RoutingBenchOptions = { ringAllAgents: 500, agents: 5000, waiting: 1000, passes: 10, ringAllDecisions: 5000 };

export interface RoutingDecisionFigures {
  strategy: string;
  agents: number;
  waiting: number;
  decisions: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** Mean time of one whole dispatch pass, ms. */
  passMs: number;
  /** Agents picked per pass (sanity: ring-all = eligible members, longest-idle = min(waiting, eligible)). */
  pickedPerPass: number;
}

export interface RoutingBenchResult {
  options: RoutingBenchOptions;
  decisions: RoutingDecisionFigures[];
  memory: { agents: number; waiting: number; heapMb: number; rssMb: number; gcExposed: boolean; processRssMb: number };
}

type Member = OfferCandidate;

/** mulberry32: a small seeded PRNG, so every run routes the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOW = Date.parse('2026-01-01T12:00:00Z');

function benchQueue(id: string, strategy: QueueEntity['strategy']): QueueEntity {
  return { id, name: id, strategy, requiredSkills: [{ skill: 'sales', minProficiency: 30 }], tierWaitS: 20, ringProgressivelyS: 10, vipNumbers: ['+4930 1000-0001'], vipPriority: 10 } as QueueEntity;
}

function members(count: number, rnd: () => number): Member[] {
  return Array.from({ length: count }, (_, i) => {
    const stateChangedAt = new Date(NOW - Math.floor(rnd() * 3_600_000));
    return {
      agentId: `agent-${String(i).padStart(5, '0')}`,
      name: `Agent ${i}`,
      endpoint: String(10_000 + i),
      pbxNodeId: null,
      penalty: Math.floor(rnd() * 3),
      tier: 1 + Math.floor(rnd() * 3),
      position: i,
      state: 'available',
      stateChangedAt,
      availableSince: stateChangedAt,
      lastCallEndedAt: rnd() < 0.1 ? null : new Date(NOW - Math.floor(rnd() * 7_200_000)),
      skills: { sales: 1 + Math.floor(rnd() * 100), support: 1 + Math.floor(rnd() * 100) },
      callsAnswered: Math.floor(rnd() * 80),
      talkTimeS: Math.floor(rnd() * 20_000),
      ringTimeoutS: null,
    };
  });
}

function entries(count: number, queue: QueueEntity, rnd: () => number): QueueEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const callerNumber = rnd() < 0.05 ? '+493010000001' : `+4930${String(2_000_000 + i)}`;
    const enqueuedAt = new Date(NOW - Math.floor(rnd() * 120_000));
    const call = { id: `call-${i}`, nodeId: 'node-1', channelId: `ch-${i}`, callerNumber, callerName: '', calledNumber: '7000', answered: true, variables: {}, offeredAt: enqueuedAt } as LiveCall;
    const priority = callerPriority({ requested: 0, callerNumber, vipNumbers: queue.vipNumbers, vipPriority: queue.vipPriority });
    return { call, queue, priority, enqueuedAt, seq: i, state: 'waiting', ringing: new Map(), tried: new Set() };
  });
}

/**
 * One `planOffers` pass of `waiting` (service order) over `free`; pushes each entry's decision
 * time into `samples`. Leaves the entries as it found them (nothing ringing). @returns agents picked
 */
function dispatchPass(free: Member[], byId: ReadonlyMap<string, Member>, waiting: QueueEntry[], samples: number[] | null): number {
  let picked = 0;
  let current: QueueEntry | undefined;
  let turnStart = process.hrtime.bigint();
  planOffers({
    entries: waiting,
    free,
    members: byId,
    nodeSpecific: false,
    reachableOn: () => true,
    offer: (entry, member) => {
      if (entry !== current) {
        samples?.push(Number(process.hrtime.bigint() - turnStart) / 1e6);
        current = entry;
      }
      entry.ringing.set(`leg-${member.agentId}`, member.agentId);
      picked++;
      turnStart = process.hrtime.bigint();
      return true;
    },
    now: NOW,
  });
  for (const e of waiting) e.ringing.clear();
  return picked;
}

const gc = () => (global as { gc?: () => void }).gc?.();
const mb = (bytes: number) => bytes / 1024 / 1024;

function figures(strategy: string, agents: number, waiting: number, d: number[], passMs: number[], picked: number): RoutingDecisionFigures {
  return {
    strategy, agents, waiting, decisions: d.length,
    p50Ms: percentile(d, 50), p99Ms: percentile(d, 99), maxMs: Math.max(...d),
    passMs: passMs.reduce((a, b) => a + b, 0) / Math.max(1, passMs.length), pickedPerPass: picked,
  };
}

function benchRingAll(o: RoutingBenchOptions): RoutingDecisionFigures {
  const rnd = prng(7);
  const queue = benchQueue('bench-ring-all', 'ring-all');
  const free = members(o.ringAllAgents, rnd);
  const byId = new Map(free.map((m) => [m.agentId, m]));
  const waiting = entries(1, queue, rnd);
  const samples: number[] = [];
  const passMs: number[] = [];
  let picked = 0;
  for (let i = 0; i < o.ringAllDecisions * 2; i++) {
    const t0 = process.hrtime.bigint();
    picked = dispatchPass(free, byId, waiting, i < o.ringAllDecisions ? null : samples);
    if (i >= o.ringAllDecisions) passMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return figures('ring-all', o.ringAllAgents, 1, samples, passMs, picked);
}

function benchLongestIdle(o: RoutingBenchOptions): { figures: RoutingDecisionFigures; memory: RoutingBenchResult['memory'] } {
  const rnd = prng(42);
  gc();
  gc();
  const heap0 = process.memoryUsage().heapUsed;
  const rss0 = process.memoryUsage().rss;
  const queue = benchQueue('bench-longest-idle', 'longest-idle');
  const free = members(o.agents, rnd);
  const byId = new Map(free.map((m) => [m.agentId, m]));
  const waiting = entries(o.waiting, queue, rnd).sort(compareEntries);
  gc();
  gc();
  const memory = {
    agents: o.agents, waiting: o.waiting,
    heapMb: mb(process.memoryUsage().heapUsed - heap0), rssMb: mb(process.memoryUsage().rss - rss0),
    gcExposed: typeof (global as { gc?: unknown }).gc === 'function', processRssMb: mb(process.memoryUsage().rss),
  };
  dispatchPass(free, byId, waiting, null); // warm-up: JIT
  const samples: number[] = [];
  const passMs: number[] = [];
  let picked = 0;
  for (let p = 0; p < o.passes; p++) {
    const t0 = process.hrtime.bigint();
    picked = dispatchPass(free, byId, waiting, samples);
    passMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { figures: figures('longest-idle', o.agents, o.waiting, samples, passMs, picked), memory };
}

/** Runs both routing scenarios in this process (synchronous work; a few seconds). */
export function benchRouting(options: Partial<RoutingBenchOptions> = {}): RoutingBenchResult {
  const o = { ...ROUTING_DEFAULTS, ...options };
  const longestIdle = benchLongestIdle(o); // first: its memory figure on the least-used heap
  return { options: o, decisions: [benchRingAll(o), longestIdle.figures], memory: longestIdle.memory };
}

/** The routing tables of the bench report (markdown). */
export function routingTables(r: RoutingBenchResult): string {
  const rows: (string | number)[][] = [['routing decision', 'members', 'callers waiting', 'decisions', 'p50 ms', 'p99 ms', 'max ms', 'dispatch pass ms', 'picked per pass']];
  const ms = (v: number) => v.toFixed(3);
  for (const d of r.decisions) rows.push([d.strategy, d.agents, d.waiting, d.decisions, ms(d.p50Ms), ms(d.p99Ms), ms(d.maxMs), d.passMs.toFixed(2), d.pickedPerPass]);
  const m = r.memory;
  const mem: (string | number)[][] = [['routing state', 'members', 'callers waiting', 'JS heap MB', 'RSS MB', 'process RSS MB']];
  mem.push(['longest-idle', m.agents, m.waiting, m.gcExposed ? m.heapMb : 'n/a (no --expose-gc)', m.gcExposed ? m.rssMb : 'n/a', m.processRssMb]);
  return [table(rows), '', table(mem)].join('\n');
}
