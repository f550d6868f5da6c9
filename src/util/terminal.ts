/**
 * Text from audited hosts (ids from evidence files, error messages quoting a server's answer, sudo's stderr) reaches
 * the terminal: control characters would let it move the cursor, rewrite lines or change colours, and bidirectional
 * controls would let it show something else than what it holds (Trojan Source, CVE-2021-42574).
 */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;
/** Embeddings and overrides (U+202A-202E), isolates (U+2066-2069), the LRM/RLM and ALM marks: never shown. */
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;
/** Everything a terminal or a viewer may break a line at (NEL is a C1 control, the separators are Unicode's). */
const LINE_BREAK = /\r\n|[\n\r\u000b\u000c\u0085\u2028\u2029]/g;

/** Multi-line text (a message, a block of lines): newlines and tabs stay, other controls show as U+FFFD. */
export function terminalSafe(text: string): string {
  return text.replace(BIDI, '').replace(CONTROL, '\uFFFD');
}

/**
 * A one-line field (an id, a title, a table cell, a progress line): a line break shows as ⏎ and a tab as a space, so a
 * hostile value can never start a line of its own that reads like socready's output.
 */
export function terminalLine(text: string): string {
  return terminalSafe(text.replace(LINE_BREAK, ' ⏎ ').replace(/\t/g, ' '));
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
