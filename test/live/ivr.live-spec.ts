import { describeLive } from './support/describe-live';
import type { LivePbx } from './support/live-env';
import { LiveAgent, LiveStack, sleep } from './support/live-stack';

/**
 * Issue 12 — IVR on real PBXes: RFC 4733 digits from a sipp carrier drive menus into a queue with
 * barge-in; each digit is consumed by exactly one menu; IVR-served calls are recorded as what they
 * were (answered and completed in the IVR), not as abandoned queue calls.
 */
for (const pbx of ['asterisk', 'freeswitch'] as LivePbx[]) {
  describeLive(pbx, 'IVR', () => {
    let s: LiveStack;
    let agent: LiveAgent;

    beforeAll(async () => {
      s = await LiveStack.start(pbx, 'sqlite');
      [agent] = await s.seedAgents(['1001']);
    });

    afterAll(async () => {
      await s?.close();
    });

    const publish = async (definition: { name: string; [key: string]: unknown }): Promise<string> => {
      const flow = await s.cp.api('POST', '/ivr/flows', { name: definition.name, definition });
      await s.cp.api('POST', `/ivr/flows/${flow.id}/publish`);
      return flow.id;
    };

    it('menu → menu → queue by DTMF, with barge-in; each digit is consumed by one menu only', async () => {
      const queue = await s.cp.api('POST', '/queues', { name: 'ivr-sales', strategy: 'ring-all', ringTimeoutS: 15, maxWaitS: 60, wrapUpS: 0 });
      await s.cp.api('POST', `/queues/${queue.id}/members`, { agentId: agent.agentId });
      const flowId = await publish({
        name: 'live-two-level',
        start: 'main',
        nodes: [
          // 7.8 s and 5.4 s prompts: the digits below arrive well inside them (barge-in).
          { id: 'main', type: 'menu', prompts: ['sound:queue-periodic-announce'], invalidPrompts: ['sound:invalid'], timeoutMs: 4000, maxRetries: 1, options: [{ digit: '2', next: 'sub' }], default: 'bye' },
          { id: 'sub', type: 'menu', prompts: ['sound:queue-youarenext'], invalidPrompts: ['sound:invalid'], timeoutMs: 4000, maxRetries: 1, options: [{ digit: '3', next: 'sales' }], default: 'bye' },
          { id: 'sales', type: 'queue', queue: queue.id },
          { id: 'bye', type: 'hangup', cause: 16, prompts: ['sound:vm-goodbye'] },
        ],
      });
      await s.cp.api('POST', '/inbound-routes', { did: '7200', targetType: 'ivr', targetId: flowId });
      await s.startPhone(agent, 'auto');
      await s.setState(agent, 'available');

      const result = await s.call({ did: '7200', callerNumber: '5557200', steps: [{ pauseMs: 1500 }, { dtmf: '2' }, { pauseMs: 1500 }, { dtmf: '3' }, { pauseMs: 5000 }], end: 'bye' });
      expect(result.inviteStatus).toBe(200);
      const row = await s.endedCall((r) => r.callerNumber === '5557200');
      const nodes = row.events.filter((e: any) => e.type === 'ivr.node').map((e: any) => e.data);
      const main = nodes.find((n: any) => n.nodeId === 'main');
      const sub = nodes.find((n: any) => n.nodeId === 'sub');
      expect(main).toMatchObject({ digits: '2' });
      // The digit that chose `sub` is not fed to `sub` as well (it would hear its invalid prompt).
      expect(sub).toMatchObject({ digits: '3' });
      expect(String(sub.result)).not.toContain('invalid');
      // Barge-in: each menu ended on its digit, long before its prompt would have (7.8 s / 5.4 s).
      expect(main.ms).toBeLessThan(5000);
      expect(sub.ms).toBeLessThan(4000);
      expect(row).toMatchObject({ disposition: 'ANSWERED', agentId: agent.agentId, queueId: queue.id });
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
      await s.setState(agent, 'offline');
    });

    it('a call the IVR answers and ends itself is recorded as answered and completed in the IVR', async () => {
      const flowId = await publish({ name: 'live-info-line', start: 'hello', nodes: [{ id: 'hello', type: 'play', prompts: ['sound:hello-world'], next: 'bye' }, { id: 'bye', type: 'hangup', cause: 16 }] });
      await s.cp.api('POST', '/inbound-routes', { did: '7201', targetType: 'ivr', targetId: flowId });
      const result = await s.call({ did: '7201', callerNumber: '5557201', end: 'wait', waitByeMs: 10_000 });
      expect(result.inviteStatus).toBe(200);
      expect(result.endedBy).toBe('pbx');
      const row = await s.endedCall((r) => r.callerNumber === '5557201');
      expect(row.answeredAt).toBeTruthy();
      expect(row.hangupCause).toBe(16);
      expect(row.disposition).not.toBe('ABANDONED');
      expect(row.disposition).toMatch(/IVR/);
      await s.assertPbxClean();
      expect(s.callplaneErrors()).toEqual([]);
    });

    it('publishing checks prompts against the PBX: a sound it does not have is a warning naming node, prompt and PBX node', async () => {
      const flow = await s.cp.api('POST', '/ivr/flows', {
        name: 'live-prompt-check',
        definition: { name: 'live-prompt-check', start: 'thanks', nodes: [{ id: 'thanks', type: 'play', prompts: ['sound:hello-world', 'sound:vm-thankyou'], next: 'bye' }, { id: 'bye', type: 'hangup', cause: 16 }] },
      });
      const published = await s.cp.api('POST', `/ivr/flows/${flow.id}/publish`);
      // `vm-thankyou` is not in the core sounds; `hello-world` is (Asterisk: ARI GET /sounds; FreeSWITCH: file_exists).
      expect(published.warnings).toEqual([expect.objectContaining({ nodeId: 'thanks', field: 'prompts', prompt: 'sound:vm-thankyou', pbxNode: expect.any(String) })]);
    });

    it('a transfer extension carrying ESL/AMI commands (issue 13) reaches the PBX as nothing: no extra command, no new call', async () => {
      const injected = '1000\n\napi show channels as json\n\nbgapi originate user/1001 &park\n\n';
      const flowId = await publish({
        name: 'live-injection',
        start: 'pick',
        nodes: [
          { id: 'pick', type: 'set', variables: { target: injected }, next: 'to-reception' },
          { id: 'to-reception', type: 'transfer', extension: '{{target}}' },
        ],
      });
      await s.cp.api('POST', '/inbound-routes', { did: '7202', targetType: 'ivr', targetId: flowId });
      await s.startPhone(agent, 'auto');
      const rang = agent.phone!.events.length;
      const result = await s.call({ did: '7202', callerNumber: '5557202', end: 'wait', waitByeMs: 10_000 });
      expect(result.endedBy).toBe('pbx');
      const row = await s.endedCall((r) => r.callerNumber === '5557202');
      expect(row.disposition).toBe('FAILED');
      // The originate that rode on the injected lines would have rung agent 1001's phone.
      await sleep(1500);
      expect(agent.phone!.events.slice(rang).filter((e) => e.type.startsWith('CALL_'))).toEqual([]);
      await s.assertPbxClean();
    });
  });
}
