import { AsteriskSim } from './asterisk/asterisk-sim';
import { EslTestClient } from './freeswitch/esl-test-client';
import { FreeswitchSim } from './freeswitch/freeswitch-sim';

/** What a PBX says about its sound files: ARI `GET /sounds` (sounds.json) and ESL `api file_exists`. */
describe('simulated PBX sound catalogue', () => {
  it(`${AsteriskSim.name}: GET /sounds lists Sound { id, formats: [{ language, format }] } without the missing ones; GET /sounds/{id} 404s for them`, async () => {
    const sut = await AsteriskSim.start({ rtcpIntervalMs: 0, soundDurationsMs: { 'main-menu': 500 }, missingSounds: ['vm-thankyou', 'hello-world'] });
    try {
      const c = sut.connection;
      const auth = { headers: { Authorization: `Basic ${Buffer.from(`${c.ariUsername}:${c.ariPassword}`).toString('base64')}` } };
      const list = (await (await fetch(`${c.ariUrl}/ari/sounds`, auth)).json()) as { id: string; formats: { language: string; format: string }[] }[];
      expect(list).toContainEqual({ id: 'main-menu', formats: [{ language: 'en', format: 'gsm' }] });
      expect(list).toContainEqual({ id: 'vm-goodbye', formats: [{ language: 'en', format: 'gsm' }] });
      expect(list.map((s) => s.id)).not.toContain('hello-world');
      expect(await (await fetch(`${c.ariUrl}/ari/sounds?lang=fr`, auth)).json()).toEqual([]);
      const missing = await fetch(`${c.ariUrl}/ari/sounds/vm-thankyou`, auth);
      expect(missing.status).toBe(404);
      expect(await missing.json()).toEqual({ message: 'Sound not found' });
      expect((await fetch(`${c.ariUrl}/ari/sounds/main-menu`, auth)).status).toBe(200);
    } finally {
      await sut.close();
    }
  });

  it(`${FreeswitchSim.name}: api file_exists answers true/false for the path; global_getvar sound_prefix is the stock one`, async () => {
    const sut = await FreeswitchSim.start({ heartbeatMs: 0, media: { files: { 'main-menu.wav': 500 }, missing: ['vm-thankyou'] } });
    const c = await EslTestClient.connect(sut.connection.eslPort, 'ClueCon');
    try {
      const prefix = await c.api('global_getvar sound_prefix');
      expect(prefix).toBe('/usr/share/freeswitch/sounds/en/us/callie');
      expect(await c.api(`file_exists ${prefix}/main-menu.wav`)).toBe('true');
      expect(await c.api(`file_exists ${prefix}/vm-thankyou.wav`)).toBe('false');
      expect(await c.api(`file_exists ${prefix}/not-listed.wav`)).toBe('false');
    } finally {
      c.close();
      await sut.close();
    }
  });
});
