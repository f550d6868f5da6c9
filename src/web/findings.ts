// Findings of the live web probes. The checks are catalog data (checks/web/live.yaml) decided by the one evaluator
// from each live probe's answer (parsers/web/live.ts); this module only hands the answers to the evaluator.
import type { LogSampleDocument } from '../cost/web-volume.js';
import type { Catalog } from '../checks/catalog.js';
import { evaluateCheck, type FactsCache } from '../checks/evaluate.js';
import type { Finding } from '../model.js';
import type { LandingDocument, TlsDocument } from '../parsers/web/live.js';
import type { ProbeResult } from '../transport/types.js';

/** A live probe's answer as the evaluator reads it: the document in `data`, nothing on stdout. */
export function liveAnswer(data: TlsDocument | LandingDocument | LogSampleDocument, durationMs = 0): ProbeResult {
  return { stdout: '', stderr: '', exitCode: 0, truncated: false, durationMs, data };
}

/** Evaluates every catalog check reading `probe` on one web target, from that probe's answer. */
export function liveFindings(
  catalog: Catalog,
  target: string,
  probe: string,
  answer: ProbeResult,
  evidence: string[],
): Finding[] {
  const cache: FactsCache = new Map();
  return catalog.checks
    .filter((c) => c.probes.length === 1 && c.probes[0] === probe)
    .map((c) =>
      evaluateCheck(
        c,
        { [probe]: answer },
        { targetId: target, kind: 'web', evidenceIds: { [probe]: evidence } },
        cache,
      ),
    );
}
