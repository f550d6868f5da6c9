// Serialises a large JSON document piece by piece (for writeOutputFile), with the layout of JSON.stringify(value, null,
// 2): a report
// of thousands of targets is never held as one string (for 5,000 hosts that string alone is ~400 MB, close to V8's
// string limit, on top of the objects it came from).
/**
 * An array whose items are produced while it is written (a scan's findings read back from disk, target by target):
 * written exactly as the array would be, never held whole.
 */
export class StreamedArray<T> {
  constructor(readonly items: () => Iterable<T>) {}
}

/**
 * The pieces of `JSON.stringify(value, null, 2)`: objects and arrays are opened one level at a time, down to `depth`.
 */
export function* jsonPieces(value: unknown, indent = '', depth = 2): Generator<string> {
  if (value instanceof StreamedArray) {
    const inner = `${indent}  `;
    let first = true;
    for (const v of value.items()) {
      yield first ? '[\n' : ',\n';
      first = false;
      yield inner;
      if (v === undefined || typeof v === 'function' || typeof v === 'symbol') yield 'null';
      else yield* jsonPieces(v, inner, depth - 1);
    }
    yield first ? '[]' : `\n${indent}]`;
    return;
  }
  const whole = () => {
    const s = JSON.stringify(value, null, 2);
    return indent ? s.replace(/\n/g, `\n${indent}`) : s;
  };
  if (
    depth <= 0 ||
    value === null ||
    typeof value !== 'object' ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
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
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && typeof v !== 'function' && typeof v !== 'symbol',
  );
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

/** The pieces of `JSON.stringify(value, null, 2)` and a final newline, for writeOutputFile. */
export function* jsonFilePieces(value: unknown): Generator<string> {
  yield* jsonPieces(value);
  yield '\n';
}
