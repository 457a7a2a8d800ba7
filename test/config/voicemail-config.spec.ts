import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VOICEMAIL_CONTEXT } from '@callplane/acd';
import { parseDialplan, patternToRegExp } from './asterisk-conf';
import { parseXml } from './xml-well-formed';

const root = resolve(__dirname, '../..');

/** The voicemail extensions the ACD's overflow target `voicemail` sends callers to (libs/acd queue-overflow.ts). */
describe('voicemail for queue overflow', () => {
  it(`asterisk-config: context ${VOICEMAIL_CONTEXT} runs VoiceMail(<box>@default,u) for a box of digits`, () => {
    const exts = parseDialplan(readFileSync(join(root, 'asterisk-config/extensions.conf'), 'utf8')).get(VOICEMAIL_CONTEXT);
    expect(exts).toBeDefined();
    const [pattern, steps] = [...exts!.entries()][0];
    expect(patternToRegExp(pattern).test('4711')).toBe(true);
    expect(patternToRegExp(pattern).test('7')).toBe(true);
    expect(steps.map((s) => s.app)).toEqual(['NoOp', 'VoiceMail', 'Hangup']);
    expect(steps[1].args).toBe('${EXTEN}@default,u');
  });

  it(`freeswitch-config: context ${VOICEMAIL_CONTEXT} runs voicemail default \${domain_name} <box>`, () => {
    const doc = parseXml(readFileSync(join(root, 'freeswitch-config/dialplan/callplane-voicemail.xml'), 'utf8'));
    expect(doc.errors).toEqual([]);
    expect(doc.elements.find((e) => e.name === 'context')?.attrs.name).toBe(VOICEMAIL_CONTEXT);
    const condition = doc.elements.find((e) => e.name === 'condition');
    expect(new RegExp(condition!.attrs.expression).test('4711')).toBe(true);
    expect(new RegExp(condition!.attrs.expression).test('47;11')).toBe(false);
    expect(doc.elements.filter((e) => e.name === 'action').map((e) => `${e.attrs.application} ${e.attrs.data ?? ''}`.trim())).toContain('voicemail default ${domain_name} $1');
  });
});
