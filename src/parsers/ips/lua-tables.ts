// A reader for the part of Lua that Snort 3 configurations use: top-level `name = value` assignments whose values
// are tables, strings, numbers, booleans or references (`default_wizard`, `RULE_PATH .. '/x.rules'`), and
// `include 'file.lua'` statements. It is not a Lua interpreter: an expression it does not model (a function call, a
// concatenation) is kept as its source text, which is enough to tell "configured" from "absent" and to read the
// literal options Snort's loggers take (`file = true`, `fields = 'msg sid'`).
import { ParseError } from '../../checks/types.js';

export type LuaValue = string | number | boolean | null | LuaTable | { expr: string };
export interface LuaTable {
  /** `key = value` entries. */
  fields: Record<string, LuaValue>;
  /** Positional entries (`{ { when = ... }, ... }`). */
  items: LuaValue[];
}

interface Token {
  kind: 'name' | 'string' | 'number' | 'punct';
  text: string;
  line: number;
}

/** `[[...]]`, `[==[...]==]` long brackets: the closing bracket of the same level. */
function longBracket(src: string, i: number): { end: number; body: string } | undefined {
  const m = /^\[(=*)\[/.exec(src.slice(i, i + 64));
  if (!m) return undefined;
  const close = `]${m[1]}]`;
  const start = i + m[0].length;
  const end = src.indexOf(close, start);
  if (end < 0) return { end: src.length, body: src.slice(start) };
  return { end: end + close.length, body: src.slice(start, end) };
}

export function tokenizeLua(src: string, file: string): Token[] {
  const tokens: Token[] = [];
  let line = 1;
  let i = 0;
  const count = (from: number, to: number) => {
    for (let k = from; k < to; k++) if (src[k] === '\n') line++;
  };
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (/\s/.test(c)) i++;
    else if (src.startsWith('--', i)) {
      // `--[[ ... ]]` (and `--[[ ... --]]`) is a block comment; anything else runs to the end of the line.
      const block = longBracket(src, i + 2);
      const end = block ? block.end : src.indexOf('\n', i) + 1 || src.length;
      count(i, end);
      i = end;
    } else if (c === '[' && /^\[=*\[/.test(src.slice(i, i + 64))) {
      const block = longBracket(src, i)!;
      tokens.push({ kind: 'string', text: block.body, line });
      count(i, block.end);
      i = block.end;
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== c) {
        if (src[j] === '\n') throw new ParseError(`${file}:${line}: unterminated string`);
        if (src[j] === '\\' && j + 1 < src.length) {
          const e = src[j + 1]!;
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
          j += 2;
        } else out += src[j++];
      }
      if (j >= src.length) throw new ParseError(`${file}:${line}: unterminated string`);
      tokens.push({ kind: 'string', text: out, line });
      i = j + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w]*/.exec(src.slice(i, i + 256))!;
      tokens.push({ kind: 'name', text: m[0], line });
      i += m[0].length;
    } else if (/[0-9]/.test(c)) {
      const m = /^(0x[0-9a-fA-F]+|\d+(\.\d+)?([eE][-+]?\d+)?)/.exec(src.slice(i, i + 64))!;
      tokens.push({ kind: 'number', text: m[0], line });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 3) === '...' ? '...' : src.slice(i, i + 2);
      const op = ['..', '==', '~=', '<=', '>=', '...', '::'].includes(two) ? two : c;
      tokens.push({ kind: 'punct', text: op, line });
      i += op.length;
    }
  }
  return tokens;
}

/** Top-level assignments and includes of one Lua file. */
export interface LuaChunk {
  assignments: Record<string, { value: LuaValue; line: number }>;
  includes: string[];
}

export function parseLuaChunk(src: string, file: string): LuaChunk {
  const t = tokenizeLua(src, file);
  let i = 0;
  const peek = (k = 0) => t[i + k];
  const isPunct = (tok: Token | undefined, text: string) => tok?.kind === 'punct' && tok.text === text;

  // One value; an expression made of several operands is kept as its text.
  const value = (): LuaValue => {
    const startTok = peek();
    if (!startTok) throw new ParseError(`${file}: value expected at end of file`);
    const parts: LuaValue[] = [];
    const texts: string[] = [];
    for (;;) {
      const tok = peek();
      if (!tok) break;
      if (isPunct(tok, '{')) {
        parts.push(table());
        texts.push('{...}');
      } else if (tok.kind === 'string') {
        parts.push(tok.text);
        texts.push(JSON.stringify(tok.text));
        i++;
      } else if (tok.kind === 'number') {
        parts.push(Number(tok.text));
        texts.push(tok.text);
        i++;
      } else if (tok.kind === 'name') {
        const literal =
          tok.text === 'true' ? true : tok.text === 'false' ? false : tok.text === 'nil' ? null : undefined;
        parts.push(literal === undefined ? { expr: tok.text } : literal);
        texts.push(tok.text);
        i++;
        // A call or index after a name (`f(x)`, `a.b`) belongs to the same operand.
        while (isPunct(peek(), '.') || isPunct(peek(), '(')) {
          if (isPunct(peek(), '.')) {
            texts.push('.', peek(1)?.text ?? '');
            i += 2;
          } else {
            let depth = 0;
            do {
              const p = peek();
              if (!p) break;
              if (isPunct(p, '(')) depth++;
              if (isPunct(p, ')')) depth--;
              texts.push(p.text);
              i++;
            } while (depth > 0);
          }
          parts.splice(0, parts.length, { expr: texts.join('') });
        }
      } else if (isPunct(tok, '(')) {
        i++;
        parts.push(value());
        texts.push('(...)');
        if (isPunct(peek(), ')')) i++;
      } else if (isPunct(tok, '-') || tok.text === 'not' || tok.text === '#') {
        texts.push(tok.text);
        i++;
        continue;
      } else break;
      // A binary operator continues the expression.
      const op = peek();
      if (
        op?.kind === 'punct' &&
        ['..', '+', '-', '*', '/', '==', '~=', '<', '>', '<=', '>=', '%', '^'].includes(op.text)
      ) {
        texts.push(op.text);
        i++;
        continue;
      }
      if (op?.kind === 'name' && (op.text === 'and' || op.text === 'or')) {
        texts.push(` ${op.text} `);
        i++;
        continue;
      }
      break;
    }
    if (parts.length === 0) throw new ParseError(`${file}:${startTok.line}: unexpected "${startTok.text}"`);
    return parts.length === 1 ? parts[0]! : { expr: texts.join('') };
  };

  const table = (): LuaTable => {
    const open = peek()!;
    i++; // {
    const out: LuaTable = { fields: {}, items: [] };
    for (;;) {
      const tok = peek();
      if (!tok) throw new ParseError(`${file}:${open.line}: table opened here is never closed`);
      if (isPunct(tok, '}')) {
        i++;
        return out;
      }
      if (isPunct(tok, ',') || isPunct(tok, ';')) {
        i++;
        continue;
      }
      if (tok.kind === 'name' && isPunct(peek(1), '=')) {
        i += 2;
        out.fields[tok.text] = value();
      } else if (isPunct(tok, '[') && isPunct(peek(2), ']') && isPunct(peek(3), '=')) {
        const key = peek(1)!.text;
        i += 4;
        out.fields[key] = value();
      } else out.items.push(value());
    }
  };

  const chunk: LuaChunk = { assignments: {}, includes: [] };
  while (i < t.length) {
    const tok = t[i]!;
    if (tok.kind === 'name' && tok.text === 'include') {
      i++;
      if (isPunct(peek(), '(')) i++;
      const arg = value();
      if (isPunct(peek(), ')')) i++;
      if (typeof arg === 'string') chunk.includes.push(arg);
      continue;
    }
    if (tok.kind === 'name' && isPunct(peek(1), '=') && !isPunct(t[i - 1], '.')) {
      i += 2;
      chunk.assignments[tok.text] = { value: value(), line: tok.line };
      continue;
    }
    i++;
  }
  return chunk;
}

export function isTable(v: LuaValue | undefined): v is LuaTable {
  return typeof v === 'object' && v !== null && 'fields' in v;
}
