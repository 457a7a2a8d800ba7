import { IvrFlowInvalidError } from '../ivr.errors';
import { ivrTestKit } from '../ivr-test-kit';
import { SimulatedIvrContext } from '../runtime/simulated-ivr.context';
import { TransferNode } from './transfer.node';

/** Issue 13 item 1: the reported payload, which made FreeSWITCH run two more commands. */
const INJECTED = '1000\n\napi show channels as json\n\nbgapi originate user/1001 &park\n\n';

describe(TransferNode.name, () => {
  const sut = new TransferNode();

  it.each(['1000', '+15551234', '*97', '#21#', 'sales.desk_2-b', '{{target}}', '9{{ number }}'])('accepts the extension %j', (extension) => {
    expect(sut.configSchema.safeParse({ extension, context: 'from-internal' }).success).toBe(true);
  });

  it.each([INJECTED, '1000\r\n', '1000\0', '1000 XML evil', '1000,1001', '1000&1001', '${system ls}', '{1000}', '', 'x'.repeat(65)])('refuses the extension %j', (extension) => {
    expect(sut.configSchema.safeParse({ extension }).success).toBe(false);
  });

  it.each(['default\n\napi status', 'from internal', 'a{b}', ''])('refuses the context %j', (context) => {
    expect(sut.configSchema.safeParse({ extension: '1000', context }).success).toBe(false);
  });

  it('rejects a flow with the reported extension when it is saved, naming node and field, and stores nothing', async () => {
    const kit = ivrTestKit();
    const saving = kit.flows.create('injected', { nodes: [{ id: 'to-reception', type: 'transfer', extension: INJECTED }] });
    await expect(saving).rejects.toBeInstanceOf(IvrFlowInvalidError);
    await expect(saving).rejects.toMatchObject({ errors: [expect.objectContaining({ nodeId: 'to-reception', field: 'extension' })] });
    expect(await kit.flows.list()).toEqual([]);
  });

  it('transfers to the rendered extension', async () => {
    const ctx = new SimulatedIvrContext({ variables: { target: '2001' } });
    await expect(sut.execute(ctx, sut.configSchema.parse({ extension: '{{target}}' }))).resolves.toEqual({ end: 'transferred', result: 'transfer-2001' });
  });
});
