/**
 * A small, strict XML parser for the reports' tests: an XML declaration, elements, attributes,
 * text and the predefined and numeric character references. Anything else, or anything malformed
 * (a stray `<` or `&`, a tag that does not close, a repeated attribute, a character XML 1.0 does not
 * allow, content after the root), throws. Enough to hold the JUnit output to what CI parsers read.
 */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The element's own text, entities decoded (text between child elements concatenated). */
  text: string;
}

const NAME = /^[A-Za-z_][\w.-]*/;
const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };
const INVALID_CHAR = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

function decode(raw: string, where: string): string {
  if (INVALID_CHAR.test(raw)) throw new Error(`${where}: a character XML 1.0 does not allow`);
  return raw.replace(/&([^;]*);?/g, (m, ref: string) => {
    if (!m.endsWith(";")) throw new Error(`${where}: bare "&"`);
    if (ref in ENTITIES) return ENTITIES[ref];
    const num = /^#(\d+)$/.exec(ref) ?? /^#x([0-9a-fA-F]+)$/.exec(ref);
    if (num) {
      const cp = parseInt(num[1], ref.startsWith("#x") ? 16 : 10);
      const ch = String.fromCodePoint(cp);
      if (INVALID_CHAR.test(ch)) throw new Error(`${where}: reference to a character XML 1.0 does not allow`);
      return ch;
    }
    throw new Error(`${where}: unknown entity &${ref};`);
  });
}

export function parseXml(input: string): XmlElement {
  let i = 0;
  const fail = (msg: string): never => {
    throw new Error(`XML error at ${i}: ${msg}: ${JSON.stringify(input.slice(i, i + 40))}`);
  };
  const skipSpace = () => {
    while (i < input.length && /\s/.test(input[i])) i++;
  };

  if (input.startsWith("<?xml")) {
    const end = input.indexOf("?>");
    if (end === -1) fail("unterminated declaration");
    const decl = input.slice(0, end);
    if (!/^<\?xml version="1\.[0-9]"( encoding="UTF-8")?\s*$/.test(decl)) fail("bad declaration");
    i = end + 2;
  }
  skipSpace();

  const element = (): XmlElement => {
    if (input[i] !== "<") fail("expected <");
    i++;
    const name = NAME.exec(input.slice(i))?.[0] ?? fail("bad element name");
    i += name.length;
    const attrs: Record<string, string> = {};
    for (;;) {
      const before = i;
      skipSpace();
      if (input.startsWith("/>", i)) {
        i += 2;
        return { name, attrs, children: [], text: "" };
      }
      if (input[i] === ">") {
        i++;
        break;
      }
      if (i === before) fail("expected whitespace before an attribute");
      const an = NAME.exec(input.slice(i))?.[0] ?? fail("bad attribute name");
      i += an.length;
      if (input[i] !== "=") fail("expected =");
      i++;
      const q = input[i];
      if (q !== '"' && q !== "'") fail("expected a quoted value");
      const end = input.indexOf(q, i + 1);
      if (end === -1) fail("unterminated attribute");
      const raw = input.slice(i + 1, end);
      if (raw.includes("<")) fail("< in an attribute value");
      if (an in attrs) fail(`attribute ${an} repeated`);
      attrs[an] = decode(raw, `${name}@${an}`);
      i = end + 1;
    }
    const children: XmlElement[] = [];
    let text = "";
    for (;;) {
      if (i >= input.length) fail(`<${name}> is not closed`);
      if (input.startsWith("</", i)) {
        i += 2;
        const close = NAME.exec(input.slice(i))?.[0];
        if (close !== name) fail(`</${close}> closes <${name}>`);
        i += name.length;
        skipSpace();
        if (input[i] !== ">") fail("expected >");
        i++;
        return { name, attrs, children, text };
      }
      if (input.startsWith("<!--", i) || input.startsWith("<![CDATA[", i) || input.startsWith("<?", i)) fail("comments, CDATA and processing instructions are not expected");
      if (input[i] === "<") {
        children.push(element());
        continue;
      }
      const next = input.indexOf("<", i);
      const raw = input.slice(i, next === -1 ? input.length : next);
      if (raw.includes(">") && raw.includes("]]>")) fail("]]> in text");
      text += decode(raw, `<${name}> text`);
      i += raw.length;
    }
  };

  const root = element();
  skipSpace();
  if (i !== input.length) fail("content after the root element");
  return root;
}

/** Every element named `name` below `el`, depth first. */
export function findAll(el: XmlElement, name: string): XmlElement[] {
  const out: XmlElement[] = [];
  for (const c of el.children) {
    if (c.name === name) out.push(c);
    out.push(...findAll(c, name));
  }
  return out;
}
