// Web targets of an inventory assessed on their own (a few at a time), each through the host its `web.host` names,
// with the analyses.web view built from the results. A scan does the same through collectAndEvaluate (src/scan.ts).
import type { Catalog } from '../checks/catalog.js';
import type { EvidenceStore } from '../collect/evidence-store.js';
import type { AnalysisSection, Target, WebSummary } from '../model.js';
import type { HostKeyOptions } from '../transport/open.js';
import { mapLimit } from '../util/pool.js';
import { isWebTarget, webHostTransport } from './host.js';
import { runWebAssessment, type WebAssessment, type WebDetails } from './assess.js';
import { summariseWeb } from './summary.js';

export interface WebScanOptions {
  active: boolean;
  runId: string;
  catalog?: Catalog;
  store?: EvidenceStore;
  /** Check id globs (--only): other findings are dropped. */
  only?: string[];
  /** Web targets assessed at once (each sends its live requests one at a time). */
  concurrency?: number;
  /** Host-key policy for the hosts named by `web.host` (the same factory as every other SSH path). */
  ssh?: HostKeyOptions;
}

export async function assessWebTargets(
  targets: Target[],
  opts: WebScanOptions,
): Promise<{ assessments: WebAssessment[]; section?: AnalysisSection<WebSummary, WebDetails[]> }> {
  const byId = new Map(targets.map((t) => [t.id, t]));
  const web = targets.filter(isWebTarget);
  const assessments = await mapLimit(web, opts.concurrency ?? 4, async (target) => {
    const host = target.web?.host ? byId.get(target.web.host) : undefined;
    const transport = webHostTransport(host, opts.ssh);
    try {
      const a = await runWebAssessment({
        target,
        ...(transport ? { hostTransport: transport } : {}),
        active: opts.active,
        runId: opts.runId,
        ...(opts.catalog ? { catalog: opts.catalog } : {}),
        ...(opts.store ? { store: opts.store } : {}),
        sudo: host?.ssh?.sudo ?? false,
        // Only the probes the selected checks need are sent (no canary when --only names TLS checks).
        ...(opts.only?.length ? { only: opts.only } : {}),
      });
      return a;
    } finally {
      await transport?.close().catch(() => undefined);
    }
  });
  return { assessments, ...(assessments.length > 0 ? { section: summariseWeb(assessments) } : {}) };
}

export { isWebTarget, webHostTransport } from './host.js';
