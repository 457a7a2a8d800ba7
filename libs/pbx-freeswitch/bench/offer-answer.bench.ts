/**
 * Quick measurement (not a test): offered → answer-command latency and calls/s of the
 * FreeSWITCH driver against FreeswitchSim in one process. Run:
 *   npx jest --roots '<rootDir>/libs/pbx-freeswitch' --testMatch '**\/offer-answer.bench.ts'
 * t0 = the simulator wrote CHANNEL_PARK (placeCall resolves on its park hook);
 * t1 = the simulator received `api uuid_answer <uuid>`. Both clocks are this process's hrtime.
 */
import { FreeswitchSim } from '@callplane/pbx-sim';
import { FreeswitchDriver } from '../src/freeswitch.driver';

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

it('offer → answer latency and calls/s', async () => {
  const sim = await FreeswitchSim.start({ mediaTimeScale: 0.01, heartbeatMs: 0 });
  const sut = new FreeswitchDriver({ id: 'bench', name: 'bench', connection: sim.connection }, { reconnectMinMs: 100, reconnectMaxMs: 1000, requestTimeoutMs: 5000 });
  const answeredAt = new Map<string, bigint>();
  const ended = new Map<string, () => void>();
  sim.onRequest((r) => {
    if (r.path.startsWith('api uuid_answer ')) answeredAt.set(r.path.slice('api uuid_answer '.length), process.hrtime.bigint());
  });
  sut.onEvent((e) => {
    if (e.type === 'channel.offered') {
      const id = e.channel.id;
      void sut.answer(id).then(() => sut.play(id, ['silence:100']));
    } else if (e.type === 'playback.finished' && e.channelId) {
      void sut.hangup(e.channelId);
    } else if (e.type === 'channel.hangup') {
      ended.get(e.channelId)?.();
    }
  });
  await sut.start();

  const oneCall = async (): Promise<number> => {
    const id = await sim.placeCall({ from: '5551234', to: '7000' });
    const t0 = process.hrtime.bigint();
    await new Promise<void>((resolve) => ended.set(id, resolve));
    ended.delete(id);
    const t1 = answeredAt.get(id)!;
    answeredAt.delete(id);
    return Number(t1 - t0) / 1e6;
  };

  for (let i = 0; i < 50; i++) await oneCall(); // warm-up
  const sequential: number[] = [];
  for (let i = 0; i < 500; i++) sequential.push(await oneCall());

  const total = 3000;
  const concurrency = 100;
  let next = 0;
  const loaded: number[] = [];
  const started = Date.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < total) loaded.push(await oneCall());
    }),
  );
  const seconds = (Date.now() - started) / 1000;
  const rss = process.memoryUsage().rss / 1024 / 1024;
  console.log(
    [
      `sequential park→uuid_answer: p50 ${pct(sequential, 50).toFixed(3)} ms, p99 ${pct(sequential, 99).toFixed(3)} ms (n=${sequential.length})`,
      `${concurrency} concurrent, ${total} calls (answer → 100 ms silence (×0.01) → hangup): ${(total / seconds).toFixed(0)} calls/s, park→uuid_answer p50 ${pct(loaded, 50).toFixed(2)} ms, p99 ${pct(loaded, 99).toFixed(2)} ms, RSS ${rss.toFixed(0)} MB`,
    ].join('\n'),
  );
  await sut.stop();
  await sim.close();
}, 300_000);
