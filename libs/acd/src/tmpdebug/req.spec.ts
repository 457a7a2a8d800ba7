import { waitFor } from '@callplane/testing';
import { AcdHarness } from '../testing/acd-test.harness';
it('requests per call', async () => {
  const h = await AcdHarness.start('asterisk');
  const { agents } = await h.seedQueue({ did: '7000', endpoints: ['1001'], queue: { greetingPrompt: 'sound:beep', wrapUpS: 0 } });
  h.sim.registerEndpoint('1001', { answerAfterMs: 100 });
  await h.agentStates.set(agents[0].id, 'available');
  h.sim.clearRequests();
  const callerId = await h.sim.placeCall({ from: '5551234', to: '7000' });
  await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered');
  await new Promise((r) => setTimeout(r, 300));
  h.sim.hangup(callerId);
  await h.ended(callerId);
  await new Promise((r) => setTimeout(r, 300));
  console.log(h.sim.requests().filter((r) => r.protocol === 'ari').map((r) => `${r.t} ${r.method} ${r.path} ${JSON.stringify(r.params)}`).join('\n'));
  await h.close();
});
