import { randomUUID } from 'node:crypto';
import { EslTestClient, type EslEventData } from './esl-test-client';
import { FreeswitchSim, type FreeswitchSimOptions } from './freeswitch-sim';

/** Call behaviour through the ESL api: originate outcomes, bridges, apps, conferences, hold. */
describe(`${FreeswitchSim.name} calls`, () => {
  let sut: FreeswitchSim;
  let esl: EslTestClient;
  const start = async (opts: FreeswitchSimOptions = {}): Promise<void> => {
    sut = await FreeswitchSim.start({ mediaTimeScale: 0.01, originateTimeScale: 0.01, heartbeatMs: 0, ...opts });
    esl = await EslTestClient.connect(sut.connection.eslPort, 'ClueCon');
    await esl.command('event json ALL');
  };
  const ev = (pred: (e: EslEventData) => boolean): Promise<EslEventData> => esl.waitForEvent(pred);
  const named = (name: string, uuid?: string) => (e: EslEventData): boolean =>
    e['Event-Name'] === name && (uuid === undefined || e['Unique-ID'] === uuid);
  const bgapi = async (cmd: string): Promise<string> => {
    const job = (await esl.command('bgapi ' + cmd)).headers['Job-UUID'];
    return String((await ev((e) => e['Event-Name'] === 'BACKGROUND_JOB' && e['Job-UUID'] === job))['_body']);
  };

  afterEach(async () => {
    esl.close();
    await sut.close();
  });

  it('hangs up an unanswered originate at originate_timeout with NO_ANSWER', async () => {
    await start();
    sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: null });
    const leg = randomUUID();
    expect(await bgapi(`originate {origination_uuid=${leg},originate_timeout=5}user/1000@127.0.0.1 &park()`)).toBe('-ERR NO_ANSWER\n');
    const hc = await ev(named('CHANNEL_HANGUP_COMPLETE', leg));
    expect(hc['variable_sip_hangup_disposition']).toBe('send_cancel');
    expect(hc['variable_hangup_cause_q850']).toBe('19');
  });

  it('reports a far-end reject of a ringing leg as USER_BUSY and answers on demand', async () => {
    await start();
    sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: null });
    const a = randomUUID();
    const pa = bgapi(`originate {origination_uuid=${a}}user/1000@127.0.0.1 &park()`);
    await ev(named('CHANNEL_PROGRESS', a));
    expect(sut.channels()).toEqual([expect.objectContaining({ id: a, state: 'Ringing' })]);
    sut.hangup(a, 17);
    expect(await pa).toBe('-ERR USER_BUSY\n');
    const b = randomUUID();
    const pb = esl.api(`originate {origination_uuid=${b}}user/1000@127.0.0.1 &park()`);
    await ev(named('CHANNEL_PROGRESS', b));
    sut.answer(b);
    expect(await pb).toBe(`+OK ${b}\n`);
    await ev(named('CHANNEL_PARK', b));
  });

  it('sends no CHANNEL_PROGRESS when the endpoint answers before it would ring (auto-answer)', async () => {
    await start();
    sut.registerEndpoint('1000', { ringAfterMs: 50, answerAfterMs: 0 });
    const leg = randomUUID();
    expect(await esl.api(`originate {origination_uuid=${leg}}user/1000@127.0.0.1 &park()`)).toBe(`+OK ${leg}\n`);
    await ev(named('CHANNEL_PARK', leg));
    const names = esl.events.filter((e) => e['Unique-ID'] === leg).map((e) => e['Event-Name']);
    expect(names).toEqual(['CHANNEL_CREATE', 'CHANNEL_ANSWER', 'CHANNEL_EXECUTE', 'CHANNEL_PARK']);
    expect(esl.events.find(named('CHANNEL_ANSWER', leg))?.['Channel-Call-State']).toBe('RINGING');
  });

  it('distinguishes SUBSCRIBER_ABSENT (not in the directory) from USER_NOT_REGISTERED', async () => {
    await start();
    expect(await esl.api('originate user/1099@127.0.0.1 &park()')).toBe('-ERR SUBSCRIBER_ABSENT\n');
    expect(await esl.api('originate user/1005@127.0.0.1 &park()')).toBe('-ERR USER_NOT_REGISTERED\n');
  });

  it('bridges with uuid_bridge and hangs the agent up when the caller leaves', async () => {
    await start();
    sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: 5 });
    const caller = await sut.placeCall({ from: '555', to: '7000' });
    const agent = randomUUID();
    expect(await bgapi(`originate {origination_uuid=${agent}}user/1000@127.0.0.1 &park()`)).toBe(`+OK ${agent}\n`);
    await ev(named('CHANNEL_PARK', agent));
    expect(await esl.api(`uuid_bridge ${caller} ${agent}`)).toBe(`+OK ${agent}\n`);
    const br = await ev(named('CHANNEL_BRIDGE'));
    expect([br['Unique-ID'], br['Bridge-A-Unique-ID'], br['Bridge-B-Unique-ID'], br['Other-Leg-Unique-ID']]).toEqual([caller, caller, agent, agent]);
    expect(sut.bridges()).toEqual([{ id: caller, type: 'mixing', channelIds: [caller, agent] }]);
    const calls = JSON.parse(await esl.api('show calls as json')) as { rows: Array<Record<string, string>> };
    expect(calls.rows).toEqual([expect.objectContaining({ uuid: caller, b_uuid: agent })]);
    sut.hangup(caller);
    const hc = await ev(named('CHANNEL_HANGUP_COMPLETE', agent));
    expect([hc['Hangup-Cause'], hc['variable_sip_hangup_disposition']]).toEqual(['NORMAL_CLEARING', 'send_bye']);
    expect(esl.events.filter((e) => e['Event-Name'] === 'CHANNEL_BRIDGE')).toHaveLength(1);
  });

  it('parks the surviving leg instead when it has park_after_bridge=true', async () => {
    await start();
    sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: 5 });
    const caller = await sut.placeCall({ from: '555', to: '7000' });
    const agent = randomUUID();
    await bgapi(`originate {origination_uuid=${agent},park_after_bridge=true}user/1000@127.0.0.1 &park()`);
    await ev(named('CHANNEL_PARK', agent));
    await esl.api(`uuid_bridge ${caller} ${agent}`);
    await ev(named('CHANNEL_BRIDGE'));
    const from = esl.events.length;
    sut.hangup(caller);
    await esl.waitForEvent(named('CHANNEL_DESTROY', caller), 5000, from);
    await esl.waitForEvent(named('CHANNEL_PARK', agent), 5000, from);
    expect(await esl.api(`uuid_exists ${agent}`)).toBe('true');
  });

  it('uuid_transfer of a bridged caller hangs the agent up and parks the caller on the new DID', async () => {
    await start();
    sut.registerEndpoint('1000', { ringAfterMs: 1, answerAfterMs: 5 });
    const caller = await sut.placeCall({ from: '555', to: '7000' });
    const agent = randomUUID();
    await bgapi(`originate {origination_uuid=${agent}}user/1000@127.0.0.1 &park()`);
    await ev(named('CHANNEL_PARK', agent));
    await esl.api(`uuid_bridge ${caller} ${agent}`);
    await ev(named('CHANNEL_BRIDGE'));
    const from = esl.events.length;
    expect(await esl.api(`uuid_transfer ${caller} 7100 XML default`)).toBe('+OK\n');
    const park = await esl.waitForEvent(named('CHANNEL_PARK', caller), 5000, from);
    expect(park['Caller-Destination-Number']).toBe('7100');
    const hc = await esl.waitForEvent(named('CHANNEL_HANGUP_COMPLETE', agent), 5000, from);
    expect(hc['Hangup-Cause']).toBe('NORMAL_CLEARING');
    expect(esl.events.slice(from).filter((e) => e['Event-Name'] === 'CHANNEL_UNBRIDGE').map((e) => e['Unique-ID'])).toEqual([caller]);
    expect(sut.channels().map((c) => c.id)).toEqual([caller]);
  });

  it('breaks a playback with uuid_break (break, yet FILE PLAYED) and reports missing files', async () => {
    await start({ media: { files: { 'ivr/welcome.wav': 2000 } } });
    const uuid = await sut.placeCall({ from: '555', to: '7000' });
    await esl.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: local_stream://moh`);
    await ev(named('PLAYBACK_START', uuid));
    expect(sut.channels()[0].playing).toBe('local_stream://moh');
    expect(await esl.api(`uuid_break ${uuid}`)).toBe('+OK\n');
    expect((await ev(named('PLAYBACK_STOP', uuid)))['Playback-Status']).toBe('break');
    expect((await ev((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Application'] === 'playback'))['Application-Response']).toBe('FILE PLAYED');
    const from = esl.events.length;
    await esl.command(`sendmsg ${uuid}\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: ivr/missing.wav`);
    const done = await esl.waitForEvent((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Application'] === 'playback', 5000, from);
    expect(done['Application-Response']).toBe('FILE NOT FOUND');
    expect(esl.events.slice(from).some((e) => e['Event-Name'] === 'PLAYBACK_START')).toBe(false);
  });

  it('raises DTMF with the RFC 2833 duration in samples', async () => {
    await start();
    const uuid = await sut.placeCall({ from: '555', to: '7000' });
    sut.sendDtmf(uuid, '5');
    const d = await ev(named('DTMF', uuid));
    expect([d['DTMF-Digit'], d['DTMF-Duration'], d['DTMF-Source']]).toEqual(['5', '2240', 'RTP']);
  });

  it('parks without answering when answerBeforePark is false; uuid_answer answers', async () => {
    await start({ answerBeforePark: false });
    const uuid = await sut.placeCall({ from: '555', to: '7000' });
    const park = await ev(named('CHANNEL_PARK', uuid));
    expect([park['Answer-State'], park['Channel-Call-State']]).toEqual(['ringing', 'RINGING']);
    expect(sut.channels()[0].state).toBe('Ring');
    await esl.api(`uuid_answer ${uuid}`);
    expect((await ev(named('CHANNEL_ANSWER', uuid)))['Answer-State']).toBe('answered');
  });

  it('keeps channel variables (setvar/getvar/dump) and answers _undef_ for unknown ones', async () => {
    await start();
    const uuid = await sut.placeCall({ from: '555', to: '7000' });
    expect(await esl.api(`uuid_setvar ${uuid} callplane_call 42`)).toBe('+OK\n');
    expect(await esl.api(`uuid_getvar ${uuid} callplane_call`)).toBe('42');
    expect(await esl.api(`uuid_getvar ${uuid} nope`)).toBe('_undef_');
    const dump = JSON.parse(await esl.api(`uuid_dump ${uuid} json`)) as Record<string, string>;
    expect([dump['Event-Name'], dump['Unique-ID'], dump['variable_callplane_call']]).toEqual(['CHANNEL_DATA', uuid, '42']);
  });

  it('puts callers into a conference and lists and kicks members', async () => {
    await start();
    const a = await sut.placeCall({ from: '100', to: '7000' });
    const b = await sut.placeCall({ from: '200', to: '7000' });
    for (const u of [a, b]) await esl.command(`sendmsg ${u}\ncall-command: execute\nexecute-app-name: conference\nexecute-app-arg: room1@default`);
    await ev((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e['Application'] === 'conference' && e['Unique-ID'] === b);
    const list = await esl.api('conference room1 list');
    expect(list.trim().split('\n').map((l) => l.split(';')[2])).toEqual([a, b]);
    expect(sut.bridges()).toEqual([{ id: 'room1', type: 'mixing', channelIds: [a, b] }]);
    const adds = esl.events.filter((e) => e['Event-Subclass'] === 'conference::maintenance' && e['Action'] === 'add-member');
    expect(adds.map((e) => [e['Unique-ID'], e['Conference-Size']])).toEqual([[a, '1'], [b, '2']]);
    expect(await esl.api('conference room1 kick 1')).toBe('+OK kick 1\n');
    await ev((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Application'] === 'conference' && e['Unique-ID'] === a);
    expect(await esl.api('conference nope list')).toBe('-ERR Conference nope not found\n');
  });

  it('runs eavesdrop on an originated supervisor leg without bridge events', async () => {
    await start();
    sut.registerEndpoint('1002', { ringAfterMs: 1, answerAfterMs: 5 });
    const caller = await sut.placeCall({ from: '555', to: '7000' });
    const sup = randomUUID();
    expect(await bgapi(`originate {origination_uuid=${sup}}user/1002@127.0.0.1 &eavesdrop(${caller})`)).toBe(`+OK ${sup}\n`);
    await ev((e) => e['Event-Name'] === 'CHANNEL_EXECUTE' && e['Application'] === 'eavesdrop' && e['Unique-ID'] === sup);
    sut.hangup(caller);
    await ev((e) => e['Event-Name'] === 'CHANNEL_EXECUTE_COMPLETE' && e['Application'] === 'eavesdrop');
    expect(esl.events.some((e) => e['Event-Name'] === 'CHANNEL_BRIDGE')).toBe(false);
  });

  it('holds and unholds a channel, and records with uuid_record', async () => {
    await start();
    const uuid = await sut.placeCall({ from: '555', to: '7000' });
    expect(await esl.api(`uuid_hold ${uuid}`)).toBe('+OK Success\n');
    expect((await ev(named('CHANNEL_HOLD', uuid)))['Channel-Call-State']).toBe('HELD');
    await esl.api(`uuid_hold off ${uuid}`);
    expect((await ev(named('CHANNEL_UNHOLD', uuid)))['Channel-Call-State']).toBe('ACTIVE');
    expect(await esl.api(`uuid_record ${uuid} start /tmp/x.wav`)).toBe('+OK Success\n');
    expect((await ev(named('RECORD_START', uuid)))['Record-File-Path']).toBe('/tmp/x.wav');
    await esl.api(`uuid_record ${uuid} stop /tmp/x.wav`);
    expect((await ev(named('RECORD_STOP', uuid)))['Record-Completion-Cause']).toBe('success-silence');
  });

  it('plays through uuid_broadcast and hangs everything up with hupall', async () => {
    await start();
    const uuid = await sut.placeCall({ from: '555', to: '7000' });
    expect(await esl.api(`uuid_broadcast ${uuid} tone_stream://%(100,0,440) aleg`)).toBe('+OK Message sent\n');
    await ev(named('PLAYBACK_STOP', uuid));
    expect(await esl.api('hupall NORMAL_CLEARING')).toBe('+OK hangup all channels with cause NORMAL_CLEARING\n');
    await ev(named('CHANNEL_DESTROY', uuid));
    expect(sut.channels()).toEqual([]);
  });
});
