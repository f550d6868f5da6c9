import { posix } from 'node:path';
import { ParseError } from '../../checks/types.js';
import { type ConfigFile, matchInclude } from './sections.js';

/** One nginx directive with its arguments (quotes removed) and, for `http {}`, `server {}` etc., its block. */
export interface NginxDirective {
  name: string;
  args: string[];
  file: string;
  line: number;
  block?: NginxDirective[];
}

const PLAIN = /[^\s;{}\\$]+/y;

type Token = { kind: 'word'; value: string; line: number } | { kind: ';' | '{' | '}'; line: number };

/** nginx's lexer: words, quoted strings, `;`, `{`, `}`, `#` comments; `${var}` stays inside a word. */
export function tokenizeNginx(text: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === '\n') {
      line++;
      i++;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\r') {
      i++;
      continue;
    }
    if (c === '#') {
      while (i < n && text[i] !== '\n') i++;
      continue;
    }
    if (c === ';' || c === '{' || c === '}') {
      tokens.push({ kind: c, line });
      i++;
      continue;
    }
    if (c === '"' || c === "'") {
      const start = line;
      let value = '';
      i++;
      while (i < n && text[i] !== c) {
        if (text[i] === '\\' && i + 1 < n && (text[i + 1] === c || text[i + 1] === '\\')) {
          value += text[i + 1];
          i += 2;
          continue;
        }
        if (text[i] === '\n') line++;
        value += text[i];
        i++;
      }
      if (i >= n) throw new ParseError(`${file}:${start}: unterminated quoted string`);
      i++;
      tokens.push({ kind: 'word', value, line: start });
      continue;
    }
    let value = '';
    while (i < n) {
      // Fast path: a run of ordinary characters in one slice (configs of thousands of servers are megabytes).
      PLAIN.lastIndex = i;
      const run = PLAIN.exec(text);
      if (run) {
        value += run[0];
        i += run[0].length;
        if (i >= n) break;
      }
      const d = text[i]!;
      if (d === ' ' || d === '\t' || d === '\r' || d === '\n' || d === ';' || d === '}') break;
      if (d === '{') {
        if (value.endsWith('$')) {
          const end = text.indexOf('}', i);
          if (end < 0) break;
          value += text.slice(i, end + 1);
          i = end + 1;
          continue;
        }
        break;
      }
      if (d === '\\' && i + 1 < n) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      value += d;
      i++;
    }
    tokens.push({ kind: 'word', value, line });
  }
  return tokens;
}

/** Parses one file into directives (includes not yet expanded). */
export function parseNginxFile(text: string, file: string): NginxDirective[] {
  const tokens = tokenizeNginx(text, file);
  const root: NginxDirective[] = [];
  const stack: NginxDirective[][] = [root];
  let current: NginxDirective | undefined;
  for (const t of tokens) {
    const level = stack[stack.length - 1]!;
    if (t.kind === 'word') {
      if (!current) {
        current = { name: t.value, args: [], file, line: t.line };
      } else current.args.push(t.value);
    } else if (t.kind === ';') {
      if (!current) continue; // stray `;` is legal-ish and harmless
      level.push(current);
      current = undefined;
    } else if (t.kind === '{') {
      if (!current) throw new ParseError(`${file}:${t.line}: block without a directive name`);
      current.block = [];
      level.push(current);
      stack.push(current.block);
      current = undefined;
    } else {
      if (current) throw new ParseError(`${file}:${t.line}: directive "${current.name}" is not terminated by ";"`);
      if (stack.length === 1) throw new ParseError(`${file}:${t.line}: unexpected "}"`);
      stack.pop();
    }
  }
  if (current) throw new ParseError(`${file}:${current.line}: directive "${current.name}" is not terminated by ";"`);
  if (stack.length > 1) throw new ParseError(`${file}: unexpected end of file, expecting "}"`);
  return root;
}

/**
 * Splits `nginx -T` output into its files (`# configuration file /path:` markers) and the test messages before them.
 */
export function splitNginxDump(output: string): { messages: string; files: ConfigFile[] } {
  const re = /^# configuration file (.+):\r?$/gm;
  const files: ConfigFile[] = [];
  let last: { path: string; start: number } | undefined;
  let messages = output;
  for (let m = re.exec(output); m; m = re.exec(output)) {
    if (last) files.push({ path: last.path, text: output.slice(last.start, m.index) });
    else messages = output.slice(0, m.index);
    last = { path: m[1]!, start: m.index + m[0].length + 1 };
  }
  if (last) files.push({ path: last.path, text: output.slice(last.start) });
  return { messages, files };
}

/** The effective configuration: the main file with every `include` replaced by the directives of the files it names. */
export function parseNginxDump(output: string): { messages: string; files: string[]; config: NginxDirective[] } {
  const { messages, files } = splitNginxDump(output);
  if (files.length === 0) return { messages, files: [], config: [] };
  const byPath = new Map(files.map((f) => [f.path, f]));
  const parsed = new Map<string, NginxDirective[]>();
  const parseOnce = (f: ConfigFile) => {
    let p = parsed.get(f.path);
    if (!p) {
      p = parseNginxFile(f.text, f.path);
      parsed.set(f.path, p);
    }
    return p;
  };
  const baseDir = posix.dirname(files[0]!.path);
  const expand = (list: NginxDirective[], depth: number): NginxDirective[] => {
    const out: NginxDirective[] = [];
    for (const d of list) {
      if (d.name === 'include' && d.args[0] !== undefined && !d.block) {
        if (depth > 16) throw new ParseError(`${d.file}:${d.line}: includes nested too deeply`);
        for (const f of matchInclude(d.args[0], baseDir, byPath)) out.push(...expand(parseOnce(f), depth + 1));
        continue;
      }
      out.push(d.block ? { ...d, block: expand(d.block, depth) } : d);
    }
    return out;
  };
  return { messages, files: files.map((f) => f.path), config: expand(parseOnce(files[0]!), 0) };
}
