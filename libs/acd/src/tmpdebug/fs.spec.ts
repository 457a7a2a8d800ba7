import { waitFor } from '@callplane/testing';
import { AcdHarness } from '../testing/acd-test.harness';
it('debug restart', async () => {
  const h = await AcdHarness.start('freeswitch');
  const { agents } = await h.seedQueue({ did: '7007', endpoints: ['6201'] });
  h.sim.registerEndpoint('6201', { answerAfterMs: 100 });
  await h.agentStates.set(agents[0].id, 'available');
  const callerId = await h.sim.placeCall({ from: '5550008', to: '7007' });
  await waitFor(() => h.eventsOf('call.answered').length === 1, 'answered');
  await waitFor(() => h.sim.bridges().some((b) => b.type === 'mixing' && b.channelIds.includes(callerId) && b.channelIds.length === 2), 'bridged');
  await h.restart();
  await new Promise((r) => setTimeout(r, 1000));
  h.sim.hangup(callerId);
  await new Promise((r) => setTimeout(r, 1000));
  console.log(JSON.stringify(h.pbxEvents.map(e=>e.type)), JSON.stringify(h.sim.channels()));
  const row = await h.callRow(callerId);
  console.log(JSON.stringify(row), JSON.stringify((await h.callEvents(row!.id)).map(e=>e.type)));
  await h.close();
}, 20000);
