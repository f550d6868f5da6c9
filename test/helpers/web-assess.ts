// Web targets assessed in tests the way a scan assesses them, and only that way: openSource (the factory the scan's
// planLive calls, with its one host-key policy and its lookup of `web.host` among the inventory's targets) opens the
// WebProbeSource, assessTarget collects and evaluates with the one evaluator (the call collectAndEvaluate makes), and
// analyses.web is built by the scan's summariseWeb. No test reaches a web finding through any other path.
import { type Catalog, loadCatalog } from '../../src/checks/catalog.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import { openSource, type WebLiveTuning } from '../../src/collect/open-source.js';
import type { AnalysisSection, Target, WebSummary } from '../../src/model.js';
import type { HostKeyOptions } from '../../src/transport/open.js';
import { mapLimit } from '../../src/util/pool.js';
import { isWebTarget } from '../../src/web/host.js';
import { WebProbeSource } from '../../src/web/source.js';
import { summariseWeb, type WebAssessment } from '../../src/web/summary.js';
import type { WebDetails } from '../../src/web/web-facts.js';

export interface WebAssessOptions {
  /** The inventory's targets: where `web.host` is looked up (the web target itself need not be listed). */
  targets?: Target[];
  active: boolean;
  runId: string;
  /** Timing and trust of the live probes (shorter waits, the test CA). */
  live?: WebLiveTuning;
  catalog?: Catalog;
  /** Check id globs (--only). */
  only?: string[];
  store?: EvidenceStore;
  /** The run's host-key policy (pinned keys need none). */
  hostKeys?: HostKeyOptions;
}

let shipped: Catalog | undefined;
const shippedCatalog = (): Catalog => {
  shipped ??= loadCatalog();
  return shipped;
};

/** One web target through the scan's path; never throws for the target's failures, as a scan does not. */
export async function assessWeb(target: Target, opts: WebAssessOptions): Promise<WebAssessment> {
  const source = openSource(target, {
    ...(opts.hostKeys ?? {}),
    web: {
      targets: opts.targets ?? [target],
      active: opts.active,
      runId: opts.runId,
      ...(opts.live ? { live: opts.live } : {}),
    },
  });
  if (!(source instanceof WebProbeSource)) throw new Error(`${target.id} is not opened as a web target`);
  const catalog = opts.catalog ?? shippedCatalog();
  const a = await assessTarget(target, source, catalog, {
    store: opts.store ?? new EvidenceStore(undefined),
    ...(opts.only ? { only: opts.only } : {}),
  });
  return { target: target.id, result: a.result, findings: a.findings, evidence: a.evidence, details: source.details() };
}

/** Every web target of an inventory, a few at a time, and the analyses.web section the scan builds from them. */
export async function assessWebTargets(
  targets: Target[],
  opts: Omit<WebAssessOptions, 'targets'> & { concurrency?: number },
): Promise<{ assessments: WebAssessment[]; section?: AnalysisSection<WebSummary, WebDetails[]> }> {
  const web = targets.filter(isWebTarget);
  const assessments = await mapLimit(web, opts.concurrency ?? 4, (t) => assessWeb(t, { ...opts, targets }));
  return { assessments, ...(assessments.length > 0 ? { section: summariseWeb(assessments) } : {}) };
}
