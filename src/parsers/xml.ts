// A small XML reader for configuration exports (PAN-OS `show config running`): elements, attributes and text, with
// the five predefined entities and numeric references. No DTDs, no namespaces beyond keeping the prefixed name.
import { ParseError } from '../checks/types.js';

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|\w+);/g, (m, e: string) =>
    e.startsWith('#x')
      ? String.fromCodePoint(Number.parseInt(e.slice(2), 16))
      : e.startsWith('#')
        ? String.fromCodePoint(Number(e.slice(1)))
        : (ENTITIES[e] ?? m),
  );
}

/** The first element of a document. */
export function parseXml(xml: string, file: string): XmlElement {
  const doc = parseXmlDocument(xml, file).children[0];
  if (!doc) throw new ParseError(`${file}: no XML element`);
  return doc;
}

/** The whole document (`#document`), for files with several top-level elements (Wazuh's ossec.conf). */
export function parseXmlDocument(xml: string, file: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  const line = (i: number) => xml.slice(0, i).split('\n').length;
  // Comments, CDATA (1), declarations, closing tags (2), opening tags (3 name, 4 attributes, 5 self-closing), text (6).
  const re = new RegExp(
    String.raw`<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<[?!][^>]*>|<\/\s*([\w:.-]+)\s*>|` +
      String.raw`<([\w:.-]+)((?:\s+[\w:.-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)`,
    'g',
  );
  for (let m = re.exec(xml); m; m = re.exec(xml)) {
    const top = stack[stack.length - 1]!;
    if (m[1] !== undefined) top.text += m[1];
    else if (m[2] !== undefined) {
      if (top.name !== m[2]) throw new ParseError(`${file}:${line(m.index)}: </${m[2]}> closes <${top.name}>`);
      stack.pop();
    } else if (m[3] !== undefined) {
      const attrs: Record<string, string> = {};
      for (const a of m[4]!.matchAll(/([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g))
        attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
      const el: XmlElement = { name: m[3], attrs, children: [], text: '' };
      top.children.push(el);
      if (m[5] !== '/') stack.push(el);
    } else if (m[6] !== undefined) top.text += decode(m[6]);
    else if (m[0].startsWith('<') && !/^<[?!]/.test(m[0])) throw new ParseError(`${file}:${line(m.index)}: bad tag`);
  }
  if (stack.length > 1) throw new ParseError(`${file}: <${stack[stack.length - 1]!.name}> is never closed`);
  return root;
}
