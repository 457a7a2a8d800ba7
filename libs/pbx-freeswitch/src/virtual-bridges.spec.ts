import { BridgeNotFoundError } from '@callplane/pbx';
import { sleep, waitFor } from '@callplane/testing';
import { VirtualBridges } from './virtual-bridges';
import { startHarness } from './test/fs-harness';
import type { FsHarness } from './test/fs-harness';

/** Virtual bridges driven through FreeswitchDriver against FreeswitchSim (uuid_bridge, conference, MOH, eavesdrop). */
describe(VirtualBridges.name, () => {
  let h: FsHarness;
  beforeEach(async () => {
    h = await startHarness({ originateTimeScale: 0.05 });
  });
  afterEach(async () => h.close());

  async function caller(from = '5551234'): Promise<string> {
    const id = await h.sim.placeCall({ from, to: '7000' });
    await h.log.next('channel.offered', (e) => e.channel.id === id);
    return id;
  }

  async function agent(endpoint: string): Promise<string> {
    h.sim.registerEndpoint(endpoint, { answerAfterMs: 20 });
    const ch = await h.sut.originate({ endpoint, timeoutS: 10 });
    await h.log.next('channel.state', (e) => e.channelId === ch.id && e.state === 'up');
    return ch.id;
  }

  it('holding bridge: members hear local_stream://moh once MOH starts, and stop hearing it when they leave', async () => {
    const a = await caller();
    const bridgeId = await h.sut.createBridge('holding');
    await h.sut.addToBridge(bridgeId, [a]);
    await h.log.next('bridge.entered', (e) => e.bridgeId === bridgeId && e.channelId === a);
    await h.sut.startBridgeMoh(bridgeId);
    await waitFor(() => h.sim.channels().find((c) => c.id === a)?.playing?.startsWith('local_stream://moh'), 'caller hears MOH');
    const b = await caller('5550002');
    await h.sut.addToBridge(bridgeId, [b]);
    await waitFor(() => h.sim.channels().find((c) => c.id === b)?.playing?.startsWith('local_stream://moh'), 'second caller hears MOH');
    await h.sut.removeFromBridge(bridgeId, a);
    await h.log.next('bridge.left', (e) => e.bridgeId === bridgeId && e.channelId === a);
    await waitFor(() => !h.sim.channels().find((c) => c.id === a)?.playing, 'MOH stopped for the caller who left');
    const snapshot = await h.sut.snapshot();
    expect(snapshot.bridges.find((x) => x.id === bridgeId)).toEqual({ id: bridgeId, type: 'holding', channelIds: [b] });
  });

  it('mixing bridge of two = uuid_bridge; a third member moves everyone into conference <bridgeId>', async () => {
    const a = await caller();
    const b = await agent('1000');
    const bridgeId = await h.sut.createBridge('mixing');
    await h.sut.addToBridge(bridgeId, [a, b]);
    await h.log.next('bridge.entered', (e) => e.bridgeId === bridgeId && e.channelId === b);
    await waitFor(() => h.sim.bridges().find((x) => x.channelIds.includes(a) && x.channelIds.includes(b)), 'uuid_bridge pair in the sim');
    expect(h.sim.requests().some((r) => r.path === `api uuid_bridge ${a} ${b}`)).toBe(true);

    const c = await agent('1001');
    await h.sut.addToBridge(bridgeId, [c]);
    const room = await waitFor(() => h.sim.bridges().find((x) => x.id === bridgeId && x.channelIds.length === 3), 'conference with three members');
    expect([...room.channelIds].sort()).toEqual([a, b, c].sort());
    const snapshot = await h.sut.snapshot();
    expect(snapshot.channels.find((x) => x.id === c)?.bridgeId).toBe(bridgeId);
  });

  it('a hangup leaves the bridge (bridge.left before channel.hangup); destroy emits bridge.destroyed', async () => {
    const a = await caller();
    const b = await agent('1000');
    const bridgeId = await h.sut.createBridge('mixing', 'bridge-fixed-id');
    expect(bridgeId).toBe('bridge-fixed-id');
    await h.sut.addToBridge(bridgeId, [a, b]);
    h.sim.hangup(a);
    await h.log.next('channel.hangup', (e) => e.channelId === a);
    const types = h.log.events.filter((e) => ('channelId' in e && e.channelId === a) || e.type === 'bridge.left').map((e) => e.type);
    expect(types.indexOf('bridge.left')).toBeLessThan(types.indexOf('channel.hangup'));
    await h.sut.destroyBridge(bridgeId);
    await h.log.next('bridge.destroyed', (e) => e.bridgeId === bridgeId);
    await expect(h.sut.addToBridge(bridgeId, [b])).rejects.toBeInstanceOf(BridgeNotFoundError);
  });

  it('snoop: the supervisor in a mixing bridge with the snoop runs eavesdrop on the target with whisper vars', async () => {
    const a = await caller();
    const sup = await agent('1002');
    // Whisper `out`: into what the target's phone plays (ARI's direction), so only the target hears.
    const snoop = await h.sut.snoop(a, { spy: 'both', whisper: 'out' });
    expect(snoop.id).not.toBe(a);
    const bridgeId = await h.sut.createBridge('mixing');
    await h.sut.addToBridge(bridgeId, [snoop.id, sup]);
    await waitFor(() => h.sim.requests().find((r) => r.method === 'sendmsg' && r.params['execute-app-name'] === 'eavesdrop'), 'eavesdrop sent');
    const eavesdrop = h.sim.requests().find((r) => r.params['execute-app-name'] === 'eavesdrop')!;
    expect(eavesdrop.path).toBe(`sendmsg ${sup}`);
    expect(eavesdrop.params['execute-app-arg']).toBe(a);
    expect(h.sim.requests().some((r) => r.path === `api uuid_setvar ${sup} eavesdrop_whisper_aleg true`)).toBe(true);
    expect(h.sim.requests().some((r) => r.path === `api uuid_setvar ${sup} eavesdrop_whisper_bleg false`)).toBe(true);
    await h.sut.hangup(snoop.id);
    await h.log.next('channel.hangup', (e) => e.channelId === snoop.id);
    await sleep(100);
    expect(h.log.all('channel.hangup', (e) => e.channelId === sup)).toHaveLength(0);
  });
});
