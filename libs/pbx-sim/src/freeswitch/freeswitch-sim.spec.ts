import { randomUUID } from 'node:crypto';
import { EslTestClient } from './esl-test-client';
import { FreeswitchSim } from './freeswitch-sim';

const SUBSCRIBE =
  'event json CHANNEL_CREATE CHANNEL_PARK CHANNEL_ANSWER CHANNEL_PROGRESS CHANNEL_PROGRESS_MEDIA CHANNEL_BRIDGE ' +
  'CHANNEL_UNBRIDGE CHANNEL_EXECUTE CHANNEL_EXECUTE_COMPLETE CHANNEL_HANGUP CHANNEL_HANGUP_COMPLETE CHANNEL_DESTROY DTMF ' +
  'PLAYBACK_START PLAYBACK_STOP RECORD_START RECORD_STOP BACKGROUND_JOB CUSTOM sofia::register sofia::unregister';

describe(FreeswitchSim.name, () => {
  let sut: FreeswitchSim;
  let esl: EslTestClient;

  beforeEach(async () => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.01, heartbeatMs: 0 });
    esl = await EslTestClient.connect(sut.connection.eslPort, 'ClueCon');
    await esl.command(SUBSCRIBE);
  });

  afterEach(async () => {
    esl.close();
    await sut.close();
  });

  it('parks an inbound call after answer, plays a tone via sendmsg and hangs up on uuid_kill', async () => {
    const uuid = await sut.placeCall({ from: '5551234', to: '7000' });
    await esl.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_PARK' && e['Unique-ID'] === uuid);
    expect((await esl.api(`uuid_answer ${uuid}`))).toBe('+OK\n');
    const appUuid = randomUUID();
    const reply = await esl.command(
      `sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: tone_stream://%(1000,500,440);loops=3\nEvent-UUID: ${appUuid}`,
    );
    expect(reply.headers['Reply-Text']).toBe('+OK');
    const stop = await esl.waitForEvent((e) => e['Event-Name'] === 'PLAYBACK_STOP');
    expect(stop['Playback-Status']).toBe('done');
    const done = await esl.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Application'] === 'playback');
    expect(done['Application-UUID']).toBe(appUuid);
    expect(done['Application-Response']).toBe('FILE PLAYED');
    expect(await esl.api(`uuid_kill ${uuid} NORMAL_CLEARING`)).toBe('+OK\n');
    const destroy = await esl.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_DESTROY');
    expect(destroy['Hangup-Cause']).toBe('NORMAL_CLEARING');
    const names = esl.events.filter((e) => e['Unique-ID'] === uuid).map((e) => e['Event-Name']);
    expect(names).toEqual([
      'CHANNEL_CREATE', 'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE',
      'CHANNEL_EXECUTE', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_EXECUTE', 'CHANNEL_PROGRESS_MEDIA', 'CHANNEL_ANSWER',
      'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_EXECUTE', 'CHANNEL_PARK', 'CHANNEL_EXECUTE', 'PLAYBACK_START', 'PLAYBACK_STOP',
      'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP', 'CHANNEL_EXECUTE_COMPLETE', 'CHANNEL_HANGUP_COMPLETE', 'CHANNEL_DESTROY',
    ]);
  });

  it('originates to a registered endpoint with bgapi and parks the answered leg', async () => {
    sut.registerEndpoint('1000', { ringAfterMs: 5, answerAfterMs: 20 });
    await esl.waitForEvent((e) => e['Event-Subclass'] === 'sofia::register');
    const leg = randomUUID();
    const reply = await esl.command(`bgapi originate {origination_uuid=${leg},originate_timeout=20}user/1000@127.0.0.1 &park()`);
    const job = reply.headers['Job-UUID'];
    expect(reply.headers['Reply-Text']).toBe(`+OK Job-UUID: ${job}`);
    const bg = await esl.waitForEvent((e) => e['Event-Name'] === 'BACKGROUND_JOB' && e['Job-UUID'] === job);
    expect(bg['_body']).toBe(`+OK ${leg}\n`);
    await esl.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_PARK' && e['Unique-ID'] === leg);
    const names = esl.events.filter((e) => e['Unique-ID'] === leg || e['Job-UUID'] === job).map((e) => e['Event-Name']);
    expect(names).toEqual(['CHANNEL_CREATE', 'CHANNEL_PROGRESS', 'CHANNEL_ANSWER', 'BACKGROUND_JOB', 'CHANNEL_EXECUTE', 'CHANNEL_PARK']);
    expect(sut.channels()).toEqual([expect.objectContaining({ id: leg, state: 'Up', direction: 'outbound', endpoint: '1000' })]);
  });

  it('fails an originate to an unregistered user without creating a channel', async () => {
    const reply = await esl.command('bgapi originate user/1005@127.0.0.1 &park()');
    const bg = await esl.waitForEvent((e) => e['Event-Name'] === 'BACKGROUND_JOB' && e['Job-UUID'] === reply.headers['Job-UUID']);
    expect(bg['_body']).toBe('-ERR USER_NOT_REGISTERED\n');
    expect(esl.events.filter((e) => e['Event-Name'] === 'CHANNEL_CREATE')).toHaveLength(0);
  });
});
