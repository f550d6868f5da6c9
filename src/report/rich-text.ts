// The small markup of the catalog's rationale and remediation text: `code` spans, and lines indented by two or more
// spaces that are commands or configuration lines to copy (audit rules, rsyslog actions). Every renderer reads the
// same structure, so inline code becomes <code> in HTML and a code span in Markdown, and indented lines become a code
// block instead of being flattened into one line of prose.

export interface Span {
  code: boolean;
  text: string;
}

export type Block = { kind: 'para'; spans: Span[] } | { kind: 'code'; text: string };

/** Splits a paragraph into plain text and `code` spans; an unmatched backtick stays as text. */
export function inlineSpans(text: string): Span[] {
  const spans: Span[] = [];
  const re = /`([^`\n]+)`/g;
  let last = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    if (m.index > last) spans.push({ code: false, text: text.slice(last, m.index) });
    spans.push({ code: true, text: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) spans.push({ code: false, text: text.slice(last) });
  return spans;
}

/** Paragraphs (wrapped lines joined) and code blocks (runs of lines indented by two or more spaces, dedented). */
export function richBlocks(text: string): Block[] {
  const blocks: Block[] = [];
  let prose: string[] = [];
  let code: string[] = [];
  const flushProse = () => {
    if (prose.length > 0) blocks.push({ kind: 'para', spans: inlineSpans(prose.join(' ')) });
    prose = [];
  };
  const flushCode = () => {
    if (code.length > 0) {
      const indent = Math.min(...code.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length));
      blocks.push({ kind: 'code', text: code.map((l) => l.slice(indent)).join('\n') });
    }
    code = [];
  };
  for (const line of text.replace(/\r\n?/g, '\n').trim().split('\n')) {
    if (/^ {2,}\S/.test(line) || /^\t+\S/.test(line)) {
      flushProse();
      code.push(line.replace(/\t/g, '  '));
    } else if (line.trim() === '') {
      flushProse();
      flushCode();
    } else {
      flushCode();
      prose.push(line.trim());
    }
  }
  flushProse();
  flushCode();
  return blocks;
}

/** Whether the text needs more than one line to render faithfully (a code block or several paragraphs). */
export function isMultiBlock(text: string): boolean {
  const blocks = richBlocks(text);
  return blocks.length > 1 || blocks.some((b) => b.kind === 'code');
}
