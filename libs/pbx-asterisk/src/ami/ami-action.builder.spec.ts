import fc from 'fast-check';
import { PbxInvalidArgumentError } from '@callplane/pbx';
import { amiActionText } from './ami-action.builder';

const hostileOnly = fc.string({
  unit: fc.oneof(fc.constantFrom('\n', '\r', '\0', '\t', '\x7f', ' ', ':', ','), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  maxLength: 30,
});
const token = fc.string({ unit: fc.constantFrom(...'abcXYZ0189-_/().@'), minLength: 1, maxLength: 16 });
const text = fc.string({ unit: fc.constantFrom(...'abc019 :,"\'!'), maxLength: 16 });
/** Plausible keys and values, raw hostile strings, and plausible values with CR/LF/NUL spliced in. */
const hostile = fc.oneof(
  { weight: 3, arbitrary: token },
  { weight: 1, arbitrary: text },
  { weight: 2, arbitrary: hostileOnly },
  { weight: 2, arbitrary: fc.tuple(token, fc.constantFrom('\n', '\r\n', '\r\n\r\n', '\0'), token).map(([a, sep, b]) => `${a}${sep}${b}`) },
);

/**
 * What Asterisk's manager.c reads: header lines ended by CRLF, the action ended by an empty
 * line. Asserts the text is exactly one action — one CRLFCRLF, at the end; no other CR, LF or
 * NUL — and returns its `[key, value]` lines.
 */
function parseOne(wire: string): Array<[string, string]> {
  expect(wire.endsWith('\r\n\r\n')).toBe(true);
  expect(wire.indexOf('\r\n\r\n')).toBe(wire.length - 4);
  const lines = wire.slice(0, -4).split('\r\n');
  for (const line of lines) expect(line).not.toMatch(/[\r\n\0]/);
  return lines.map((line) => {
    const colon = line.indexOf(': ');
    expect(colon).toBeGreaterThan(0);
    return [line.slice(0, colon), line.slice(colon + 2)];
  });
}

function built(fn: () => string): string | undefined {
  try {
    return fn();
  } catch (err) {
    if (err instanceof PbxInvalidArgumentError) return undefined;
    throw err;
  }
}

describe(amiActionText.name, () => {
  it('writes one action: its fields then ActionID, ended by one empty line', () => {
    expect(amiActionText({ Action: 'Login', Username: 'cp', Secret: 's e:c' }, 'cp-1')).toBe('Action: Login\r\nUsername: cp\r\nSecret: s e:c\r\nActionID: cp-1\r\n\r\n');
  });

  it.each(['\n', '\r\n', '\r\n\r\nAction: Originate\r\nChannel: PJSIP/1001', '\0'])('refuses a value with %j instead of stripping it, naming the header', (sep) => {
    expect(() => amiActionText({ Action: 'Login', Username: 'cp', Secret: `secret${sep}` }, 'cp-1')).toThrow(expect.objectContaining({ code: 'pbx-invalid-argument', field: 'Secret' }));
  });

  it('every generated action is refused, or is exactly one action with exactly its fields (property)', () => {
    fc.assert(
      fc.property(fc.dictionary(hostile, hostile, { minKeys: 1, maxKeys: 4 }), hostile, (fields, actionId) => {
        delete fields.ActionID;
        const wire = built(() => amiActionText(fields, actionId));
        if (wire === undefined) return;
        expect(parseOne(wire)).toEqual([...Object.entries(fields), ['ActionID', actionId]]);
      }),
      { numRuns: 2000 },
    );
  });
});
