import { findObject, parseAsteriskConf, parseDialplan, patternToRegExp, walkDialplan } from './asterisk-conf';
import { parseXml } from './xml-well-formed';

describe('parseXml', () => {
  it('accepts a well-formed document and decodes attribute values', () => {
    const sut = parseXml(`<?xml version="1.0"?>\n<a x="1 &amp; 2 &lt;3&gt; &quot;q&quot; &apos;s&apos; &#65;&#x42;"><!-- c --><b y='2'/></a>\n`);
    expect(sut.errors).toEqual([]);
    expect(sut.elements.map((e) => e.name)).toEqual(['a', 'b']);
    expect(sut.elements[0].attrs.x).toBe(`1 & 2 <3> "q" 's' AB`);
    expect(sut.elements[1].parent?.name).toBe('a');
    expect(sut.comments).toEqual([' c ']);
  });

  it.each([
    ['<a><b></a>', /does not match/],
    ['<a>', /never closed/],
    ['<a/><b/>', /second root/],
    ['<a x="1" x="2"/>', /duplicate attribute/],
    ['<a x=1/>', /malformed attributes/],
    ['<a x="<"/>', /unterminated tag|'<' in the value/],
    ['<a>fish & chips</a>', /'&'/],
    ['<a x="&nbsp;"/>', /'&'/],
    ['<a><!-- a -- b --></a>', /'--' inside a comment/],
    ['<a>\n<?xml version="1.0"?></a>', /declaration not at the very start/],
    ['</a>', /without an open element/],
    ['text', /outside the root|no root/],
    ['<a><!-- open', /unterminated comment/],
  ])('rejects %j', (text, error) => {
    const sut = parseXml(text);
    expect(sut.errors.join('\n')).toMatch(error);
  });
});

describe('parseAsteriskConf', () => {
  const text = `
[general]
bindaddr = 127.0.0.1 ; a comment
[tpl](!)
type = endpoint
context = a
[1001](tpl)
context = b
secret = x\\;y
[1001]
type = aor
`;

  it('reads sections, templates and inheritance, comments and escaped semicolons', () => {
    const sut = parseAsteriskConf(text);
    expect(findObject(sut, 'general')?.get('bindaddr')).toBe('127.0.0.1');
    expect(Object.fromEntries(findObject(sut, '1001', 'endpoint')!)).toEqual({ type: 'endpoint', context: 'b', secret: 'x;y' });
    expect(findObject(sut, '1001', 'aor')?.get('type')).toBe('aor');
    expect(findObject(sut, 'tpl')).toBeUndefined();
  });

  it('rejects a line that is not a section or an option, and an unknown template', () => {
    expect(() => parseAsteriskConf('[a]\njust words\n')).toThrow(/not an Asterisk config line/);
    expect(() => findObject(parseAsteriskConf('[a](missing)\nx=1\n'), 'a')).toThrow(/unknown template/);
  });
});

describe('walkDialplan', () => {
  const plan = parseDialplan(`
[in]
exten => _X.,1,NoOp(\${EXTEN})
 same => n,Goto(app,\${EXTEN},1)
exten => 500,1,Hangup(16)
[app]
exten => _[+0-9].,1,Stasis(myapp)
exten => _1XXX,1,Dial(PJSIP/\${EXTEN},20)
`);

  it('follows Goto and prefers exact extensions and narrower patterns', () => {
    expect(walkDialplan(plan, 'in', '4930')).toMatchObject({ app: 'Stasis', args: 'myapp', path: ['in', 'app'] });
    expect(walkDialplan(plan, 'in', '1001')).toMatchObject({ app: 'Dial', args: 'PJSIP/1001,20' });
    expect(walkDialplan(plan, 'in', '500')).toMatchObject({ app: 'Hangup', args: '16' });
  });

  it('fails when no extension matches', () => {
    expect(() => walkDialplan(plan, 'in', '5')).toThrow(/no extension matches 5/);
  });

  it('translates Asterisk patterns', () => {
    expect(patternToRegExp('_NXX').test('200')).toBe(true);
    expect(patternToRegExp('_NXX').test('100')).toBe(false);
    expect(patternToRegExp('_[+0-9].').test('+49')).toBe(true);
    expect(patternToRegExp('_X.').test('1')).toBe(false);
    expect(patternToRegExp('s').test('s')).toBe(true);
  });
});
