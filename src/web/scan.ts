// The web part of a scan over a whole inventory: every web target assessed (a few at a time), each through the
// transport of the host its `web.host` names, and the report's analyses.web section built from the results.
import type { Catalog } from '../checks/catalog.js';
import type { EvidenceStore } from '../collect/evidence-store.js';
import type { AnalysisSection, Target, WebSummary } from '../model.js';
import { createLocalTransport } from '../transport/local.js';
import { createSshTransport, type SshTransportOptions } from '../transport/ssh.js';
import type { Transport } from '../transport/types.js';
import { matchesAny } from '../util/glob.js';
import { mapLimit } from '../util/pool.js';
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
  ssh?: SshTransportOptions;
}

/** The targets this part of the scan handles: kind web, or any kind that declares `web` settings (a WAF). */
export function isWebTarget(t: Target): boolean {
  return t.kind === 'web' || (t.web !== undefined && t.web.urls.length > 0);
}

function hostTransport(host: Target | undefined, ssh: SshTransportOptions | undefined): Transport | undefined {
  if (!host) return undefined;
  if (host.transport === 'ssh') return createSshTransport(host, ssh);
  if (host.transport === 'local') return createLocalTransport(host.rootdir ? { rootdir: host.rootdir } : {});
  return undefined;
}

export async function assessWebTargets(
  targets: Target[],
  opts: WebScanOptions,
): Promise<{ assessments: WebAssessment[]; section?: AnalysisSection<WebSummary, WebDetails[]> }> {
  const byId = new Map(targets.map((t) => [t.id, t]));
  const web = targets.filter(isWebTarget);
  const assessments = await mapLimit(web, opts.concurrency ?? 4, async (target) => {
    const host = target.web?.host ? byId.get(target.web.host) : undefined;
    const transport = hostTransport(host, opts.ssh);
    try {
      const a = await runWebAssessment({
        target,
        ...(transport ? { hostTransport: transport } : {}),
        active: opts.active,
        runId: opts.runId,
        ...(opts.catalog ? { catalog: opts.catalog } : {}),
        ...(opts.store ? { store: opts.store } : {}),
        sudo: host?.ssh?.sudo ?? false,
      });
      if (opts.only?.length) a.findings = a.findings.filter((f) => matchesAny(f.check, opts.only));
      return a;
    } finally {
      await transport?.close().catch(() => undefined);
    }
  });
  return { assessments, ...(assessments.length > 0 ? { section: summariseWeb(assessments) } : {}) };
}
