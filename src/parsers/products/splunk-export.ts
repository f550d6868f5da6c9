// Splunk's search export (`output_mode=json`): one JSON object per line, `{ result: {...} }` per row, `{ messages }`
// for the search's own notes; a FATAL or ERROR message means the search failed, not that it found nothing.
import { InconclusiveError } from '../../checks/types.js';

type ExportLine = { result?: Record<string, unknown>; messages?: { type?: string; text?: string }[] };

/** Each row's `result` with its 1-based line; `fail` builds the error for a bad line or a failed search. */
export function splunkExportRows(
  text: string,
  probe: string,
  fail: (message: string) => Error = (m) => new InconclusiveError(m),
): { line: number; result: Record<string, unknown> }[] {
  const rows: { line: number; result: Record<string, unknown> }[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let row: ExportLine;
    try {
      row = JSON.parse(line) as ExportLine;
    } catch (e) {
      throw fail(`${probe}: line ${i + 1} is not JSON (${(e as Error).message})`);
    }
    const fatal = row.messages?.find((m) => m.type === 'FATAL' || m.type === 'ERROR');
    if (fatal) throw fail(`${probe}: the search failed: ${fatal.text}`);
    if (row.result) rows.push({ line: i + 1, result: row.result });
  });
  return rows;
}
