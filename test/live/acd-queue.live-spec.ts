import { describeLive } from './support/describe-live';
import type { LivePbx } from './support/live-env';
import { LiveAgent, LiveStack, sleep, waitFor } from './support/live-stack';

/**
 * Issue 12, item 3 — queue scenarios on real PBXes: a sipp carrier calls a DID routed to a queue,
 * real softphones (baresip) registered on the PBX answer, callplane runs as main.ts wires it.
 */
for (const pbx of ['asterisk', 'freeswitch'] as LivePbx[]) {
  describeLive(pbx, 'ACD queue', () => {
    let s: LiveStack;
    let a1: LiveAgent;
    let a2: LiveAgent;

    beforeAll(async () => {
      s = await LiveStack.start(pbx, 'sqlite');
      [a1, a2] = await s.seedAgents(['1001', '1002']);
    });

    afterAll(async () => {
      await s?.close();
    });

    afterEach(async () => {
      for (const a of s.agents) await s.setState(a, 'offline').catch(() => undefined);
    });

    it('ring-all: the first agent to answer gets the caller, the other leg is cancelled, the record is right', async () => {
      const { queueId } = await s.seedQueue({ did: '7000', agents: [a1, a2], strategy: 'ring-all' });
      await s.startPhone(a1, 'auto');
      await s.startPhone(a2, 'never');
      await s.setState(a1, 'available');
      await s.setState(a2, 'available');

      const call = await s.startCall({ did: '7000', callerNumber: '5551234', callerName: 'Alice', steps: [{ pauseMs: 4000 }], end: 'bye' });
      await waitFor(() => a1.phone!.count('CALL_ESTABLISHED') === 1, 'agent 1001 talking to the caller', 20_000, 50);
      // Agent 1002's phone rang and was cancelled when 1001 answered.
      await waitFor(() => a2.phone!.count('CALL_CLOSED') >= 1, 'agent 1002 ringing leg cancelled', 10_000, 50);
      expect(a2.phone!.count('CALL_ESTABLISHED')).toBe(0);
      // The agent's phone shows who is calling (caller ID on the agent leg, not "Anonymous").
      const established = a1.phone!.events.find((e) => e.type === 'CALL_ESTABLISHED');
      expect(established).toMatchObject({ peeruri: expect.stringContaining('5551234'), peerdisplayname: 'Alice' });
      expect(a1.client.received('call.offered')[0]).toMatchObject({ callerNumber: '5551234', queueId });

      const result = await call.result;
      expect(result.inviteStatus).toBe(200);
      const row = await s.endedCall((r) => r.queueId === queueId);
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: a1.agentId, callerNumber: '5551234', hangupCause: 16 });
      expect(row.answeredAt).toBeTruthy();
      expect(row.talkS).toBeGreaterThan(2);
      expect(row.talkS).toBeLessThan(6);
      expect(row.waitS).toBeGreaterThanOrEqual(0);
      expect(row.waitS).toBeLessThan(5);
      expect(row.legs.filter((l: any) => l.role === 'agent')).toHaveLength(2);
      await waitFor(() => a1.client.received('call.ended').length >= 1, 'call.ended to agent 1001');
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });
  });
}
