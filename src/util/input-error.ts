/** An input problem, always naming the file and, where known, the line, column and field. */
export class InputError extends Error {
  override name = 'InputError';
  constructor(
    readonly file: string,
    readonly detail: string,
    readonly line?: number,
    readonly column?: number,
    readonly field?: string,
  ) {
    super(`${file}${line ? `:${line}${column ? `:${column}` : ''}` : ''}: ${field ? `${field}: ` : ''}${detail}`);
  }
}
