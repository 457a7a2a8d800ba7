import { AmiFrameParser } from './ami-frame.parser';
import type { AmiFrame } from './ami.types';

describe(AmiFrameParser.name, () => {
  let frames: AmiFrame[];
  let malformed: string[];
  let sut: AmiFrameParser;

  beforeEach(() => {
    frames = [];
    malformed = [];
    sut = new AmiFrameParser((f) => frames.push(f), (raw) => malformed.push(raw));
  });

  it('skips the banner and parses frames split across chunks, headers lower-cased', () => {
    const text = 'Asterisk Call Manager/11.0.0\r\nResponse: Success\r\nActionID: cp-1\r\nMessage: Authentication accepted\r\n\r\nEvent: FullyBooted\r\nPrivilege: system,all\r\nUptime: 12\r\n\r\n';
    for (let i = 0; i < text.length; i += 7) sut.push(text.slice(i, i + 7));
    expect(frames).toEqual([
      { response: 'Success', actionid: 'cp-1', message: 'Authentication accepted' },
      { event: 'FullyBooted', privilege: 'system,all', uptime: '12' },
    ]);
  });

  it('keeps repeated headers as an array and values containing ": "', () => {
    sut.push('Response: Success\r\nOutput: a: b\r\nOutput: c\r\n\r\n');
    expect(frames).toEqual([{ response: 'Success', output: ['a: b', 'c'] }]);
  });

  it('logs and skips frames with neither Event nor Response, and stays in sync', () => {
    sut.push('garbage without colon\r\n\r\nResponse: Follows\r\nPrivilege: Command\r\n\r\nEvent: Hangup\r\nUniqueid: 1.2\r\nCause: 16\r\n\r\n');
    expect(malformed).toEqual(['garbage without colon']);
    expect(frames.map((f) => f.event ?? f.response)).toEqual(['Follows', 'Hangup']);
  });

  it('skips unwanted event types unparsed when given a filter; responses always pass', () => {
    sut = new AmiFrameParser((f) => frames.push(f), (raw) => malformed.push(raw), new Set(['Hangup']));
    sut.push('Event: Newexten\r\nUniqueid: 1.2\r\n\r\nEvent: Hangup\r\nUniqueid: 1.2\r\n\r\nResponse: Pong\r\nActionID: x\r\n\r\n');
    expect(frames).toEqual([{ event: 'Hangup', uniqueid: '1.2' }, { response: 'Pong', actionid: 'x' }]);
  });

  it('drops a runaway frame that never ends instead of growing without bound', () => {
    sut.push('Event: Huge\r\nData: ' + 'x'.repeat(1_100_000));
    expect(malformed).toHaveLength(1);
    sut.push('\r\n\r\nEvent: Hangup\r\nUniqueid: 1.2\r\n\r\n');
    expect(frames.map((f) => f.event)).toEqual(['Hangup']);
  });
});
