import { waitFor } from '@callplane/testing';
import { AcdHarness } from '../testing/acd-test.harness';
it.each(['asterisk'] as const)('perf %s', async (pbx) => {
  const h = await AcdHarness.start(pbx);
  const { agents } = await h.seedQueue({ did: '7000', endpoints: ['1001'], queue: {} });
  h.sim.registerEndpoint('1001', { answerAfterMs: null });
  await h.agentStates.set(agents[0].id, 'available');
  const offers = new Map<string, number>();
  const answers = new Map<string, number>();
  h.drivers.onEvent((e) => { if (e.type === 'channel.offered') offers.set(e.channel.id, performance.now()); });
  const origOn = h.sim.onRequest((r) => { const m = /channels\/([^/]+)\/answer/.exec(r.path) ?? /uuid_answer (\S+)/.exec(r.path); if (m) answers.set(m[1], performance.now()); });
  const N = 300; const t0 = Date.now(); const ids: string[] = [];
  for (let i = 0; i < N; i++) {
    const due = t0 + i * 10; const wait = due - Date.now(); if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    void h.sim.placeCall({ from: `555${i}`, to: '7000' }).then((id) => { ids.push(id); setTimeout(() => h.sim.hangup(id), 1500); });
  }
  await waitFor(async () => (await h.dataSource.query(`select count(*) as n from calls where status='ended'`))[0].n >= N, 'all ended', 60000, 200);
  const el = (Date.now() - t0) / 1000;
  const lat = [...answers.entries()].map(([id, t]) => t - (offers.get(id) ?? t)).sort((a, b) => a - b);
  console.log(pbx, 'calls', N, 'elapsed', el, 'rate', (N / el).toFixed(1), 'p50', lat[Math.floor(lat.length * 0.5)].toFixed(2), 'p99', lat[Math.floor(lat.length * 0.99)].toFixed(2), 'n', lat.length);
  origOn();
  await h.close();
}, 120000);
