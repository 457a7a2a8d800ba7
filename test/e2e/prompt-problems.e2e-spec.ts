import request from 'supertest';
import type { PbxType } from '@callplane/pbx';
import { waitFor } from '@callplane/testing';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { seedQueue } from '../support/seed';

/**
 * Issue 7 item 7: a queue greeting the PBX cannot find is not skipped silently — callplane
 * counts it per prompt and PBX node with the PBX's reason and shows it to admins in `/health`
 * (the public answer stays `{ status }`); the caller still reaches the queue.
 */
describe.each<PbxType>(['asterisk', 'freeswitch'])('prompt problems on %s', (pbx) => {
  let h: ControlPlaneHarness;

  beforeAll(async () => {
    h = await ControlPlaneHarness.start({ pbx, db: 'sqlite', missingSounds: ['queue-greeting'] });
    await seedQueue(h, { did: '7300', endpoints: ['1001'] });
  });
  afterAll(async () => h?.close());

  it('lists a missing greeting once per prompt and node, with the PBX reason and a count, in admin /health', async () => {
    const greetingFailures = async () => ((await h.http().get('/health').expect(200)).body.prompts ?? []).find((p: { prompt: string }) => p.prompt === 'sound:queue-greeting')?.count ?? 0;
    for (const [i, from] of ['5557301', '5557302'].entries()) {
      const caller = await h.sim.placeCall({ from, to: '7300' });
      await waitFor(async () => (await greetingFailures()) === i + 1, `failed greeting ${i + 1} counted`);
      // The caller went on into the queue (an agent leg is offered) although the greeting failed.
      await waitFor(() => h.sim.channels().some((c) => c.direction === 'outbound' && c.endpoint === '1001') || h.sim.channels().some((c) => c.id === caller), 'caller still in the queue');
      expect(h.sim.channels().some((c) => c.id === caller)).toBe(true);
      h.sim.hangup(caller);
    }
    const health = await waitFor(async () => {
      const res = await h.http().get('/health').expect(200);
      return res.body.prompts?.find((p: { prompt: string; count: number }) => p.prompt === 'sound:queue-greeting' && p.count === 2) ? res.body : undefined;
    }, 'two failed greetings in /health');
    const [problem] = health.prompts;
    expect(problem).toMatchObject({ nodeId: expect.any(String), prompt: 'sound:queue-greeting', count: 2, reason: expect.stringMatching(/\S/) });
    expect(Date.parse(problem.lastAt)).toBeGreaterThanOrEqual(Date.parse(problem.firstAt));
    const anonymous = await request(h.app.getHttpServer()).get('/health').expect(200);
    expect(anonymous.body).toEqual({ status: expect.any(String) });
  });
});
