// A small TOML 1.0 parser: everything Elastic detection-rules files use (tables, arrays of tables, dotted keys, all
// four
// string kinds, arrays, inline tables, numbers, booleans, dates kept as strings), with line:column errors.

export type TomlValue = string | number | boolean | TomlValue[] | TomlTable;
export interface TomlTable {
  [key: string]: TomlValue;
}

export class TomlError extends Error {
  override name = 'TomlError';
  constructor(
    readonly line: number,
    readonly column: number,
    detail: string,
  ) {
    super(`${line}:${column}: ${detail}`);
  }
}

const BARE = /[A-Za-z0-9_-]/;

class Parser {
  private i = 0;
  /** Tables defined by a [header] or by key assignment, to refuse duplicates the spec forbids. */
  private readonly explicit = new WeakSet<object>();
  private readonly frozen = new WeakSet<object>();

  constructor(private readonly s: string) {}

  fail(detail: string, at = this.i): never {
    let line = 1;
    let col = 1;
    for (let k = 0; k < at && k < this.s.length; k++) {
      if (this.s[k] === '\n') {
        line++;
        col = 1;
      } else col++;
    }
    throw new TomlError(line, col, detail);
  }

  private peek(n = 0): string {
    return this.s[this.i + n] ?? '';
  }

  private startsWith(t: string): boolean {
    return this.s.startsWith(t, this.i);
  }

  private skipWs(): void {
    while (this.peek() === ' ' || this.peek() === '\t') this.i++;
  }

  private skipComment(): void {
    if (this.peek() === '#') while (this.i < this.s.length && this.peek() !== '\n') this.i++;
  }

  /** Skips whitespace, newlines and comments (inside arrays). */
  private skipAll(): void {
    for (;;) {
      this.skipWs();
      this.skipComment();
      if (this.peek() === '\n' || this.peek() === '\r') this.i++;
      else return;
    }
  }

  private endOfLine(): void {
    this.skipWs();
    this.skipComment();
    if (this.peek() === '\r') this.i++;
    if (this.i < this.s.length && this.peek() !== '\n') this.fail(`unexpected "${this.peek()}" after value`);
    this.i++;
  }

  parse(): TomlTable {
    const root: TomlTable = {};
    let current = root;
    while (this.i < this.s.length) {
      this.skipWs();
      const c = this.peek();
      if (c === '#' || c === '\n' || c === '\r' || c === '') {
        this.skipComment();
        if (this.peek() === '\r') this.i++;
        this.i++;
        continue;
      }
      if (c === '[') {
        const isArray = this.peek(1) === '[';
        this.i += isArray ? 2 : 1;
        this.skipWs();
        const path = this.key();
        this.skipWs();
        if (isArray ? !this.startsWith(']]') : this.peek() !== ']') this.fail(`expected "${isArray ? ']]' : ']'}"`);
        this.i += isArray ? 2 : 1;
        current = isArray ? this.arrayTable(root, path) : this.table(root, path);
        this.endOfLine();
        continue;
      }
      this.keyValue(current);
      this.endOfLine();
    }
    return root;
  }

  private descend(t: TomlTable, k: string, at: number): TomlTable {
    const v = t[k];
    if (v === undefined) {
      const n: TomlTable = {};
      t[k] = n;
      return n;
    }
    if (Array.isArray(v)) {
      const last = v[v.length - 1];
      if (last && typeof last === 'object' && !Array.isArray(last)) return last;
      this.fail(`key "${k}" is an array, not a table`, at);
    }
    if (typeof v === 'object' && !this.frozen.has(v)) return v;
    return this.fail(`key "${k}" is already defined as a value`, at);
  }

  private table(root: TomlTable, path: string[]): TomlTable {
    const at = this.i;
    let t = root;
    for (const k of path.slice(0, -1)) t = this.descend(t, k, at);
    const last = path[path.length - 1]!;
    const existing = t[last];
    if (existing !== undefined) {
      if (
        typeof existing !== 'object' ||
        Array.isArray(existing) ||
        this.explicit.has(existing) ||
        this.frozen.has(existing)
      )
        this.fail(`table [${path.join('.')}] defined twice`, at);
      this.explicit.add(existing);
      return existing;
    }
    const n: TomlTable = {};
    this.explicit.add(n);
    t[last] = n;
    return n;
  }

  private arrayTable(root: TomlTable, path: string[]): TomlTable {
    const at = this.i;
    let t = root;
    for (const k of path.slice(0, -1)) t = this.descend(t, k, at);
    const last = path[path.length - 1]!;
    const n: TomlTable = {};
    const existing = t[last];
    if (existing === undefined) t[last] = [n];
    else if (Array.isArray(existing) && !this.frozen.has(existing)) existing.push(n);
    else this.fail(`[[${path.join('.')}]] conflicts with an earlier definition`, at);
    return n;
  }

  private keyValue(t: TomlTable): void {
    const at = this.i;
    const path = this.key();
    this.skipWs();
    if (this.peek() !== '=') this.fail('expected "=" after key');
    this.i++;
    this.skipWs();
    const value = this.value();
    let target = t;
    for (const k of path.slice(0, -1)) target = this.descend(target, k, at);
    const last = path[path.length - 1]!;
    if (last in target) this.fail(`duplicate key "${path.join('.')}"`, at);
    target[last] = value;
  }

  private key(): string[] {
    const parts: string[] = [];
    for (;;) {
      this.skipWs();
      const c = this.peek();
      if (c === '"') parts.push(this.basicString());
      else if (c === "'") parts.push(this.literalString());
      else {
        const start = this.i;
        while (BARE.test(this.peek())) this.i++;
        if (start === this.i) this.fail(c ? `invalid character "${c}" in key` : 'expected a key');
        parts.push(this.s.slice(start, this.i));
      }
      this.skipWs();
      if (this.peek() !== '.') return parts;
      this.i++;
    }
  }

  private value(): TomlValue {
    const c = this.peek();
    if (this.startsWith('"""')) return this.multiBasic();
    if (this.startsWith("'''")) return this.multiLiteral();
    if (c === '"') return this.basicString();
    if (c === "'") return this.literalString();
    if (c === '[') return this.array();
    if (c === '{') return this.inlineTable();
    if (this.startsWith('true')) {
      this.i += 4;
      return true;
    }
    if (this.startsWith('false')) {
      this.i += 5;
      return false;
    }
    return this.scalar();
  }

  private scalar(): TomlValue {
    const start = this.i;
    while (this.i < this.s.length && !/[,\]}\n\r#]/.test(this.peek())) this.i++;
    let raw = this.s.slice(start, this.i).trimEnd();
    this.i = start + raw.length;
    if (raw === '') this.fail('expected a value', start);
    // Dates and times stay strings: nothing in socready computes with them.
    if (
      /^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:\d{2})?)?$/.test(raw) ||
      /^\d{2}:\d{2}:\d{2}(\.\d+)?$/.test(raw)
    )
      return raw;
    if (/^[+-]?(inf|nan)$/.test(raw))
      return raw.includes('nan') ? Number.NaN : raw.startsWith('-') ? -Infinity : Infinity;
    if (/^0x[0-9A-Fa-f_]+$/.test(raw)) return Number.parseInt(raw.slice(2).replace(/_/g, ''), 16);
    if (/^0o[0-7_]+$/.test(raw)) return Number.parseInt(raw.slice(2).replace(/_/g, ''), 8);
    if (/^0b[01_]+$/.test(raw)) return Number.parseInt(raw.slice(2).replace(/_/g, ''), 2);
    if (/^[+-]?(0|[1-9](_?\d)*)$/.test(raw)) return Number(raw.replace(/_/g, ''));
    if (/^[+-]?(0|[1-9](_?\d)*)(\.\d(_?\d)*)?([eE][+-]?\d(_?\d)*)?$/.test(raw)) {
      raw = raw.replace(/_/g, '');
      return Number(raw);
    }
    return this.fail(`invalid value "${raw}"`, start);
  }

  private escape(): string {
    const at = this.i;
    const c = this.peek();
    this.i++;
    switch (c) {
      case 'b':
        return '\b';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'f':
        return '\f';
      case 'r':
        return '\r';
      case 'e':
        return '\x1b';
      case '"':
        return '"';
      case '\\':
        return '\\';
      case 'u':
      case 'U': {
        const len = c === 'u' ? 4 : 8;
        const hex = this.s.slice(this.i, this.i + len);
        if (!/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) this.fail('invalid unicode escape', at);
        this.i += len;
        return String.fromCodePoint(Number.parseInt(hex, 16));
      }
      default:
        return this.fail(`invalid escape "\\${c}"`, at - 1);
    }
  }

  private basicString(): string {
    this.i++;
    let out = '';
    for (;;) {
      const c = this.peek();
      if (c === '' || c === '\n') this.fail('unterminated string');
      this.i++;
      if (c === '"') return out;
      out += c === '\\' ? this.escape() : c;
    }
  }

  private literalString(): string {
    this.i++;
    const end = this.s.indexOf("'", this.i);
    const nl = this.s.indexOf('\n', this.i);
    if (end < 0 || (nl >= 0 && nl < end)) this.fail('unterminated literal string');
    const out = this.s.slice(this.i, end);
    this.i = end + 1;
    return out;
  }

  private multiBasic(): string {
    this.i += 3;
    if (this.peek() === '\r') this.i++;
    if (this.peek() === '\n') this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated multi-line string');
      if (this.startsWith('"""')) {
        // Up to two quotes may sit right before the closing delimiter.
        let extra = 0;
        while (this.peek(3 + extra) === '"' && extra < 2) extra++;
        out += '"'.repeat(extra);
        this.i += 3 + extra;
        return out;
      }
      const c = this.peek();
      if (c === '\\') {
        // A line-ending backslash trims the newline and the whitespace after it.
        let j = this.i + 1;
        while (this.s[j] === ' ' || this.s[j] === '\t') j++;
        if (this.s[j] === '\n' || (this.s[j] === '\r' && this.s[j + 1] === '\n')) {
          this.i = j;
          while (/[\s]/.test(this.peek()) && this.i < this.s.length) this.i++;
          continue;
        }
        this.i++;
        out += this.escape();
        continue;
      }
      out += c;
      this.i++;
    }
  }

  private multiLiteral(): string {
    this.i += 3;
    if (this.peek() === '\r') this.i++;
    if (this.peek() === '\n') this.i++;
    const end = this.s.indexOf("'''", this.i);
    if (end < 0) this.fail('unterminated multi-line literal string');
    let stop = end;
    while (this.s[stop + 3] === "'" && stop - end < 2) stop++;
    const out = this.s.slice(this.i, stop);
    this.i = stop + 3;
    return out;
  }

  private array(): TomlValue[] {
    this.i++;
    const out: TomlValue[] = [];
    for (;;) {
      this.skipAll();
      if (this.peek() === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skipAll();
      if (this.peek() === ',') this.i++;
      else if (this.peek() !== ']') this.fail('expected "," or "]" in array');
    }
  }

  private inlineTable(): TomlTable {
    this.i++;
    const t: TomlTable = {};
    this.skipWs();
    if (this.peek() === '}') {
      this.i++;
      this.frozen.add(t);
      return t;
    }
    for (;;) {
      this.skipWs();
      this.keyValue(t);
      this.skipWs();
      if (this.peek() === ',') {
        this.i++;
        continue;
      }
      if (this.peek() === '}') {
        this.i++;
        this.frozen.add(t);
        return t;
      }
      this.fail('expected "," or "}" in inline table');
    }
  }
}

/** Parses a TOML document; throws TomlError with line and column. */
export function parseToml(text: string): TomlTable {
  return new Parser(text.replace(/^\uFEFF/, '')).parse();
}
