import request from 'supertest';
import { AsteriskSim, FreeswitchSim } from '@callplane/pbx-sim';
import type { PbxType } from '@callplane/pbx';
import { waitFor } from '@callplane/testing';
import { AgentClient } from '../support/agent-client';
import { ControlPlaneHarness } from '../support/control-plane.harness';
import { seedQueue } from '../support/seed';

/**
 * Issue 2/3 "Bad input": every kind of bad input gets a clear error and loses nothing —
 * unknown DID, malformed PBX frames, invalid REST bodies, missing credentials.
 */
describe.each<PbxType>(['asterisk', 'freeswitch'])('bad input on %s', (pbx) => {
  let h: ControlPlaneHarness;

  beforeAll(async () => {
    h = await ControlPlaneHarness.start({ pbx, db: 'sqlite' });
  });
  afterAll(async () => h?.close());

  it('answers an unknown DID with a prompt, hangs up and records NO_ROUTE', async () => {
    const caller = await h.sim.placeCall({ from: '5559999', to: '9999' });
    await waitFor(() => !h.sim.channels().some((c) => c.id === caller), 'unrouted caller hung up by callplane');
    const row = await waitFor(async () => {
      const res = await h.http().get('/calls?disposition=NO_ROUTE').expect(200);
      return res.body.items.find((c: { callerNumber: string }) => c.callerNumber === '5559999');
    }, 'NO_ROUTE call row');
    expect(row).toMatchObject({ status: 'ended', calledNumber: '9999', disposition: 'NO_ROUTE' });
    const played = h.sim.requests().some((r) => /play|playback/.test(r.path + JSON.stringify(r.params)));
    expect(played).toBe(true);
  });

  it('logs and skips malformed PBX frames, and keeps handling calls', async () => {
    if (h.sim instanceof AsteriskSim) {
      h.sim.injectRawAriEvent('{"type":"StasisStart", this is not json');
      h.sim.injectRawAriEvent(JSON.stringify({ type: 'NoSuchEventType', application: 'callplane' }));
      h.sim.injectRawAmi('Event: Hangup\r\nthis line has no colon\r\n\r\n');
      h.sim.injectRawAmi('\r\n\r\n: :\r\n\r\n');
    } else if (h.sim instanceof FreeswitchSim) {
      h.sim.injectRaw('Content-Length: 999999999999\nContent-Type: text/event-json\n\n{}');
    }
    const seeded = await seedQueue(h, { did: '7100', endpoints: ['1101'] });
    h.sim.registerEndpoint('1101', { ringAfterMs: 20, answerAfterMs: 100 });
    const agent = await AgentClient.connect(h.url, seeded.agents[0].token);
    await agent.command('agent.setState', { state: 'available' });
    const caller = await h.sim.placeCall({ from: '5550100', to: '7100' });
    await waitFor(() => h.sim.bridges().find((b) => b.type === 'mixing' && b.channelIds.includes(caller)), 'call still bridged after malformed frames', 15_000);
    h.sim.hangup(caller, 16);
    agent.close();
    expect((await h.http().get('/health').expect(200)).body.pbx[0].status).toBe('up');
  });

  it('refuses unauthenticated REST and Socket.IO', async () => {
    const res = await request(h.app.getHttpServer()).get('/calls').expect(401);
    expect(res.body.code).toBe('unauthenticated');
    await expect(AgentClient.connect(h.url, undefined)).rejects.toThrow();
    await expect(AgentClient.connect(h.url, 'not-a-jwt')).rejects.toThrow();
  });

  it('answers an invalid REST body with 400 naming the field', async () => {
    const res = await h.http().post('/queues').send({ name: 'bad', strategy: 'round-robin-ish' }).expect(400);
    expect(res.body.code).toBe('validation-failed');
    expect(res.body.fields.map((f: { field: string }) => f.field)).toContain('strategy');
  });

  it('acks an invalid Socket.IO command with { ok: false, error } naming the field', async () => {
    const seeded = await seedQueue(h, { did: '7200', endpoints: ['1201'] });
    const agent = await AgentClient.connect(h.url, seeded.agents[0].token);
    const ack = await agent.command('agent.setState', { state: 'sleeping' });
    agent.close();
    expect(ack.ok).toBe(false);
    expect(ack.error.code).toEqual(expect.any(String));
    expect(ack.error.message).toMatch(/state/);
  });
});
