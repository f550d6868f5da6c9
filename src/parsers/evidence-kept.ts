// What is written of a probe's answer (evidence files, a finding's excerpt). Most answers are kept whole and redacted
// by key names; a few lists hold secrets under names no text rule can know (`{"name": "ph_0", "value": …}`, an
// asset's `configuration.key`), so they are kept reduced to the fields their parser reads: a replay of the stored
// evidence parses the same facts.
import type { ProbeResult } from '../transport/types.js';
import { SOAR_EVIDENCE_KEPT } from './products/soar-integrations.js';

const KEPT: Readonly<Record<string, (body: unknown) => unknown>> = SOAR_EVIDENCE_KEPT;

/**
 * The probe's stdout as it may be stored: reduced when the probe has a reduction and the answer is whole JSON of the
 * expected shape, else unchanged (a cut or unexpected answer is then redacted as text like any other).
 */
export function keptOutput(probeId: string, result: Pick<ProbeResult, 'stdout' | 'truncated'>): string {
  const reduce = KEPT[probeId];
  if (!reduce || result.truncated || !result.stdout) return result.stdout;
  let parsed: unknown;
  try {
    parsed = JSON.parse(result.stdout);
  } catch {
    return result.stdout;
  }
  const reduced = reduce(parsed);
  return reduced === undefined ? result.stdout : `${JSON.stringify(reduced, null, 2)}\n`;
}
