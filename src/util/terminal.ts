/**
 * Text from audited hosts (ids from evidence files, error messages quoting a server's answer, sudo's stderr) reaches
 * the terminal: control characters would let it move the cursor, rewrite lines or change colours.
 */
export function terminalSafe(text: string): string {
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g, '\uFFFD');
}

/**
 * A copy of a document (a report) with terminalSafe applied to every string, keys included: the text formats
 * (terminal summary, Markdown, JUnit, SARIF, HDF) render from it, so an ESC byte in evidence, a host name or a rule
 * title reaches no terminal, job summary or CI viewer. (XML 1.0 cannot even carry most control characters.)
 */
export function controlFree<T>(value: T): T {
  if (typeof value === 'string') return terminalSafe(value) as T;
  if (Array.isArray(value)) return value.map((v) => controlFree(v)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[terminalSafe(k)] = controlFree(v);
    return out as T;
  }
  return value;
}
