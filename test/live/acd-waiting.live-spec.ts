import { describeLive } from './support/describe-live';
import type { LivePbx } from './support/live-env';
import { LiveAgent, LiveStack, waitFor } from './support/live-stack';

/**
 * Issue 7 on real PBXes: offers that follow the agent's state (away while ringing, max-no-answer),
 * and the waiting caller's way out of a queue (overflow after max wait, leave key by DTMF while
 * held with music on hold) — with real softphones and a sipp carrier, callplane as main.ts runs it.
 */
for (const pbx of ['asterisk', 'freeswitch'] as LivePbx[]) {
  describeLive(pbx, 'ACD agent states and waiting callers', () => {
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

    const events = (row: { events?: { type: string }[] }) => (row.events ?? []).map((e) => e.type);

    it('an agent who goes away while ringing stops ringing at once; the next agent gets the call', async () => {
      const { queueId } = await s.seedQueue({ did: '7101', agents: [a1, a2], strategy: 'top-down', ringTimeoutS: 20 });
      await s.startPhone(a1, 'never');
      await s.startPhone(a2, 'auto');
      await s.setState(a1, 'available');
      await s.setState(a2, 'available');
      const call = await s.startCall({ did: '7101', callerNumber: '5557101', steps: [{ pauseMs: 9000 }], end: 'bye' });
      await waitFor(() => a1.phone!.count('CALL_INCOMING') >= 1, 'agent 1001 (top of the list) ringing', 15_000, 50);
      expect(a2.phone!.count('CALL_INCOMING')).toBe(0);
      await s.setState(a1, 'away', 'break');
      await waitFor(() => a1.phone!.count('CALL_CLOSED') >= 1, "1001's ringing leg hung up when it went away", 5000, 50);
      await waitFor(() => a2.phone!.count('CALL_ESTABLISHED') === 1, 'agent 1002 talking to the caller', 15_000, 50);
      expect((await call.result).inviteStatus).toBe(200);
      const row = await s.endedCall((r) => r.queueId === queueId);
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: a2.agentId });
      const log = await s.cp.api('GET', `/agents/${a1.agentId}/state-log`);
      const entries = Array.isArray(log) ? log : log.items;
      expect(entries.map((e: { to: string }) => e.to)).toEqual(expect.arrayContaining(['ringing', 'away']));
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('max-no-answer: an agent who lets offers ring out twice is set away with reason no-answer', async () => {
      await s.cp.api('PATCH', `/agents/${a1.agentId}`, { maxNoAnswer: 2, noAnswerDelayS: 0 });
      const { queueId } = await s.seedQueue({ did: '7102', agents: [a1], strategy: 'ring-all', ringTimeoutS: 3, maxWaitS: 20, extra: { retryDelayS: 0 } });
      await s.startPhone(a1, 'never');
      await s.setState(a1, 'available');
      const call = await s.startCall({ did: '7102', callerNumber: '5557102', steps: [{ pauseMs: 14_000 }], end: 'bye' });
      await waitFor(() => a1.client.received('agent.state').some((e: { state: string; reason?: string }) => e.state === 'away' && e.reason === 'no-answer'), '1001 away (no-answer)', 20_000, 100);
      expect(a1.phone!.count('CALL_ESTABLISHED')).toBe(0);
      await call.result;
      const row = await s.endedCall((r) => r.queueId === queueId);
      expect(row.disposition).toBe('ABANDONED');
      // Two offers rang out; none after the agent went away.
      expect(row.legs.filter((l: { role: string }) => l.role === 'agent')).toHaveLength(2);
      await s.cp.api('PATCH', `/agents/${a1.agentId}`, { maxNoAnswer: 3, noAnswerDelayS: 5 });
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('overflow: after max wait the caller lands in the target queue and an agent there answers', async () => {
      const target = await s.seedQueue({ did: null, name: 'live-overflow-target', agents: [a2], strategy: 'ring-all' });
      const { queueId } = await s.seedQueue({ did: '7103', agents: [a1], strategy: 'ring-all', maxWaitS: 4, extra: { overflowTargetType: 'queue', overflowTargetId: target.queueId } });
      await s.startPhone(a2, 'auto');
      await s.setState(a2, 'available'); // a1 stays offline: nobody answers in the first queue
      const result = await s.call({ did: '7103', callerNumber: '5557103', steps: [{ pauseMs: 10_000 }], end: 'bye' });
      expect(result.inviteStatus).toBe(200);
      expect(a2.phone!.count('CALL_ESTABLISHED')).toBe(1);
      const row = await s.endedCall((r) => r.callerNumber === '5557103');
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: a2.agentId });
      expect(events(row)).toContain('queue.overflow');
      expect(row.waitS).toBeGreaterThanOrEqual(3.5);
      expect([queueId, target.queueId]).toContain(row.queueId);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('leave key: a caller on hold presses 1 and is taken to the overflow target at once', async () => {
      const target = await s.seedQueue({ did: null, name: 'live-leave-target', agents: [a2], strategy: 'ring-all' });
      await s.seedQueue({ did: '7104', agents: [a1], strategy: 'ring-all', maxWaitS: 60, extra: { leaveKey: '1', overflowTargetType: 'queue', overflowTargetId: target.queueId } });
      await s.startPhone(a2, 'auto');
      await s.setState(a2, 'available');
      // Greeting (~2 s) then music on hold; the digit comes while held.
      const result = await s.call({ did: '7104', callerNumber: '5557104', steps: [{ pauseMs: 4000 }, { dtmf: '1' }, { pauseMs: 6000 }], end: 'bye' });
      expect(result.inviteStatus).toBe(200);
      expect(a2.phone!.count('CALL_ESTABLISHED')).toBe(1);
      const row = await s.endedCall((r) => r.callerNumber === '5557104');
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: a2.agentId });
      expect(events(row)).toContain('queue.overflow');
      // Well before the 60 s max wait: the key took the caller out.
      expect(row.waitS).toBeLessThan(15);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });
  });
}
