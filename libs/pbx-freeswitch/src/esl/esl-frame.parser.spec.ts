import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EslFrameParser } from './esl-frame.parser';
import type { EslFrame, EslMalformedFrame } from './esl-frame.parser';
import { decodeEvent, header } from './esl-event';

const FIXTURES = join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'freeswitch');

/** Every `esl.in` frame of a recorded scenario (FreeSWITCH 1.10, fixtures/freeswitch). */
function recordedFrames(file: string): string[] {
  return readFileSync(join(FIXTURES, file), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { kind: string; frame?: string })
    .filter((r) => r.kind === 'esl.in')
    .map((r) => r.frame!);
}

function collect(): { sut: EslFrameParser; frames: EslFrame[]; bad: EslMalformedFrame[] } {
  const frames: EslFrame[] = [];
  const bad: EslMalformedFrame[] = [];
  return { sut: new EslFrameParser((f) => frames.push(f), (m) => bad.push(m)), frames, bad };
}

const jsonEvent = (name: string, uuid: string): string => {
  const body = JSON.stringify({ 'Event-Name': name, 'Unique-ID': uuid });
  return `Content-Length: ${Buffer.byteLength(body)}\nContent-Type: text/event-json\n\n${body}`;
};

describe(EslFrameParser.name, () => {
  const files = readdirSync(FIXTURES).filter((f) => f.endsWith('.jsonl'));

  it.each(files)('frames every recorded frame of %s, in any chunking', (file) => {
    const recorded = recordedFrames(file);
    const stream = Buffer.from(recorded.join(''), 'utf8');
    const { sut, frames, bad } = collect();
    // Odd chunk sizes split headers, multi-byte characters and bodies at every kind of boundary.
    for (let i = 0, n = 1; i < stream.length; i += n, n = (n * 7 + 3) % 997 + 1) sut.push(stream.subarray(i, i + n));
    expect(bad).toEqual([]);
    expect(frames).toHaveLength(recorded.length);
    for (const f of frames.filter((x) => x.headers['Content-Type']?.startsWith('text/event-'))) {
      expect(decodeEvent(f).name).toMatch(/^[A-Z_]+$/);
    }
  });

  it('decodes plain BACKGROUND_JOB with its inner body and URL-decoded values', () => {
    const plain = recordedFrames('inbound-park-answer-play-hangup.jsonl').find((f) => f.includes('BACKGROUND_JOB'))!;
    const { sut, frames } = collect();
    sut.push(Buffer.from(plain));
    const event = decodeEvent(frames[0]);
    expect(event.name).toBe('BACKGROUND_JOB');
    expect(header(event, 'Job-Command-Arg')).toBe('user/1005@127.0.0.1 &park()');
    expect(event.body).toBe('-ERR USER_NOT_REGISTERED\n');
  });

  it('reads the outbound connect reply (CHANNEL_DATA as URL-encoded reply headers, no body)', () => {
    const reply = recordedFrames('outbound-socket.jsonl').find((f) => f.startsWith('Event-Name: CHANNEL_DATA'))!;
    const { sut, frames } = collect();
    sut.push(Buffer.from(reply));
    expect(frames).toHaveLength(1);
    expect(frames[0].headers['Content-Type']).toBe('command/reply');
    expect(frames[0].headers['Reply-Text']).toBe('+OK\n');
    expect(frames[0].headers['Unique-ID']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['bad Content-Length', 'Content-Length: abc\nContent-Type: text/event-json\n\n{"Event-Name":"CHANNEL_PARK"}', /bad Content-Length/],
    ['truncated body', 'Content-Length: 900\nContent-Type: text/event-json\n\n{"Event-Name":"CHANNEL_PA', /truncated body/],
    ['unknown content-type', 'Content-Length: 5\nContent-Type: text/bogus\n\nhello', /unknown content-type/],
    ['header line without a colon', 'this is not esl\n\n', /header line/],
    ['negative Content-Length', 'Content-Length: -5\nContent-Type: api/response\n\n+OK\n', /bad Content-Length/],
  ])('skips a frame with %s and keeps every later frame', (_name, garbage, reason) => {
    const { sut, frames, bad } = collect();
    sut.push(Buffer.from(jsonEvent('CHANNEL_CREATE', 'a') + garbage + jsonEvent('CHANNEL_PARK', 'b')));
    sut.push(Buffer.from('Content-Type: api/response\nContent-Length: 4\n\n+OK\n' + jsonEvent('CHANNEL_ANSWER', 'c')));
    expect(bad.map((b) => b.reason)).toEqual([expect.stringMatching(reason)]);
    const names = frames.map((f) => (f.headers['Content-Type'] === 'api/response' ? 'api' : decodeEvent(f).name));
    expect(names).toEqual(['CHANNEL_CREATE', 'CHANNEL_PARK', 'api', 'CHANNEL_ANSWER']);
  });

  it('does not throw on a literal % in a header value (modesl 1.2.1 throws URIError here)', () => {
    const { sut, frames } = collect();
    sut.push(Buffer.from('Content-Type: command/reply\nReply-Text: +OK 100%\n\n'));
    expect(frames[0].headers['Reply-Text']).toBe('+OK 100%');
  });

  it('recovers when a truncated body is followed by a frame that arrives later', () => {
    const { sut, frames, bad } = collect();
    sut.push(Buffer.from('Content-Length: 99999\nContent-Type: text/event-json\n\n{"Event-Name":"CHA'));
    expect(frames).toHaveLength(0);
    sut.push(Buffer.from(jsonEvent('CHANNEL_PARK', 'b')));
    expect(bad).toHaveLength(1);
    expect(frames.map((f) => decodeEvent(f).name)).toEqual(['CHANNEL_PARK']);
  });
});
