import { isMariadbReachableSync } from '@callplane/persistence/testing';
import { describeLive } from './support/describe-live';
import type { LivePbx } from './support/live-env';
import { LiveAgent, LiveStack, sleep, waitFor } from './support/live-stack';

/**
 * Issue 12, item 3 — restarts on real PBXes, with callplane on MariaDB when it is reachable (the
 * production database; SQLite otherwise): callplane SIGKILLed mid-call and started again adopts the
 * call and writes one complete record; the PBX killed mid-call and restarted is reconnected to, and
 * the record ends at the moment the link dropped with disposition PBX_LOST.
 */
const db = isMariadbReachableSync() ? 'mariadb' : 'sqlite';

for (const pbx of ['asterisk', 'freeswitch'] as LivePbx[]) {
  describeLive(pbx, `restarts (${db})`, () => {
    let s: LiveStack;
    let agent: LiveAgent;
    let queueId: string;

    beforeAll(async () => {
      s = await LiveStack.start(pbx, db);
      [agent] = await s.seedAgents(['1001']);
      ({ queueId } = await s.seedQueue({ did: '7300', agents: [agent], strategy: 'ring-all' }));
      await s.startPhone(agent, 'auto');
    });

    afterAll(async () => {
      await s?.close();
    });

    it('callplane killed (SIGKILL) mid-call and restarted: the call is adopted and ends with one complete record', async () => {
      await s.setState(agent, 'available');
      const call = await s.startCall({ did: '7300', callerNumber: '5557300', steps: [{ pauseMs: 14_000 }], end: 'bye' });
      await waitFor(() => agent.phone!.count('CALL_ESTABLISHED') === 1, 'agent talking', 20_000, 50);
      await sleep(1000); // the answer reaches the database (write-behind)
      await s.cp.kill();
      await sleep(500);
      await s.cp.boot();
      await s.cp.waitPbxUp();
      await s.reconnectAgents();
      const result = await call.result; // the caller hangs up after 14 s: callplane must hang up the agent
      expect(result.inviteStatus).toBe(200);
      await waitFor(() => agent.phone!.count('CALL_CLOSED') >= 1, 'agent leg hung up by the adopted call', 10_000, 50);
      const rows = (await s.calls()).filter((r) => r.callerNumber === '5557300');
      expect(rows).toHaveLength(1);
      const row = await s.endedCall((r) => r.callerNumber === '5557300');
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: agent.agentId, queueId, hangupCause: 16 });
      expect(row.talkS).toBeGreaterThan(8);
      expect(row.legs.every((l: any) => l.endedAt)).toBe(true);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('the PBX killed mid-call and restarted: callplane reconnects and ends the record at the drop with PBX_LOST', async () => {
      await waitFor(() => agent.client.received('agent.state').at(-1)?.state === 'available', 'agent available', 10_000, 50).catch(() => s.setState(agent, 'available'));
      const talked = agent.phone!.count('CALL_ESTABLISHED');
      const call = await s.startCall({ did: '7300', callerNumber: '5557301', steps: [{ pauseMs: 30_000 }], end: 'bye' });
      await waitFor(() => agent.phone!.count('CALL_ESTABLISHED') > talked, 'agent talking', 20_000, 50);
      await sleep(1000);
      const killedAt = Date.now();
      await s.pbx.kill();
      const exitedAt = Date.now(); // the PBX's sockets close while its process exits (FreeSWITCH: ~1 s)
      await call.proc.kill(); // the carrier's dialog died with the PBX
      await sleep(1000);
      await s.pbx.restart();
      s.markLog();
      await s.cp.waitPbxUp(30_000);
      const row = await s.endedCall((r) => r.callerNumber === '5557301', 30_000);
      expect(row.disposition).toBe('PBX_LOST');
      expect(row.hangupCause).not.toBe(16);
      // Ended when the link dropped, not when callplane noticed the PBX was back.
      const endedAt = Date.parse(row.endedAt);
      expect(endedAt).toBeGreaterThanOrEqual(killedAt - 100);
      expect(endedAt).toBeLessThan(exitedAt + 1000);
      expect(row.legs.every((l: any) => l.endedAt)).toBe(true);
      // callplane serves calls again on the restarted PBX.
      await agent.phone!.stop();
      await s.startPhone(agent, 'auto');
      await waitFor(() => agent.client.received('agent.state').at(-1)?.state === 'available', 'agent available after the loss', 15_000, 50).catch(() => s.setState(agent, 'available'));
      const again = await s.call({ did: '7300', callerNumber: '5557302', steps: [{ pauseMs: 3000 }], end: 'bye' });
      expect(again.inviteStatus).toBe(200);
      expect(await s.endedCall((r) => r.callerNumber === '5557302')).toMatchObject({ disposition: 'ANSWERED', agentId: agent.agentId });
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });
  });
}
