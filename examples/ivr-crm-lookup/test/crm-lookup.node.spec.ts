import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IvrFlowsService, ivrTestKit } from '@callplane/ivr';
import { CrmLookupNode } from '../src';

/** A flow using the node: VIPs to their own queue, known callers to sales, unknown ones to general. */
const FLOW = {
  start: 'lookup',
  nodes: [
    { id: 'lookup', type: 'crm-lookup', fields: { customerName: 'name', tier: 'account.tier' }, onFound: 'tier', onNotFound: 'general', onError: 'general' },
    { id: 'tier', type: 'branch', conditions: [{ when: { variable: 'tier', equals: 'gold' }, next: 'vip' }], default: 'sales' },
    { id: 'vip', type: 'queue', queue: 'vip', priority: 10 },
    { id: 'sales', type: 'queue', queue: 'sales' },
    { id: 'general', type: 'queue', queue: 'general' },
  ],
};

const CONTACTS: Record<string, unknown> = {
  '+4930111': { name: 'Ada Lovelace', account: { tier: 'gold' } },
  '+4930222': { name: 'Charles Babbage', account: { tier: 'silver' } },
};

describe(CrmLookupNode.name, () => {
  let server: Server;
  let base: string;
  const requested: string[] = [];
  let flows: IvrFlowsService;
  let flowId: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      requested.push(req.url!);
      const phone = new URL(req.url!, 'http://x').searchParams.get('phone') ?? '';
      if (phone === '+4930999') return void setTimeout(() => res.end('{}'), 3_000); // a slow CRM
      if (phone === '+4930500') return void res.writeHead(500).end('boom');
      const contact = CONTACTS[phone];
      if (!contact) return void res.writeHead(404).end();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(contact));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    flows = ivrTestKit({ extra: [new CrmLookupNode({ url: `${base}/contacts?phone={{callerNumber}}`, timeoutMs: 750 })] }).flows;
    flowId = (await flows.create('crm', FLOW)).id;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('finds a VIP caller, maps CRM fields into variables and routes by them', async () => {
    const r = await flows.simulate(flowId, { callerNumber: '+4930111' });
    expect(requested.at(-1)).toBe('/contacts?phone=%2B4930111');
    expect(r.path.map((s) => `${s.nodeId}:${s.result}`)).toEqual(['lookup:found', 'tier:condition-0', 'vip:queue-vip']);
    expect(r.variables).toMatchObject({ customerName: 'Ada Lovelace', tier: 'gold' });
    expect(r.actions.at(-1)).toMatchObject({ action: 'hand-off', target: { type: 'queue', id: 'vip', priority: 10 } });
  });

  it('routes a known non-VIP caller to sales', async () => {
    const r = await flows.simulate(flowId, { callerNumber: '+4930222' });
    expect(r.path.map((s) => s.nodeId)).toEqual(['lookup', 'tier', 'sales']);
  });

  it('takes the not-found branch for an unknown caller', async () => {
    const r = await flows.simulate(flowId, { callerNumber: '+4930333' });
    expect(r.path.map((s) => `${s.nodeId}:${s.result}`)).toEqual(['lookup:not-found', 'general:queue-general']);
    expect(r.variables.customerName).toBeUndefined();
  });

  it('takes the error branch when the CRM fails or is too slow', async () => {
    expect((await flows.simulate(flowId, { callerNumber: '+4930500' })).path[0].result).toBe('http-500');
    const slow = await flows.simulate(flowId, { callerNumber: '+4930999' });
    expect(slow.path.map((s) => `${s.nodeId}:${s.result}`)).toEqual(['lookup:timeout', 'general:queue-general']);
  });

  it('rejects a flow missing a branch of the node, naming node and field', async () => {
    const bad = { nodes: [{ id: 'lookup', type: 'crm-lookup', onFound: 'q' }, { id: 'q', type: 'queue', queue: 'x' }] };
    const v = await flows.validateDefinition(bad);
    expect(v.errors).toEqual([{ nodeId: 'lookup', field: 'onNotFound', message: 'is required' }]);
  });
});
