import {
  BridgeNotFoundError,
  ChannelNotFoundError,
  ChannelStateError,
  OriginateFailedError,
  PbxCommandError,
  PbxUnavailableError,
  PlaybackNotFoundError,
} from '@callplane/pbx';
import { AriHttpError, AriTransportError } from './ari-http.client';
import { translateAriError } from './ari-error.translator';

const http = (status: number, message: string): AriHttpError => new AriHttpError(status, message, 'POST', '/x');

describe('translateAriError', () => {
  const ctx = { nodeId: 'n1', command: 'answer', channelId: 'c1' };

  it('maps Asterisk "not found" messages to the resource errors', () => {
    expect(translateAriError(http(404, 'Channel not found'), ctx)).toEqual(new ChannelNotFoundError('c1'));
    expect(translateAriError(http(400, 'Channel not found'), { ...ctx, bridgeId: 'b1' })).toBeInstanceOf(ChannelNotFoundError);
    expect(translateAriError(http(404, 'Bridge not found'), { ...ctx, bridgeId: 'b1' })).toEqual(new BridgeNotFoundError('b1'));
    expect(translateAriError(http(404, 'Playback not found'), { nodeId: 'n1', command: 'stop', playbackId: 'p1' })).toEqual(new PlaybackNotFoundError('p1'));
  });

  it('maps 409/412 to ChannelStateError and other 404s to PbxCommandError', () => {
    expect(translateAriError(http(409, 'Channel not in Stasis application'), ctx)).toBeInstanceOf(ChannelStateError);
    expect(translateAriError(http(412, 'Channel in invalid state'), ctx)).toBeInstanceOf(ChannelStateError);
    expect(translateAriError(http(404, 'Channel has no RTP statistics'), ctx)).toBeInstanceOf(PbxCommandError);
  });

  it('maps originate refusals: 500 Allocation failed → cause 20', () => {
    const err = translateAriError(http(500, 'Allocation failed'), { nodeId: 'n1', command: 'originate', endpoint: '1003' });
    expect(err).toBeInstanceOf(OriginateFailedError);
    expect((err as OriginateFailedError).q850Cause).toBe(20);
  });

  it('maps timeouts and refused connections to PbxUnavailableError', () => {
    expect(translateAriError(new AriTransportError('no answer within 5000 ms', true), ctx)).toBeInstanceOf(PbxUnavailableError);
    expect(translateAriError(new AriTransportError('ECONNREFUSED', false), ctx)).toBeInstanceOf(PbxUnavailableError);
  });
});
