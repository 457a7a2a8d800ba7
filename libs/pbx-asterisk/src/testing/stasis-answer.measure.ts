/**
 * Measures the driver's hot path against pbx-sim (not part of the test run; prints numbers):
 * StasisStart leaving the simulator's WebSocket → `POST /channels/{id}/answer` arriving at its
 * HTTP server, with a minimal consumer (answer on offer → play 50 ms → hang up on finish).
 *
 *   npx jest libs/pbx-asterisk/src/testing/stasis-answer.measure.ts --testMatch '**\/*.measure.ts'
 *
 * Env: CALLS (default 3000), RATE calls/s (default 200).
 */
import { AsteriskSim } from '@callplane/pbx-sim';
import { sleep, waitFor } from '@callplane/testing';
import { AsteriskDriver } from '../asterisk.driver';
import { AriEventsSocket } from '../ari/ari-events.socket';

const CALLS = Number(process.env.CALLS ?? 3000);
const RATE = Number(process.env.RATE ?? 200);

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

it(`StasisStart → answer request through AsteriskDriver (${CALLS} calls at ${RATE}/s)`, async () => {
  const sim = await AsteriskSim.start({ rtcpIntervalMs: 0, defaultSoundDurationMs: 50 });
  const stasisAt = new Map<string, bigint>();
  const latencies: number[] = [];
  // Instrument the simulator from outside (measurement only): when StasisStart is published…
  const bus = (sim as unknown as { engines: { ctx: { ari: { publish: (b: Record<string, unknown>, s: unknown) => void } } } }).engines.ctx.ari;
  const publish = bus.publish.bind(bus);
  bus.publish = (body, scope) => {
    if (body.type === 'StasisStart') stasisAt.set((body.channel as { id: string }).id, process.hrtime.bigint());
    publish(body, scope);
  };
  // …and when the answer request arrives.
  sim.onRequest((r) => {
    if (r.method !== 'POST' || !r.path.endsWith('/answer')) return;
    const id = r.path.split('/')[3];
    const t0 = stasisAt.get(id);
    if (t0 !== undefined) latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
  });

  // Driver-internal share: WebSocket message handed to the driver → answer request issued (same tick).
  let messageAt = 0n;
  const internal: number[] = [];
  const proto = AriEventsSocket.prototype as unknown as { onMessage: (data: unknown) => void };
  const onMessage = proto.onMessage;
  proto.onMessage = function (this: unknown, data: unknown) {
    messageAt = process.hrtime.bigint();
    onMessage.call(this, data);
  };

  const driver = new AsteriskDriver({ id: 'measure', name: 'measure', connection: sim.connection }, { reconnectMinMs: 100, reconnectMaxMs: 1000, requestTimeoutMs: 5000 });
  let ended = 0;
  let failed = 0;
  driver.onEvent((e) => {
    if (e.type === 'channel.offered') {
      const id = e.channel.id;
      const answered = driver.answer(id);
      internal.push(Number(process.hrtime.bigint() - messageAt) / 1e6);
      answered.then(() => driver.play(id, ['sound:hello-world'])).catch(() => failed++);
    } else if (e.type === 'playback.finished' && e.channelId) {
      driver.hangup(e.channelId).catch(() => failed++);
    } else if (e.type === 'channel.hangup') ended++;
  });
  await driver.start();

  const cpu0 = process.cpuUsage();
  const started = Date.now();
  for (let i = 0; i < CALLS; i++) {
    const due = started + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    sim.placeCall({ from: String(1000 + i), to: '7000' }).catch(() => failed++);
  }
  await waitFor(() => ended >= CALLS, 'all calls ended', 120_000, 50);
  const wallS = (Date.now() - started) / 1000;
  const cpu = process.cpuUsage(cpu0);
  latencies.sort((a, b) => a - b);
  internal.sort((a, b) => a - b);
  proto.onMessage = onMessage;
  const rss = process.memoryUsage().rss / 1e6;
  // eslint-disable-next-line no-console
  console.log(
    `calls ${CALLS} at ${RATE}/s offered: ${(CALLS / wallS).toFixed(1)} calls/s completed, failed ${failed}\n` +
      `StasisStart→answer request ms: p50 ${pct(latencies, 50).toFixed(2)} p90 ${pct(latencies, 90).toFixed(2)} p99 ${pct(latencies, 99).toFixed(2)} max ${latencies[latencies.length - 1].toFixed(2)} (n=${latencies.length})\n` +
      `driver-internal (WS message → answer request issued) ms: p50 ${pct(internal, 50).toFixed(3)} p99 ${pct(internal, 99).toFixed(3)}\n` +
      `process CPU (driver + simulator, one process) ${((cpu.user + cpu.system) / 1000 / CALLS).toFixed(2)} ms/call, RSS ${rss.toFixed(0)} MB`,
  );
  await driver.stop();
  await sim.close();
}, 180_000);
