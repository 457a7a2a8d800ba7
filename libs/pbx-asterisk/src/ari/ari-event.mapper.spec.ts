import { ariEvents } from '../testing/recorded.fixture';
import * as sut from './ari-event.mapper';

describe('ari-event.mapper', () => {
  it('maps recorded PlaybackStarted/PlaybackFinished (done) to the channel target', () => {
    const [started] = ariEvents('inbound-answer-play-hangup', 'PlaybackStarted');
    const [finished] = ariEvents('inbound-answer-play-hangup', 'PlaybackFinished');
    const channelId = started.playback.target_uri.slice('channel:'.length);
    expect(sut.playbackStarted(started as never)).toEqual({ type: 'playback.started', playbackId: started.playback.id, channelId });
    expect(sut.playbackFinished(finished as never)).toEqual({ type: 'playback.finished', playbackId: started.playback.id, channelId, status: 'done' });
  });

  it('maps a playback cut by the caller hanging up to failed', () => {
    const [finished] = ariEvents('inbound-caller-hangup-during-playback', 'PlaybackFinished');
    expect(sut.playbackFinished(finished as never).status).toBe('failed');
  });

  it('maps a playback stopped for barge-in (recorded state done) to done', () => {
    const [first] = ariEvents('inbound-dtmf-bargein', 'PlaybackFinished');
    expect(sut.playbackFinished(first as never).status).toBe('done');
  });

  it('maps recorded ChannelDtmfReceived digits with their duration in ms', () => {
    const dtmf = ariEvents('inbound-dtmf-bargein', 'ChannelDtmfReceived').map((e) => sut.dtmfReceived(e as never));
    expect(dtmf.map((d) => d.digit)).toEqual(['1', '2', '#']);
    expect(dtmf.every((d) => d.durationMs === 280 && d.type === 'channel.dtmf')).toBe(true);
  });

  it('rejects a DTMF event without digit (the socket logs and skips it)', () => {
    const [e] = ariEvents('inbound-dtmf-bargein', 'ChannelDtmfReceived');
    expect(() => sut.dtmfReceived({ ...e, digit: undefined } as never)).toThrow('without digit');
  });

  it('maps bridge membership and bridge recordings (duration in s)', () => {
    const [entered] = ariEvents('ring-all-first-answer-wins', 'ChannelEnteredBridge');
    expect(sut.bridgeEntered(entered as never)).toEqual({ type: 'bridge.entered', bridgeId: entered.bridge.id, channelId: entered.channel.id });
    const [left] = ariEvents('ring-all-first-answer-wins', 'ChannelLeftBridge');
    expect(sut.bridgeLeft(left as never)).toEqual({ type: 'bridge.left', bridgeId: left.bridge.id, channelId: left.channel.id });
    const [rec] = ariEvents('ring-all-first-answer-wins', 'RecordingFinished');
    expect(sut.recordingFinished(rec as never)).toEqual({ type: 'recording.finished', name: 'ringall-test', target: rec.recording.target_uri, durationS: 5, status: 'done' });
  });

  it('maps the recorded BridgeBlindTransfer of a phone REFER', () => {
    const [e] = ariEvents('phone-refer-blind', 'BridgeBlindTransfer');
    expect(sut.blindTransfer(e as never)).toEqual({
      type: 'transfer.blind',
      transfererChannelId: e.channel.id,
      transfereeChannelId: e.transferee.id,
      replacementChannelId: e.replace_channel.id,
      target: '1002',
    });
  });

  it('maps recorded EndpointStateChange online then offline', () => {
    const states = ariEvents('registrations', 'EndpointStateChange').map((e) => sut.endpointStateChange(e as never));
    expect(states[0]).toEqual({ type: 'endpoint.state', endpoint: '1001', state: 'online' });
    expect(states.map((s) => s.state)).toContain('offline');
  });
});
