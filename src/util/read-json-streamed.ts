// Reads a large JSON object document (a fleet's report.json: hundreds of MB) without ever holding its text whole.
// The top-level object is split on its structure, byte by byte, and every top-level value is parsed on its own; a
// top-level array (targets, findings, evidence) is parsed one element at a time. So the only limits are the file's
// size cap and a cap per value, not V8's string limit (~512 MB) or the memory of one giant string beside its objects.
// The structural characters are ASCII and no UTF-8 multi-byte sequence contains an ASCII byte, so splitting on bytes
// never cuts a character. Errors name the file and the line, never the content (see parseJsonText).
import { closeSync, readSync } from 'node:fs';
import { InputError } from './input-error.js';
import { fsReason, openInputFile, parseJsonText, type ReadInputOptions } from './input-file.js';

/** Reads start at 64 KB (a small file or a header costs no more) and grow to 1 MB. */
const FIRST_CHUNK = 64 * 1024;
const CHUNK = 1 << 20;
const [QUOTE, BACKSLASH, OPEN_OBJ, CLOSE_OBJ, OPEN_ARR, CLOSE_ARR, COMMA, COLON] = [
  0x22, 0x5c, 0x7b, 0x7d, 0x5b, 0x5d, 0x2c, 0x3a,
];
const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export interface StreamedJsonOptions extends ReadInputOptions {
  /** The largest single top-level value, or element of a top-level array, in bytes. */
  maxValueBytes: number;
  /**
   * Read only these top-level fields: others are stepped over unparsed (no size cap: nothing is kept), and reading
   * stops once all of them were seen (a header before a large body costs only the header).
   */
  only?: readonly string[];
}

class Bytes {
  private buf = Buffer.alloc(0);
  private pos = 0;
  /** File offset of buf[0]. */
  private base = 0;
  private done = false;

  constructor(
    private readonly fd: number,
    private readonly file: string,
  ) {}

  /** File offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  private fill(): boolean {
    if (this.done) return false;
    const size = this.base === 0 && this.buf.length === 0 ? FIRST_CHUNK : CHUNK;
    const buf = Buffer.allocUnsafe(size);
    let n: number;
    try {
      n = readSync(this.fd, buf, 0, size, null);
    } catch (e) {
      throw new InputError(this.file, `cannot read: ${fsReason(e)}`);
    }
    this.base += this.buf.length;
    this.buf = buf.subarray(0, n);
    this.pos = 0;
    if (n === 0) this.done = true;
    return n > 0;
  }

  /** The next byte that is not white space (not consumed), or -1 at the end. */
  peekToken(): number {
    for (;;) {
      while (this.pos < this.buf.length) {
        const c = this.buf[this.pos]!;
        if (!isSpace(c)) return c;
        this.pos++;
      }
      if (!this.fill()) return -1;
    }
  }

  skip(): void {
    this.pos++;
  }

  /**
   * The bytes of one JSON value starting at the next token (a string, number, literal, object or array), consumed;
   * its validity is left to JSON.parse. Refuses a value over `max` bytes before gathering more of it.
   */
  value(max: number, what: () => string, keep = true): { bytes: Buffer; offset: number } {
    if (this.peekToken() === -1) throw new InputError(this.file, 'invalid JSON: it ends too early');
    const start = this.offset;
    const parts: Buffer[] = [];
    let size = 0;
    let depth = 0;
    let inString = false;
    let escaped = false;
    let first = true;
    let scalar = false;
    for (;;) {
      if (this.pos >= this.buf.length) {
        if (!this.fill()) {
          if (scalar && depth === 0) break;
          throw new InputError(this.file, 'invalid JSON: it ends too early');
        }
      }
      const begin = this.pos;
      let end = -1;
      const b = this.buf;
      for (let i = begin; i < b.length; i++) {
        const c = b[i]!;
        if (first) {
          first = false;
          if (c === QUOTE) inString = true;
          else if (c === OPEN_OBJ || c === OPEN_ARR) depth = 1;
          else scalar = true;
          if (scalar && (c === COMMA || c === CLOSE_OBJ || c === CLOSE_ARR || c === COLON)) {
            throw this.error(this.base + i, 'invalid JSON');
          }
          continue;
        }
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) {
            inString = false;
            if (depth === 0) {
              end = i + 1;
              break;
            }
          }
        } else if (scalar) {
          if (c === COMMA || c === CLOSE_OBJ || c === CLOSE_ARR || isSpace(c)) {
            end = i;
            break;
          }
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_OBJ || c === OPEN_ARR) depth++;
        else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
          if (--depth === 0) {
            end = i + 1;
            break;
          }
        }
      }
      const stop = end === -1 ? b.length : end;
      if (!keep) {
        this.pos = stop;
        if (end !== -1) break;
        continue;
      }
      size += stop - begin;
      if (size > max) throw new InputError(this.file, `${what()} is over the ${mb(max)} limit for one value: refused`);
      parts.push(b.subarray(begin, stop));
      this.pos = stop;
      if (end !== -1) break;
    }
    return { bytes: parts.length === 1 ? parts[0]! : Buffer.concat(parts, size), offset: start };
  }

  error(offset: number, detail: string): InputError {
    return new InputError(this.file, detail, lineAt(this.fd, offset));
  }
}

const mb = (n: number) => `${(n / (1024 * 1024)).toFixed(0)} MB`;

/** 1-based line of a byte offset, counted by reading the file again (only when there is an error to locate). */
function lineAt(fd: number, offset: number): number {
  const buf = Buffer.allocUnsafe(CHUNK);
  let line = 1;
  for (let at = 0; at < offset; ) {
    const n = readSync(fd, buf, 0, Math.min(CHUNK, offset - at), at);
    if (n === 0) break;
    for (let i = 0; i < n; i++) if (buf[i] === 0x0a) line++;
    at += n;
  }
  return line;
}

/** JSON.parse of one value's bytes; an error is located by the file's line, not the value's. */
function parseValue(fd: number, file: string, v: { bytes: Buffer; offset: number }): unknown {
  try {
    return parseJsonText(v.bytes.toString('utf8'), file);
  } catch (e) {
    if (!(e instanceof InputError)) throw e;
    const local = e.line ?? 1;
    throw new InputError(file, e.detail, lineAt(fd, v.offset) + local - 1, local === 1 ? undefined : e.column);
  }
}

/** What follows a value: "," or the closing bracket; anything else (the end of the file included) is located. */
function after(r: Bytes, close: number, where: string): boolean {
  const c = r.peekToken();
  if (c === -1) throw r.error(r.offset, 'invalid JSON: it ends too early');
  r.skip();
  if (c === close) return false;
  if (c !== COMMA) throw r.error(r.offset - 1, `invalid JSON: expected "," or "${String.fromCharCode(close)}"${where}`);
  return true;
}

/** As JSON.parse sets it: an own property even for "__proto__". */
function set(o: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * Reads a file holding one JSON object, top-level value by top-level value (arrays element by element), under the
 * file's size cap and the per-value cap; the same document JSON.parse would give.
 */
export function readJsonObjectStreamed(file: string, opts: StreamedJsonOptions): Record<string, unknown> {
  const { fd } = openInputFile(file, opts);
  try {
    const r = new Bytes(fd, file);
    const expect = (c: number, what: string) => {
      if (r.peekToken() !== c) throw r.error(r.offset, `invalid JSON: expected ${what}`);
      r.skip();
    };
    // A UTF-8 byte-order mark is allowed before the document, as readInputText allows it.
    if (r.peekToken() === 0xef) {
      r.skip();
      r.skip();
      r.skip();
    }
    expect(OPEN_OBJ, 'a JSON object');
    const out: Record<string, unknown> = {};
    if (r.peekToken() === CLOSE_OBJ) r.skip();
    else {
      for (;;) {
        if (r.peekToken() !== QUOTE) throw r.error(r.offset, 'invalid JSON: expected a field name');
        const key = parseValue(
          fd,
          file,
          r.value(64 * 1024, () => 'a field name'),
        ) as string;
        expect(COLON, '":"');
        const what = () => `field "${key}"`;
        if (opts.only && !opts.only.includes(key)) r.value(0, what, false);
        else if (r.peekToken() === OPEN_ARR) {
          r.skip();
          const items: unknown[] = [];
          if (r.peekToken() === CLOSE_ARR) r.skip();
          else {
            for (;;) {
              const at = items.length;
              items.push(
                parseValue(
                  fd,
                  file,
                  r.value(opts.maxValueBytes, () => `${key}[${at}]`),
                ),
              );
              if (!after(r, CLOSE_ARR, ` in ${what()}`)) break;
            }
          }
          set(out, key, items);
        } else set(out, key, parseValue(fd, file, r.value(opts.maxValueBytes, what)));
        if (opts.only?.every((k) => Object.hasOwn(out, k))) return out;
        if (!after(r, CLOSE_OBJ, '')) break;
      }
    }
    if (r.peekToken() !== -1) throw r.error(r.offset, 'invalid JSON: more after the end of the document');
    return out;
  } finally {
    closeSync(fd);
  }
}
