import fc from 'fast-check';
import { PbxInvalidArgumentError } from '@callplane/pbx';
import type { OriginateRequest } from '@callplane/pbx';
import { eslCommand, eslFrame, originateCommand, setvarCommand } from './esl-commands';

/** Strings rich in what matters to mod_event_socket: line breaks, NUL, spaces, braces, quotes. */
const hostileOnly = fc.string({
  unit: fc.oneof(fc.constantFrom('\n', '\r', '\0', '\t', '\x7f', ' ', '{', '}', ',', "'", '\\', '$', '&', ':', '='), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 30,
});
/** Plausible tokens (ids, extensions) and free text (names with spaces and quotes), so that many cases are built, not refused. */
const token = fc.string({ unit: fc.constantFrom(...'abcXYZ0189+*#._-/@()!%'), minLength: 1, maxLength: 16 });
const plausible = fc.oneof(token, fc.string({ unit: fc.constantFrom(...'abc019 \'"!%()'), minLength: 1, maxLength: 16 }));
/** Any of those, or a plausible value with a line break or NUL spliced in. */
const hostile = fc.oneof(
  { weight: 4, arbitrary: token },
  { weight: 1, arbitrary: plausible },
  { weight: 2, arbitrary: hostileOnly },
  { weight: 2, arbitrary: fc.tuple(plausible, fc.constantFrom('\n', '\r\n', '\0', '\n\n'), plausible).map(([a, sep, b]) => `${a}${sep}${b}`) },
);

/**
 * What mod_event_socket reads from the bytes: commands end at a blank line ("\n\n"). Asserts
 * the bytes are exactly one command — one blank line, at the end, no CR or NUL anywhere — and
 * returns its command line and header lines.
 */
function parseOne(wire: string): { line: string; headers: string[] } {
  expect(wire.endsWith('\n\n')).toBe(true);
  expect(wire.indexOf('\n\n')).toBe(wire.length - 2);
  expect(wire).not.toMatch(/[\r\0]/);
  const [line, ...headers] = wire.slice(0, -2).split('\n');
  return { line, headers };
}

/** Runs a builder: a PbxInvalidArgumentError is a pass (nothing to send); any other error fails. */
function built(fn: () => string): string | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PbxInvalidArgumentError) return undefined;
    throw err;
  }
}

const RUNS = { numRuns: 1500 };

describe('ESL command builders', () => {
  it('refuse the issue 13 payload in the transfer extension: nothing to send', () => {
    expect(() => eslCommand('uuid_transfer', { channelId: 'a-1' }, { extension: '1000\n\napi show channels as json\n\nbgapi originate user/1001 &park\n\n' }, 'XML', { context: 'default' })).toThrow(PbxInvalidArgumentError);
    expect(eslCommand('uuid_transfer', { channelId: 'a-1' }, { extension: '1000' }, 'XML', { context: 'default' })).toBe('uuid_transfer a-1 1000 XML default');
  });

  it('eslCommand: every generated argument list is refused or becomes one frame with exactly those arguments (property)', () => {
    fc.assert(
      fc.property(fc.array(hostile, { minLength: 1, maxLength: 4 }), (args) => {
        const line = built(() => eslCommand('uuid_transfer', ...args.map((value, i) => ({ [`arg${i}`]: value }))));
        if (line === undefined) return;
        const parsed = parseOne(eslFrame(`api ${line}`));
        expect(parsed.headers).toEqual([]);
        expect(parsed.line.split(' ')).toEqual(['api', 'uuid_transfer', ...args]);
      }),
      RUNS,
    );
  });

  it('setvarCommand: one frame; uuid and name stay one argument each, the value is the rest of the line (property)', () => {
    fc.assert(
      fc.property(hostile, hostile, hostile, (channelId, name, value) => {
        const line = built(() => setvarCommand(channelId, name, value));
        if (line === undefined) return;
        const { line: sent } = parseOne(eslFrame(`api ${line}`));
        expect(sent).toBe(`api uuid_setvar ${channelId} ${name} ${value}`);
        expect(sent.split(' ').slice(2, 4)).toEqual([channelId, name]);
      }),
      RUNS,
    );
  });

  it('originateCommand: one frame, one variable block, one dial string, one &park() (property)', () => {
    const request = fc.record({
      endpoint: hostile,
      timeoutS: fc.integer({ min: 1, max: 60 }),
      channelId: fc.option(hostile, { nil: undefined }),
      callerId: fc.option(fc.record({ number: hostile, name: hostile }), { nil: undefined }),
      variables: fc.option(fc.dictionary(hostile, hostile, { maxKeys: 3 }), { nil: undefined }),
    });
    fc.assert(
      fc.property(request, hostile, (req: OriginateRequest, domain) => {
        const line = built(() => originateCommand(req, req.channelId ?? 'leg-1', domain || 'example.com'));
        if (line === undefined) return;
        const { line: sent, headers } = parseOne(eslFrame(`bgapi ${line}`, { 'Job-UUID': 'job-1' }));
        expect(headers).toEqual(['Job-UUID: job-1']);
        expect(sent.startsWith('bgapi originate {')).toBe(true);
        expect(sent.endsWith(' &park()')).toBe(true);
        // Values carry no brace: the block closes exactly once, before the dial string.
        expect(sent.split('{')).toHaveLength(2);
        expect(sent.split('}')).toHaveLength(2);
        const dial = sent.slice(sent.indexOf('}') + 1, -' &park()'.length);
        expect(dial).not.toMatch(/[\s,&]/);
      }),
      RUNS,
    );
  });

  it('eslFrame with sendmsg headers: refused, or one frame with exactly the given header lines (property)', () => {
    fc.assert(
      fc.property(hostile, hostile, (uuid, arg) => {
        const wire = built(() => eslFrame(`sendmsg ${uuid}`, { 'call-command': 'execute', 'execute-app-name': 'playback', 'execute-app-arg': arg }));
        if (wire === undefined) return;
        const { line, headers } = parseOne(wire);
        expect(line).toBe(`sendmsg ${uuid}`);
        expect(headers).toEqual(['call-command: execute', 'execute-app-name: playback', `execute-app-arg: ${arg}`]);
      }),
      RUNS,
    );
  });

  it('eslFrame refuses a header name that is not one token without ":"', () => {
    expect(() => eslFrame('sendmsg a', { 'x\ny': 'v' })).toThrow(PbxInvalidArgumentError);
    expect(() => eslFrame('sendmsg a', { 'a:b': 'v' })).toThrow(PbxInvalidArgumentError);
  });
});
