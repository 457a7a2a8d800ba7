import { sleep, waitFor } from '@callplane/testing';
import { HoldingBridges } from './holding-bridges';
import { AcdHarness } from './testing/acd-test.harness';

/**
 * Found on a real Asterisk 22: a caller hanging up during the queue greeting gets PlaybackFinished
 * (state failed) before its StasisEnd, so the ACD goes on to the holding bridge for a caller who is
 * already gone. The bridge created for it must not stay behind with MOH playing to nobody.
 */
describe.each(['asterisk', 'freeswitch'] as const)(`${HoldingBridges.name} on %s`, (pbx) => {
  let h: AcdHarness;

  beforeEach(async () => {
    h = await AcdHarness.start(pbx);
  });

  afterEach(async () => {
    await h?.close();
  });

  it('a caller gone before it joined leaves no holding bridge behind', async () => {
    const { agents } = await h.seedQueue({ did: '7100', endpoints: ['1001'], queue: { greetingPrompt: 'sound:queue-greeting' } });
    h.sim.registerEndpoint('1001', { answerAfterMs: null });
    await h.agentStates.set(agents[0].id, 'available');
    const holding = h.app.get(HoldingBridges);
    // Make the first join fail as it does on the real PBX: the caller's channel is gone when the
    // holding bridge is asked to take it.
    const callerId = await h.sim.placeCall({ from: '5550100', to: '7100' });
    await waitFor(async () => (await h.callRow(callerId))?.queueId, 'caller queued');
    h.sim.hangup(callerId, 16);
    await expect(holding.join(h.nodeId, 'q-test', 'default', callerId)).rejects.toThrow();
    await h.ended(callerId);
    await sleep(200);
    expect(h.sim.bridges().filter((b) => b.type === 'holding')).toEqual([]);
  });
});
