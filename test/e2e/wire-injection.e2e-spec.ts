import type { PbxType } from '@callplane/pbx';
import { sleep, waitFor } from '@callplane/testing';
import { ControlPlaneHarness } from '../support/control-plane.harness';

/** Issue 13 item 1, as reported: this transfer extension made FreeSWITCH run two more commands. */
const INJECTED = '1000\n\napi show channels as json\n\nbgapi originate user/1001 &park\n\n';

/** Requests that carry the injected commands (or any originate to 1001) on either PBX. */
function injectedRequests(h: ControlPlaneHarness): unknown[] {
  return h.sim.requests().filter((r) => /show channels|originate|1001/.test(r.path + JSON.stringify(r.params)));
}

describe.each<PbxType>(['freeswitch', 'asterisk'])('wire injection on %s (issue 13)', (pbx) => {
  let h: ControlPlaneHarness;

  beforeAll(async () => {
    h = await ControlPlaneHarness.start({ pbx, db: 'sqlite' });
    h.sim.registerEndpoint('1001', { answerAfterMs: 50 });
  });
  afterAll(async () => h?.close());

  it('refuses to save a flow whose transfer extension carries commands: 400 naming node and field', async () => {
    const res = await h
      .http()
      .post('/ivr/flows')
      .send({ name: 'injected-transfer', definition: { nodes: [{ id: 'to-reception', type: 'transfer', extension: INJECTED }] } })
      .expect(400);
    expect(res.body).toMatchObject({ code: 'ivr-flow-invalid', details: { errors: [{ nodeId: 'to-reception', field: 'extension' }] } });
    expect((await h.http().get('/ivr/flows').expect(200)).body.map((f: { name: string }) => f.name)).not.toContain('injected-transfer');
  });

  it('a templated extension rendered to the payload at run time reaches the PBX as nothing: no extra command, no new call', async () => {
    const definition = {
      nodes: [
        { id: 'pick', type: 'set', variables: { target: INJECTED }, next: 'to-reception' },
        { id: 'to-reception', type: 'transfer', extension: '{{target}}' },
      ],
    };
    const flow = await h.http().post('/ivr/flows').send({ name: 'templated-transfer', definition }).expect(201);
    await h.http().post(`/ivr/flows/${flow.body.id}/publish`).expect(200);
    await h.http().post('/inbound-routes').send({ did: '7813', targetType: 'ivr', targetId: flow.body.id }).expect(201);
    h.sim.clearRequests();

    const caller = await h.sim.placeCall({ from: '5551313', to: '7813' });
    // The transfer fails in the driver (pbx-invalid-argument): the IVR ends the call itself.
    await waitFor(() => !h.sim.channels().some((c) => c.id === caller), 'caller hung up by callplane', 15_000);
    await sleep(300);
    expect(injectedRequests(h)).toEqual([]);
    expect(h.sim.channels()).toEqual([]);
  });
});
