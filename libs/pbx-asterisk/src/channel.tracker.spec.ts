import { sleep } from '@callplane/testing';
import { loadRecording } from './testing/recorded.fixture';
import { amiHangup } from './ami/ami-event.mapper';
import { guessDirection } from './ari/ari-channel.mapper';
import { ChannelTracker } from './channel.tracker';

/** Feeds a real Asterisk recording through the tracker the way AsteriskDriver does. */
async function replay(scenario: string, before?: (sut: ChannelTracker, firstChannelId: string) => void): Promise<Array<[string, number]>> {
  const hangups: Array<[string, number]> = [];
  const sut = new ChannelTracker({ onHangup: (id, cause) => hangups.push([id, cause]), amiUp: () => true, exists: async () => false, settleMs: 20 });
  let first = '';
  for (const item of loadRecording(scenario)) {
    if (item.kind === 'ami') {
      if (item.frame.event === 'Hangup') {
        const { channelId, cause } = amiHangup(item.frame);
        sut.onAmiHangup(channelId, cause);
      }
      continue;
    }
    const e = item.event;
    switch (e.type) {
      case 'StasisStart': {
        const snoop = e.channel.name.startsWith('Snoop/');
        const direction = guessDirection(e.channel);
        sut.track(e.channel.id, snoop ? 'snoop' : e.replace_channel ? 'transfer' : direction === 'outbound' ? 'created' : 'dialplan', direction);
        if (!first) {
          first = e.channel.id;
          before?.(sut, first);
        }
        break;
      }
      case 'StasisEnd':
        sut.onStasisEnd(e.channel.id);
        break;
      case 'ChannelHangupRequest':
        sut.onHangupRequest(e.channel.id, e.cause, e.soft);
        break;
      case 'ChannelDestroyed':
        sut.onDestroyed(e.channel.id, e.cause);
        break;
    }
  }
  await sleep(150);
  expect(sut.size).toBe(0);
  return hangups;
}

describe(ChannelTracker.name, () => {
  it('app hangup of a dialplan channel: soft request (flag 32, not Q.850), no ChannelDestroyed → AMI cause 16, once', async () => {
    expect(await replay('inbound-answer-play-hangup')).toEqual([['1795288206.55', 16]]);
  });

  it('caller BYE: request without cause, AMI Hangup Cause 0 → 16, once', async () => {
    expect(await replay('inbound-caller-hangup-during-playback')).toEqual([['1795288215.56', 16]]);
  });

  it('busy created leg: cause 17 from ChannelHangupRequest/ChannelDestroyed, once', async () => {
    const hangups = await replay('originate-busy');
    expect(hangups).toHaveLength(1);
    expect(hangups[0][1]).toBe(17);
  });

  it('ring-all: caller, answering agent and cancelled agent each end exactly once with 16', async () => {
    const hangups = await replay('ring-all-first-answer-wins');
    expect(hangups).toHaveLength(3);
    expect(new Set(hangups.map(([id]) => id)).size).toBe(3);
    expect(hangups.every(([, cause]) => cause === 16)).toBe(true);
  });

  it('snoops and bridged legs each end once', async () => {
    const hangups = await replay('bridged-rtp-stats-and-snoop');
    expect(hangups).toHaveLength(4);
    expect(new Set(hangups.map(([id]) => id)).size).toBe(4);
  });

  it('a redirected channel ends when AMI reports its Hangup, not at StasisEnd', async () => {
    const hangups = await replay('redirect-blind', (sut, id) => sut.noteRedirect(id));
    expect(hangups).toHaveLength(1);
    expect(hangups[0][1]).toBe(16);
  });

  it('prefers ChannelDestroyed, then a hard request cause, then AMI, then our own cause', async () => {
    const hangups: Array<[string, number]> = [];
    const sut = new ChannelTracker({ onHangup: (id, cause) => hangups.push([id, cause]), amiUp: () => false, exists: async () => false, settleMs: 10 });
    sut.track('a', 'dialplan', 'inbound');
    sut.noteOurHangup('a', 21);
    sut.onStasisEnd('a');
    sut.track('b', 'created', 'outbound');
    sut.onHangupRequest('b', 17, undefined);
    sut.onStasisEnd('b');
    sut.onDestroyed('b', 17);
    sut.onDestroyed('b', 16);
    sut.track('c', 'dialplan', 'inbound');
    sut.onHangupRequest('c', 32, true);
    sut.onAmiHangup('c', 34);
    sut.onStasisEnd('c');
    expect(hangups).toEqual([['a', 21], ['b', 17], ['c', 34]]);
  });

  it('keeps a redirected channel alive after StasisEnd until AMI Hangup', async () => {
    const hangups: Array<[string, number]> = [];
    const sut = new ChannelTracker({ onHangup: (id, cause) => hangups.push([id, cause]), amiUp: () => true, exists: async () => true, settleMs: 10 });
    sut.track('r', 'dialplan', 'inbound');
    sut.noteRedirect('r');
    sut.onStasisEnd('r');
    await sleep(50);
    expect(hangups).toEqual([]);
    sut.onAmiHangup('r', 19);
    expect(hangups).toEqual([['r', 19]]);
  });
});
