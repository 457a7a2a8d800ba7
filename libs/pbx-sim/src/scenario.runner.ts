import type { PbxSimulator } from './pbx-sim.types';
import type { Scenario } from './scenario.schema';

export interface ScenarioRunOptions {
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Stops scheduling further actions. */
  signal?: AbortSignal;
}

export interface ScenarioReport {
  placed: number;
  /** placeCall rejections (e.g. the Stasis app / ESL listener was not connected). */
  failed: number;
  /** Channel ids of the calls placed. */
  channelIds: string[];
}

/**
 * Plays a {@link Scenario} against any simulator through the {@link PbxSimulator} interface only
 * (so it drives the Asterisk and the FreeSWITCH simulator alike): registers endpoints with their
 * behaviours, places calls at their times, sends their DTMF and hangs them up. Resolves once every
 * scheduled action ran (calls callplane keeps up are left as they are).
 */
export async function runScenario(sim: PbxSimulator, scenario: Scenario, opts: ScenarioRunOptions = {}): Promise<ScenarioReport> {
  const log = opts.log ?? (() => undefined);
  const report: ScenarioReport = { placed: 0, failed: 0, channelIds: [] };
  const tasks: Array<Promise<void>> = [];
  const at = (ms: number, fn: () => void | Promise<void>): void => {
    tasks.push(
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          opts.signal?.removeEventListener('abort', onAbort);
          Promise.resolve()
            .then(fn)
            .catch((err: unknown) => log(`scenario action failed: ${err instanceof Error ? err.message : String(err)}`))
            .finally(resolve);
        }, ms);
        const onAbort = (): void => {
          clearTimeout(timer);
          resolve();
        };
        opts.signal?.addEventListener('abort', onAbort, { once: true });
      }),
    );
  };
  const alive = (id: string): boolean => sim.channels().some((c) => c.id === id);

  for (const ep of scenario.endpoints) {
    const { resource, ringAfterMs, answerAfterMs, busy } = ep;
    at(ep.registerAtMs, () => {
      sim.registerEndpoint(resource, { ringAfterMs, answerAfterMs, busy });
      log(`endpoint ${resource} registered`);
    });
    if (ep.unregisterAtMs !== undefined) at(ep.unregisterAtMs, () => sim.unregisterEndpoint(resource));
  }
  for (const call of scenario.calls) {
    for (let i = 0; i < call.repeat; i++) {
      at(call.at + i * call.everyMs, async () => {
        let id: string;
        try {
          id = await sim.placeCall({ from: call.from, fromName: call.fromName, to: call.to });
        } catch (err) {
          report.failed++;
          log(`call ${call.from} → ${call.to} failed: ${err instanceof Error ? err.message : String(err)}`);
          return;
        }
        report.placed++;
        report.channelIds.push(id);
        log(`call ${call.from} → ${call.to} placed (${id})`);
        const followUps: Array<Promise<void>> = [];
        const later = (ms: number, fn: () => void): void => {
          followUps.push(new Promise((r) => setTimeout(() => (opts.signal?.aborted ? r() : (fn(), r())), ms)));
        };
        for (const d of call.dtmf) later(d.at, () => alive(id) && sim.sendDtmf(id, d.digits));
        if (call.hangupAfterMs !== undefined) {
          later(call.hangupAfterMs, () => {
            if (!alive(id)) return;
            sim.hangup(id, 16);
            log(`caller ${call.from} hung up (${id})`);
          });
        }
        await Promise.all(followUps);
      });
    }
  }
  await Promise.all(tasks);
  return report;
}
