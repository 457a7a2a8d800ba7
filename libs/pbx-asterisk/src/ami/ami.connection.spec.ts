import { createLogger } from '@callplane/core';
import { PbxInvalidArgumentError } from '@callplane/pbx';
import { AsteriskSim } from '@callplane/pbx-sim';
import { waitFor } from '@callplane/testing';
import { AmiAuthError, AmiConnection } from './ami.connection';
import type { AmiFrame } from './ami.types';

describe(AmiConnection.name, () => {
  let sim: AsteriskSim;
  let frames: AmiFrame[];
  let sut: AmiConnection;

  beforeEach(async () => {
    sim = await AsteriskSim.start({ rtcpIntervalMs: 0 });
    frames = [];
    const c = sim.connection;
    if (c.type !== 'asterisk') throw new Error('asterisk sim expected');
    sut = new AmiConnection({ host: c.amiHost, port: c.amiPort, username: c.amiUsername, secret: c.amiSecret, timeoutMs: 2000 }, (f) => frames.push(f), createLogger('test'));
  });

  afterEach(async () => {
    sut.close();
    await sim.close();
  });

  it('logs in, receives FullyBooted and events, and answers actions', async () => {
    await sut.open(() => undefined);
    await waitFor(() => frames.find((f) => f.event === 'FullyBooted'), 'FullyBooted');
    sim.registerEndpoint('4001');
    await waitFor(() => frames.find((f) => f.event === 'ContactStatus' && f.aor === '4001'), 'ContactStatus');
    const pong = await sut.action({ action: 'Ping' });
    expect(String(pong.response).toLowerCase()).toBe('success');
  });

  it.each(['\r\n\r\n', '\n\n', '\0'])('refuses an action whose value holds %j: the PBX receives no second action', async (sep) => {
    await sut.open(() => undefined);
    sim.registerEndpoint('1001', { answerAfterMs: 50 });
    sim.clearRequests();
    const action = sut.action({ Action: 'Ping', Comment: `x${sep}Action: Originate${sep}Channel: PJSIP/1001${sep}Application: Park${sep}${sep}` });
    await expect(action).rejects.toBeInstanceOf(PbxInvalidArgumentError);
    await expect(action).rejects.toMatchObject({ field: 'Comment' });
    expect((await sut.action({ Action: 'Ping' })).response).toBe('Success');
    expect(sim.requests().map((r) => r.method)).toEqual(['Ping']);
    expect(sim.channels()).toEqual([]);
  });

  it('keeps delivering events after a malformed frame', async () => {
    await sut.open(() => undefined);
    sim.injectRawAmi('Response: Follows\r\nPrivilege: Command\r\n\r\n');
    sim.injectRawAmi('garbage\r\n\r\n');
    sim.registerEndpoint('4002');
    await waitFor(() => frames.find((f) => f.event === 'ContactStatus' && f.aor === '4002'), 'ContactStatus after malformed frames', 3000);
  });

  it('rejects a refused login with AmiAuthError', async () => {
    const c = sim.connection;
    if (c.type !== 'asterisk') throw new Error('asterisk sim expected');
    const bad = new AmiConnection({ host: c.amiHost, port: c.amiPort, username: c.amiUsername, secret: 'wrong', timeoutMs: 2000 }, () => undefined, createLogger('test'));
    await expect(bad.open(() => undefined)).rejects.toBeInstanceOf(AmiAuthError);
    bad.close();
  });

  it('calls onClose once when the PBX drops the connection', async () => {
    let closes = 0;
    await sut.open(() => closes++);
    sim.dropConnections();
    await waitFor(() => closes === 1, 'onClose');
  });
});
