// Writes a large JSON document to a file piece by piece, with the layout of JSON.stringify(value, null, 2): a report
// of thousands of targets is never held as one string (for 5,000 hosts that string alone is ~400 MB, close to V8's
// string limit, on top of the objects it came from).
import { closeSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';

/** The pieces of `JSON.stringify(value, null, 2)`: objects and arrays are opened one level at a time, down to `depth`. */
export function* jsonPieces(value: unknown, indent = '', depth = 2): Generator<string> {
  const whole = () => {
    const s = JSON.stringify(value, null, 2);
    return indent ? s.replace(/\n/g, `\n${indent}`) : s;
  };
  if (depth <= 0 || value === null || typeof value !== 'object' || typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    yield whole();
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) return yield '[]';
    yield '[\n';
    for (let i = 0; i < value.length; i++) {
      yield inner;
      const v = value[i];
      // As JSON.stringify does: an element that has no JSON form is null.
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null';
      else yield* jsonPieces(v, inner, depth - 1);
      yield i < value.length - 1 ? ',\n' : '\n';
    }
    yield `${indent}]`;
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol');
  if (entries.length === 0) return yield '{}';
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [k, v] = entries[i]!;
    yield `${inner}${JSON.stringify(k)}: `;
    yield* jsonPieces(v, inner, depth - 1);
    yield i < entries.length - 1 ? ',\n' : '\n';
  }
  yield `${indent}}`;
}

/**
 * Writes `value` as indented JSON (and a final newline) through a temporary file renamed into place, so a failed
 * write never leaves a half-written file that a later reader (trend, diff) would take for a report.
 */
export function writeJsonFile(file: string, value: unknown, mode = 0o640): void {
  const tmp = `${file}.partial`;
  const fd = openSync(tmp, 'w', mode);
  try {
    let buf: string[] = [];
    let len = 0;
    const flush = () => {
      if (len) writeSync(fd, buf.join(''));
      buf = [];
      len = 0;
    };
    for (const piece of jsonPieces(value)) {
      buf.push(piece);
      len += piece.length;
      if (len > 1 << 20) flush();
    }
    buf.push('\n');
    len++;
    flush();
    closeSync(fd);
    renameSync(tmp, file);
  } catch (e) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    rmSync(tmp, { force: true });
    throw e;
  }
}
