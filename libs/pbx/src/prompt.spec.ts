import { isPromptUri, parsePrompt } from './prompt';

describe(parsePrompt.name, () => {
  it.each([
    ['sound:hello-world', { kind: 'sound', value: 'hello-world' }],
    ['digits:12#', { kind: 'digits', value: '12#' }],
    ['number:42', { kind: 'number', value: '42' }],
    ['silence:500', { kind: 'silence', value: '500' }],
    ['tone:ring', { kind: 'tone', value: 'ring' }],
    ['recording:greeting-1', { kind: 'recording', value: 'greeting-1' }],
  ])('parses %s', (uri, expected) => {
    expect(parsePrompt(uri)).toEqual(expected);
  });

  it.each(['hello-world', 'sound:', 'video:x', 'digits:12x', 'number:4.2', ':x'])('rejects %s', (uri) => {
    expect(parsePrompt(uri)).toBeUndefined();
    expect(isPromptUri(uri)).toBe(false);
  });
});
