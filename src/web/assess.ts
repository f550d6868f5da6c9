// One web target assessed through the one per-target path: a WebProbeSource (its host's configuration, the TLS
// handshake and, with --active, the live probes) collected and evaluated by collect/assess-target.ts.
import type { Catalog } from '../checks/catalog.js';
import { loadCatalog } from '../checks/catalog.js';
import { assessTarget } from '../collect/assess-target.js';
import { EvidenceStore } from '../collect/evidence-store.js';
import type { Evidence, Finding, Target, TargetResult } from '../model.js';
import type { Transport } from '../transport/types.js';
import { WebProbeSource, type WebSourceOptions } from './source.js';
import type { WebDetails } from './web-facts.js';

export {
  SSH_RDP_NOTE,
  type ServerFacts,
  serverFacts,
  logSourcesFrom,
  type WebDetails,
  webProbeCommand,
} from './web-facts.js';

export interface WebAssessmentOptions extends Omit<WebSourceOptions, 'hostTransport' | 'ownsHostTransport'> {
  target: Target;
  /** Transport to the ssh/local target named by `web.host` (configuration and logs); absent: outside view only. */
  hostTransport?: Transport;
  /** The assessment closes the host transport (default: the caller does). */
  ownsHostTransport?: boolean;
  catalog?: Catalog;
  /** Records evidence (and writes it redacted when it has a run folder). */
  store?: EvidenceStore;
  /** Check id globs (--only). */
  only?: string[];
}

export interface WebAssessment {
  target: string;
  /** Same shape as the other targets' results, so a scan can list web targets beside hosts. */
  result: TargetResult;
  findings: Finding[];
  evidence: Evidence[];
  details: WebDetails;
}

/**
 * Assesses one web target. Never throws for the target's failures: an unreachable host or server, a failed handshake
 * or an unreadable log becomes an inconclusive finding with its reason.
 */
export async function runWebAssessment(opts: WebAssessmentOptions): Promise<WebAssessment> {
  const { target, catalog = loadCatalog(), store = new EvidenceStore(undefined), only, ...sourceOptions } = opts;
  const source = new WebProbeSource(target, sourceOptions);
  const a = await assessTarget(target, source, catalog, { store, ...(only ? { only } : {}) });
  return { target: target.id, result: a.result, findings: a.findings, evidence: a.evidence, details: source.details() };
}
