/**
 * A small XML well-formedness checker for the bundled FreeSWITCH files (no DTDs, no namespaces):
 * one root element, matched and properly nested tags, quoted and unique attributes, no `<` in
 * attribute values, only the five predefined entities or character references, comments without
 * `--`, and the XML declaration only at the very start (W3C XML 1.0, sections 2.1–2.8, 3.1, 4.1).
 * Elements come back flat, in document order, with decoded attribute values, so tests can query them.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  parent?: XmlElement;
  /** 1-based line of the start tag. */
  line: number;
}

export interface XmlDocument {
  elements: XmlElement[];
  /** Text of every `<!-- ... -->` comment, in order. */
  comments: string[];
  /** Well-formedness errors as `line N: message`; empty when the document is well-formed. */
  errors: string[];
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_.:]*/;
const ATTRIBUTE = /\s+([A-Za-z_:][-A-Za-z0-9_.:]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/y;
const ENTITY = /&(?:amp|lt|gt|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);/y;
const PREDEFINED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(value: string): string {
  return value.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (_, ref: string) =>
    ref.startsWith('#x') ? String.fromCodePoint(parseInt(ref.slice(2), 16)) : ref.startsWith('#') ? String.fromCodePoint(Number(ref.slice(1))) : PREDEFINED[ref],
  );
}

/** Index of the `>` closing the tag that starts at `start` (quotes respected), or -1. */
function tagEnd(text: string, start: number): number {
  let quote: string | undefined;
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i];
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '>') return i;
    else if (c === '<') return -1;
  }
  return -1;
}

/** Parses `text`; never throws — problems are returned in `errors`. */
export function parseXml(text: string): XmlDocument {
  const doc: XmlDocument = { elements: [], comments: [], errors: [] };
  const stack: XmlElement[] = [];
  let roots = 0;
  const lineOf = (pos: number) => text.slice(0, pos).split('\n').length;
  const fail = (pos: number, message: string) => doc.errors.push(`line ${lineOf(pos)}: ${message}`);
  const checkAmpersands = (chunk: string, offset: number) => {
    for (let amp = chunk.indexOf('&'); amp !== -1; amp = chunk.indexOf('&', amp + 1)) {
      ENTITY.lastIndex = amp;
      if (!ENTITY.test(chunk)) fail(offset + amp, "'&' that does not start an entity reference");
    }
  };

  let i = 0;
  while (i < text.length) {
    const lt = text.indexOf('<', i);
    const chunk = lt === -1 ? text.slice(i) : text.slice(i, lt);
    if (chunk.trim() !== '' && stack.length === 0) fail(i, 'text outside the root element');
    checkAmpersands(chunk, i);
    if (lt === -1) break;

    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end === -1) {
        fail(lt, 'unterminated comment');
        return doc;
      }
      const body = text.slice(lt + 4, end);
      if (body.includes('--') || body.endsWith('-')) fail(lt, "'--' inside a comment");
      doc.comments.push(body);
      i = end + 3;
      continue;
    }
    if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end === -1) {
        fail(lt, 'unterminated processing instruction');
        return doc;
      }
      if (/^<\?xml[\s?]/i.test(text.slice(lt, lt + 6)) && lt !== 0) fail(lt, 'XML declaration not at the very start');
      i = end + 2;
      continue;
    }
    if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt);
      if (end === -1) {
        fail(lt, 'unterminated CDATA section');
        return doc;
      }
      if (stack.length === 0) fail(lt, 'CDATA outside the root element');
      i = end + 3;
      continue;
    }
    if (text.startsWith('<!', lt)) {
      fail(lt, 'DOCTYPE and declarations are not supported');
      return doc;
    }

    const end = tagEnd(text, lt);
    if (end === -1) {
      fail(lt, 'unterminated tag');
      return doc;
    }
    const raw = text.slice(lt + 1, end);
    if (raw.startsWith('/')) {
      const name = raw.slice(1).trim();
      const open = stack.pop();
      if (!open) fail(lt, `closing tag </${name}> without an open element`);
      else if (open.name !== name) fail(lt, `closing tag </${name}> does not match <${open.name}> (line ${open.line})`);
    } else {
      const selfClosing = raw.endsWith('/');
      const body = selfClosing ? raw.slice(0, -1) : raw;
      const name = NAME.exec(body)?.[0];
      if (!name) {
        fail(lt, 'invalid element name');
      } else {
        const attrs: Record<string, string> = {};
        let pos = name.length;
        for (ATTRIBUTE.lastIndex = pos; ; ATTRIBUTE.lastIndex = pos) {
          const m = ATTRIBUTE.exec(body);
          if (!m) break;
          const value = m[2] ?? m[3];
          if (m[1] in attrs) fail(lt, `duplicate attribute ${m[1]} on <${name}>`);
          if (value.includes('<')) fail(lt, `'<' in the value of ${m[1]} on <${name}>`);
          checkAmpersands(value, lt);
          attrs[m[1]] = decodeEntities(value);
          pos = ATTRIBUTE.lastIndex;
        }
        if (body.slice(pos).trim() !== '') fail(lt, `malformed attributes on <${name}>: ${body.slice(pos).trim()}`);
        if (stack.length === 0 && ++roots > 1) fail(lt, `second root element <${name}>`);
        const element: XmlElement = { name, attrs, parent: stack[stack.length - 1], line: lineOf(lt) };
        doc.elements.push(element);
        if (!selfClosing) stack.push(element);
      }
    }
    i = end + 1;
  }
  for (const open of stack) doc.errors.push(`line ${open.line}: <${open.name}> is never closed`);
  if (roots === 0) doc.errors.push('line 1: no root element');
  return doc;
}
