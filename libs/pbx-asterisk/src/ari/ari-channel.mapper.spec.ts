import { ariEvents } from '../testing/recorded.fixture';
import { channelState, formatCallerId, guessDirection, toChannelSnapshot, toRtpStatistics } from './ari-channel.mapper';

describe('ari-channel.mapper', () => {
  it('maps a recorded inbound StasisStart channel to a snapshot with the dialled extension', () => {
    const [start] = ariEvents('inbound-answer-play-hangup', 'StasisStart');
    const sut = toChannelSnapshot(start.channel, 'inbound', { args: start.args });
    expect(sut).toEqual({
      id: start.channel.id,
      name: 'PJSIP/sipp-0000002d',
      state: 'ringing',
      direction: 'inbound',
      caller: { number: 'sipp', name: 'SIPp' },
      connected: { number: '', name: '' },
      dialed: '7000',
      createdAt: new Date('2026-11-21T19:10:06.420Z'),
      args: [],
    });
  });

  it('tells created and snoop channels from dialplan ones (resync adoption)', () => {
    const starts = ariEvents('ring-all-first-answer-wins', 'StasisStart');
    expect(starts.map((s) => guessDirection(s.channel))).toEqual(['inbound', 'outbound', 'outbound']);
    const snoop = ariEvents('bridged-rtp-stats-and-snoop', 'StasisStart').find((s) => s.channel.name.startsWith('Snoop/'));
    expect(guessDirection(snoop!.channel)).toBe('outbound');
  });

  it.each([
    ['Down', 'down'],
    ['Ring', 'ringing'],
    ['Ringing', 'ringing'],
    ['Up', 'up'],
    ['Busy', 'down'],
  ])('maps ARI state %s to %s', (ari, port) => {
    expect(channelState(ari)).toBe(port);
  });

  it('formats caller ids as Asterisk parses them', () => {
    expect(formatCallerId({ name: 'Sales "Desk"', number: '7000' })).toBe('"Sales Desk" <7000>');
    expect(formatCallerId({ name: '', number: '7000' })).toBe('<7000>');
  });

  it('converts recorded RTP statistics from seconds to ms', () => {
    // GET /channels/{id}/rtp_statistics of the baresip leg (recorded: bridged-rtp-stats-and-snoop).
    const recorded = { txcount: 302, rxcount: 303, txploss: 0, rxploss: 0, txjitter: 0.001375, rxjitter: 0.0015, rtt: 0.000595, local_ssrc: 3897520857, remote_ssrc: 3897520857, txmes: 88, rxmes: 88 };
    const sut = toRtpStatistics(recorded);
    expect(sut).toMatchObject({ txCount: 302, rxCount: 303, txPacketsLost: 0, rxPacketsLost: 0, localSsrc: 3897520857, rxMes: 88, txMes: 88 });
    expect(sut.txJitterMs).toBeCloseTo(1.375, 6);
    expect(sut.rxJitterMs).toBeCloseTo(1.5, 6);
    expect(sut.rttMs).toBeCloseTo(0.595, 6);
  });
});
