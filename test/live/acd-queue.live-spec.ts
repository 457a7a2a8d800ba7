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
      for (const a of s?.agents ?? []) await s.setState(a, 'offline').catch(() => undefined);
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

    it('longest-idle over three calls: each call goes to the agent idle longest', async () => {
      const { queueId } = await s.seedQueue({ did: '7001', agents: [a1, a2], strategy: 'longest-idle' });
      await s.startPhone(a1, 'auto');
      await s.startPhone(a2, 'auto');
      await s.setState(a1, 'available');
      await sleep(300);
      await s.setState(a2, 'available');
      const answeredBy: string[] = [];
      for (const n of [1, 2, 3]) {
        const result = await s.call({ did: '7001', callerNumber: `555000${n}`, steps: [{ pauseMs: 5000 }], end: 'bye' });
        expect(result.inviteStatus).toBe(200);
        const row = await s.endedCall((r) => r.queueId === queueId && r.callerNumber === `555000${n}`);
        expect(row.disposition).toBe('ANSWERED');
        answeredBy.push(row.agentId);
        // Both agents available again (wrap-up 0) before the next call.
        await waitFor(() => [a1, a2].every((a) => a.client.received('agent.state').at(-1)?.state === 'available'), 'both agents available again', 10_000, 50);
        await sleep(300);
      }
      // Whoever was idle longest took call 1 (earlier scenarios of this file count); then they alternate.
      expect(new Set(answeredBy.slice(0, 2)).size).toBe(2);
      expect(answeredBy[2]).toBe(answeredBy[0]);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('a caller who hangs up while queued is recorded ABANDONED with the wait time; the ringing agent leg is cancelled', async () => {
      const { queueId } = await s.seedQueue({ did: '7002', agents: [a1], strategy: 'ring-all' });
      await s.startPhone(a1, 'never');
      await s.setState(a1, 'available');
      const result = await s.call({ did: '7002', callerNumber: '5557002', steps: [{ pauseMs: 3000 }], end: 'bye' });
      expect(result.inviteStatus).toBe(200);
      const row = await s.endedCall((r) => r.queueId === queueId);
      expect(row).toMatchObject({ disposition: 'ABANDONED', agentId: null });
      expect(row.waitS).toBeGreaterThan(2);
      expect(row.waitS).toBeLessThan(6);
      await waitFor(() => a1.phone!.count('CALL_CLOSED') >= 1, 'the agent phone stopped ringing', 10_000, 50);
      expect(a1.phone!.count('CALL_ESTABLISHED')).toBe(0);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('an unknown DID gets the no-service prompt, a hangup from the PBX and a NO_ROUTE record', async () => {
      const result = await s.call({ did: '9999', callerNumber: '5559999', end: 'wait', waitByeMs: 15_000 });
      expect(result.inviteStatus).toBe(200);
      expect(result.endedBy).toBe('pbx');
      const row = await s.endedCall((r) => r.calledNumber === '9999');
      expect(row.disposition).toBe('NO_ROUTE');
      await s.assertPbxClean();
    });

    it('an unregistered agent phone is not offered the call; the registered one gets it', async () => {
      const { queueId } = await s.seedQueue({ did: '7003', agents: [a1, a2], strategy: 'ring-all' });
      await s.startPhone(a1, 'auto');
      await s.startPhone(a2, 'auto');
      await a1.phone!.unregisterAndQuit();
      a1.phone = undefined;
      await waitFor(async () => !(await s.pbx.isRegistered('1001')), '1001 unregistered on the PBX', 10_000, 100);
      await s.setState(a1, 'available');
      await s.setState(a2, 'available');
      const result = await s.call({ did: '7003', callerNumber: '5557003', steps: [{ pauseMs: 3000 }], end: 'bye' });
      expect(result.inviteStatus).toBe(200);
      const row = await s.endedCall((r) => r.queueId === queueId);
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: a2.agentId });
      // No leg was ever dialled to the unregistered phone.
      expect(row.legs.filter((l: any) => l.role === 'agent' && l.agentId === a1.agentId)).toEqual([]);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('an unreachable agent phone (gone without unregistering) is not re-dialled in a storm', async () => {
      const { queueId } = await s.seedQueue({ did: '7004', agents: [a1], strategy: 'ring-all', ringTimeoutS: 5 });
      await s.startPhone(a1, 'auto');
      await a1.phone!.kill(); // still registered on the PBX, but nothing answers at its address
      a1.phone = undefined;
      await s.setState(a1, 'available');
      const result = await s.call({ did: '7004', callerNumber: '5557004', steps: [{ pauseMs: 12_000 }], end: 'bye' });
      expect(result.inviteStatus).toBe(200);
      const row = await s.endedCall((r) => r.queueId === queueId);
      expect(row.disposition).toBe('ABANDONED');
      // 12 s of waiting: a dial attempt, then a growing back-off — not one attempt per second.
      const legs = row.legs.filter((l: any) => l.role === 'agent');
      expect(legs.length).toBeGreaterThanOrEqual(1);
      expect(legs.length).toBeLessThanOrEqual(3);
      await s.assertPbxClean();
    });
  });
}
