import type { PbxType } from '@callplane/pbx';
import { waitFor } from '@callplane/testing';
import { InMemoryIvrFlowStore } from '../src/flow/ivr-flow.store';
import type { IvrLatencySummary } from '../src/runtime/ivr-step-latency';
import { startLiveIvr } from './live-ivr.harness';

export interface IvrLatencyBenchResult extends IvrLatencySummary {
  pbx: PbxType;
  /** Concurrent calls inside menus. */
  calls: number;
  /** Wall time of the measured phase, ms. */
  durationMs: number;
  /** Digits of all calls spread over this many ms. */
  dtmfSpreadMs: number;
}

/**
 * IVR step latency under load, for `npm run bench`: `calls` concurrent calls sit in a menu
 * (prompt playing) on a real driver + simulator; every caller presses 1 (barge-in), which
 * leads to a second menu prompt, then 1 again (→ queue). The first digits are spread evenly
 * over `dtmfSpreadMs` (default 1000; 0 = all in one burst). Each sample is `dtmfToPromptMs`:
 * DTMF event received by callplane → play request of the next prompt issued (one per call).
 * Issue 4 target: p99 ≤ 5 ms at 500 calls.
 */
export async function measureIvrStepLatency(opts: { pbx: PbxType; calls: number; dtmfSpreadMs?: number }): Promise<IvrLatencyBenchResult> {
  const spreadMs = opts.dtmfSpreadMs ?? 1000;
  const h = await startLiveIvr(opts.pbx, new InMemoryIvrFlowStore(), { maxSteps: 10 });
  try {
    const flow = await h.kit.flows.create('bench', {
      nodes: [
        { id: 'first', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 60_000, options: [{ digit: '1', next: 'second' }] },
        { id: 'second', type: 'menu', prompts: ['sound:main-menu'], timeoutMs: 60_000, options: [{ digit: '1', next: 'queue' }] },
        { id: 'queue', type: 'queue', queue: 'bench' },
      ],
    });
    const version = await h.kit.flows.publish(flow.id);
    const calls = [];
    for (let i = 0; i < opts.calls; i++) {
      const call = await h.placeCall(`55500${i}`);
      calls.push({ call, run: h.sut.start(call, version) });
    }
    const playsOf = () => h.sim.requests().filter((r) => JSON.stringify(r).includes('main-menu')).length;
    await waitFor(() => playsOf() >= opts.calls, 'every call in the first menu', 60_000);
    h.latency.reset();
    const started = Date.now();
    await pressSpread(calls.map((c) => c.call.channelId), spreadMs, (id) => h.sim.sendDtmf(id, '1'));
    await waitFor(() => playsOf() >= 2 * opts.calls, 'every call in the second menu', 60_000);
    const durationMs = Date.now() - started;
    for (const { call } of calls) h.sim.sendDtmf(call.channelId, '1');
    await Promise.all(calls.map((c) => c.run));
    return { pbx: opts.pbx, calls: opts.calls, dtmfSpreadMs: spreadMs, durationMs, ...h.latency.summary() };
  } finally {
    await h.close();
  }
}

/** Calls `press` for each channel, spread evenly over `spreadMs` (in 10 ms slices). */
async function pressSpread(channelIds: string[], spreadMs: number, press: (id: string) => void): Promise<void> {
  if (spreadMs <= 0) return channelIds.forEach(press);
  const slices = Math.max(1, Math.round(spreadMs / 10));
  const perSlice = Math.ceil(channelIds.length / slices);
  for (let i = 0; i < channelIds.length; i += perSlice) {
    channelIds.slice(i, i + perSlice).forEach(press);
    await new Promise((r) => setTimeout(r, 10));
  }
}
