import fc from 'fast-check';
import { PbxInvalidArgumentError } from './pbx.errors';
import { assertOriginateRequest, assertWireSafe, assertWireToken, WIRE_TOKEN_MAX_LENGTH, WIRE_VALUE_MAX_LENGTH } from './wire-value.guard';

/** Strings rich in what matters on a line protocol: control characters, separators, quotes. */
const hostile = fc.string({ unit: fc.oneof(fc.constantFrom('\n', '\r', '\0', '\t', '\x1b', '\x7f', ' ', '{', '}', ',', "'", '"', '\\', '$', '&', '|', ';', ':', '='), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })), maxLength: 40 });

function hasControl(s: string): boolean {
  return [...s].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f);
}

function rejection(fn: () => unknown): PbxInvalidArgumentError | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    if (err instanceof PbxInvalidArgumentError) return err;
    throw err;
  }
}

describe('wire-value guard', () => {
  it.each(['\n', '\r\n', '\0', '\t', '\x1f', '\x7f'])('refuses %j inside a value, naming the field', (ch) => {
    const err = rejection(() => assertWireSafe('extension', `1000${ch}api status`));
    expect(err).toMatchObject({ code: 'pbx-invalid-argument', field: 'extension', httpStatus: 400 });
    expect(err?.message).toMatch(/control character U\+00[0-9A-F]{2} at index 4/);
  });

  it('passes free text with spaces and punctuation, and tokens such as endpoints, extensions and variable names', () => {
    expect(assertWireSafe('callerId.name', "O'Brien, \"Sales\" {x} $1")).toBe("O'Brien, \"Sales\" {x} $1");
    for (const t of ['PJSIP/1001', 'sofia/gateway/gw/+15551234', '1001@example.com', '*97', 'CALLERID(all)', '1795288206.55', 'local_stream://moh']) {
      expect(assertWireToken('endpoint', t)).toBe(t);
    }
  });

  it.each([' ', "'", '"', '\\', '{', '}', '[', ']', '<', '>', ',', '|', '&', ';', '$'])('refuses %j inside a token', (ch) => {
    expect(rejection(() => assertWireToken('extension', `10${ch}00`))).toMatchObject({ field: 'extension' });
  });

  it('refuses an empty token, a non-string and values over the length caps', () => {
    expect(rejection(() => assertWireToken('context', ''))?.reason).toMatch(/empty/);
    expect(rejection(() => assertWireSafe('value', undefined))?.reason).toMatch(/must be a string/);
    expect(rejection(() => assertWireSafe('value', 'x'.repeat(WIRE_VALUE_MAX_LENGTH + 1)))?.reason).toMatch(/longer than/);
    expect(rejection(() => assertWireToken('endpoint', 'x'.repeat(WIRE_TOKEN_MAX_LENGTH + 1)))?.reason).toMatch(/longer than/);
  });

  it('runs in bounded time: a 10 MB value is refused by its length, 10,000 maximal values are checked in well under a second', () => {
    const started = performance.now();
    expect(rejection(() => assertWireSafe('value', 'a'.repeat(10_000_000)))).toBeDefined();
    const max = 'a'.repeat(WIRE_VALUE_MAX_LENGTH);
    for (let i = 0; i < 10_000; i++) assertWireSafe('value', max);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('accepts exactly the values without control characters (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        const err = rejection(() => assertWireSafe('value', s));
        expect(err !== undefined).toBe(hasControl(s));
      }),
      { numRuns: 2000 },
    );
  });

  it('a token that passes is one argument: no space, no control character, non-empty (property)', () => {
    fc.assert(
      fc.property(hostile, (s) => {
        if (rejection(() => assertWireToken('arg', s))) return;
        expect(s.length).toBeGreaterThan(0);
        expect(s.split(' ')).toEqual([s]);
        expect(hasControl(s)).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('checks every string of an originate request, naming the field', () => {
    const base = { endpoint: '2001', timeoutS: 10 };
    expect(rejection(() => assertOriginateRequest({ ...base, endpoint: '2001\n\nbgapi originate user/1001 &park' }))?.field).toBe('endpoint');
    expect(rejection(() => assertOriginateRequest({ ...base, channelId: 'a b' }))?.field).toBe('channelId');
    expect(rejection(() => assertOriginateRequest({ ...base, callerId: { number: '555\r\n', name: 'x' } }))?.field).toBe('callerId.number');
    expect(rejection(() => assertOriginateRequest({ ...base, callerId: { number: '555', name: 'x\0' } }))?.field).toBe('callerId.name');
    expect(rejection(() => assertOriginateRequest({ ...base, variables: { 'a b': 'x' } }))?.field).toBe('variables');
    expect(rejection(() => assertOriginateRequest({ ...base, variables: { queue: 'x\ny' } }))?.field).toBe('variables.queue');
    expect(() => assertOriginateRequest({ ...base, callerId: { number: '', name: '' }, variables: { 'CALLERID(all)': '"A B" <555>' } })).not.toThrow();
  });
});
