import { AcdHarness } from '../testing/acd-test.harness';
it('debug', async () => {
  const h = await AcdHarness.start('freeswitch');
  const { agents } = await h.seedQueue({ did: '7000', endpoints: ['1001', '1002'], queue: { greetingPrompt: 'sound:queue-greeting' } });
  h.sim.registerEndpoint('1001', { answerAfterMs: 400 });
  h.sim.registerEndpoint('1002', { answerAfterMs: null });
  await h.agentStates.set(agents[0].id, 'available');
  await h.agentStates.set(agents[1].id, 'available');
  const callerId = await h.sim.placeCall({ from: '5551234', fromName: 'Alice', to: '7000' });
  await new Promise((r) => setTimeout(r, 3000));
  console.log(JSON.stringify(h.events.map((e) => e.type)), JSON.stringify(h.pbxEvents.map((e) => e.type)));
  console.log(JSON.stringify(h.sim.requests().map((r) => r.path).slice(3)));
  console.log(JSON.stringify(h.sim.channels()), JSON.stringify(h.sim.bridges()));
  h.sim.hangup(callerId, 16);
  await new Promise((r) => setTimeout(r, 1000));
  console.log(JSON.stringify(await h.callRows()));
  await h.close();
}, 20000);
