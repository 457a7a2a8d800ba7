import { amiFrames, parseAmiFrame } from '../testing/recorded.fixture';
import { amiHangup, contactStatusChange, MalformedAmiEventError, rtcpReport } from './ami-event.mapper';
import { PjsipContacts } from './pjsip-contacts';

describe('ami-event.mapper', () => {
  it('reads the Q.850 cause of a recorded Hangup', () => {
    const [frame] = amiFrames('inbound-answer-play-hangup', 'Hangup');
    expect(amiHangup(frame)).toEqual({ channelId: '1795288206.55', cause: 16 });
  });

  it('treats Hangup Cause 0 (dialplan channel after StasisEnd) as no cause', () => {
    const [frame] = amiFrames('inbound-caller-hangup-during-playback', 'Hangup');
    expect(amiHangup(frame).cause).toBeUndefined();
  });

  it('maps recorded ContactStatus NonQualified/Removed to online and offline, with the contact URI', () => {
    const states = amiFrames('registrations', 'ContactStatus').map(contactStatusChange);
    expect(states[0]).toEqual({ endpoint: '1001', state: 'online', uri: 'sip:1001@127.0.0.1:5071' });
    expect(states.find((s) => s.state === 'offline')).toEqual({ endpoint: '1001', state: 'offline', uri: 'sip:1001@127.0.0.1:5071' });
  });

  it('keeps an endpoint online when its old contact is removed after a new one registered (remove_existing)', () => {
    const sut = new PjsipContacts();
    expect(sut.apply({ endpoint: '1001', uri: 'sip:1001-a@127.0.0.1:5071', state: 'online', removed: false })).toEqual({ state: 'online', contact: 'sip:1001-a@127.0.0.1:5071' });
    expect(sut.apply({ endpoint: '1001', uri: 'sip:1001-b@127.0.0.1:5073', state: 'online', removed: false })).toMatchObject({ state: 'online' });
    expect(sut.apply({ endpoint: '1001', uri: 'sip:1001-a@127.0.0.1:5071', state: 'offline', removed: true })).toEqual({ state: 'online', contact: 'sip:1001-b@127.0.0.1:5073' });
    expect(sut.apply({ endpoint: '1001', uri: 'sip:1001-b@127.0.0.1:5073', state: 'offline', removed: false })).toEqual({ state: 'offline' });
    expect(sut.apply({ endpoint: '1001', uri: 'sip:1001-b@127.0.0.1:5073', state: 'offline', removed: true })).toEqual({ state: 'offline' });
  });

  it('maps a recorded RTCPReceived: jitter from RTP timestamp units to ms, RTT from s to ms', () => {
    const [frame] = amiFrames('bridged-rtp-stats-and-snoop', 'RTCPReceived');
    const sut = rtcpReport(frame, 'RTCPReceived')!;
    expect(sut).toMatchObject({ type: 'rtcp.report', channelId: '1795288298.69', direction: 'received', fractionLost: 0, cumulativeLost: 0, ssrc: 0xeeac6b6f });
    expect(sut.jitterMs).toBeCloseTo(12 / 8, 6);
    expect(sut.rttMs).toBeCloseTo(0.6, 6);
  });

  it('maps RTCPSent without RTT and the 8-bit fraction lost to 0–1', () => {
    const [frame] = amiFrames('bridged-rtp-stats-and-snoop', 'RTCPSent');
    const lossy = { ...frame, report0fractionlost: '64', report0cumulativelost: '12' };
    const sut = rtcpReport(lossy, 'RTCPSent')!;
    expect(sut.direction).toBe('sent');
    expect(sut.rttMs).toBeUndefined();
    expect(sut.fractionLost).toBe(0.25);
    expect(sut.cumulativeLost).toBe(12);
  });

  it('skips RTCP without report blocks and rejects events missing their key field', () => {
    const noBlocks = parseAmiFrame('Event: RTCPSent\r\nUniqueid: 1.2\r\nReportCount: 0\r\n\r\n');
    expect(rtcpReport(noBlocks, 'RTCPSent')).toBeUndefined();
    expect(() => amiHangup(parseAmiFrame('Event: Hangup\r\nCause: 16\r\n\r\n'))).toThrow(MalformedAmiEventError);
    expect(() => contactStatusChange(parseAmiFrame('Event: ContactStatus\r\nURI: sip:x\r\n\r\n'))).toThrow(MalformedAmiEventError);
  });
});
