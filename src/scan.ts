import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ensureOutputDir, writeOutputFile } from './util/output-file.js';
import { join, resolve } from 'node:path';
import { loadCatalog, type Catalog } from './checks/catalog.js';
import { assessTarget, applicableChecks, type TargetAssessment } from './collect/assess-target.js';
import { EvidenceStore } from './collect/evidence-store.js';
import { TargetSpill } from './collect/spill.js';
import {
  EvidenceProbeSource,
  evidenceTargetId,
  listEvidenceFiles,
  readEvidenceHeader,
  readOfflineEvidence,
} from './collect/offline.js';
import { openSource } from './collect/open-source.js';
import type { ProbeSource } from './collect/source.js';
import type { Evidence, Report, Target, TransportError } from './model.js';
import { evaluateCheck } from './checks/evaluate.js';
import { type AnalyseOptions, completeReport, SECURITY_ANALYTICS_PROBES, SIEM_RULE_PROBES } from './analyse.js';
import { SIEM_ALERT_PROBES, siemAlertSection } from './rules/siem-alerts.js';
import { evidenceBody } from './rules/siem-api.js';
import { SOURCE_HEALTH_PROBES, sourceHealthFromEvidence } from './parsers/products/source-health.js';
import { volumeFactsOnly } from './cost/index.js';
import { loopFactsOnly } from './playbook/loop.js';
import { failedResult } from './transport/shell.js';
import { mapLimit } from './util/pool.js';
import { InputError } from './util/validate.js';
import { WebProbeSource } from './web/source.js';
import { summariseWeb, type WebAssessment } from './web/summary.js';
import type { WebDetails } from './web/web-facts.js';
import type { HostKeyOptions } from './transport/open.js';
import { VERSION } from './version.js';
import { jsonFilePieces } from './util/write-json.js';
import { withCheckText } from './report/check-text.js';
import { catalogDigest, planDigest } from './shard/digest.js';
import { inShard, type ShardSpec } from './shard/select.js';

export interface ScanOptions extends AnalyseOptions {
  concurrency?: number;
  only?: string[];
  /** Evaluate offline evidence files (a file or a folder) instead of reaching targets. */
  evidencePath?: string;
  /** Read evidence files that are symbolic links (--follow-symlinks); refused otherwise. */
  followSymlinks?: boolean;
  trustOnFirstUse?: boolean;
  /** known_hosts used when a target has neither a pin nor its own (default ~/.ssh/known_hosts). */
  knownHostsFallback?: string;
  /** Send the harmless live web probes (canary, WAF probe). */
  active?: boolean;
  catalogRoot?: string;
  options?: Record<string, unknown>;
  /** No inventory names the organisation: title the report with the hosts the evidence came from. */
  titleFromEvidence?: boolean;
  /**
   * Return the report with slim findings (the fields the analyses read) and without the spilled evidence, so memory
   * stays bounded for any estate; report.json is written in full either way. Off by default: callers get the whole
   * report, which the HTML and PDF renderers need.
   */
  slimReport?: boolean;
  /** `--shard i/n`: assess this share of the targets only and write a partial report for `merge` (src/shard/). */
  shard?: { spec: ShardSpec; inventoryDigest: string };
}

/** "db-07" or "db-07, web-03" (at most three names, then a count), from the evidence targets' sanitised ids. */
export function evidenceHostsTitle(ids: string[]): string {
  const shown = ids.slice(0, 3).join(', ');
  return ids.length > 3 ? `${shown} (+${ids.length - 3})` : shown || 'offline evidence';
}

export function newRunId(now = new Date()): string {
  return `${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z')}-${randomBytes(4).toString('hex')}`;
}

interface PlannedTarget {
  target: Target;
  /**
   * A source to collect from, a transport this target cannot use, or an input that could not be read at all: opened
   * only for the targets this run assesses.
   */
  open: () => ProbeSource | { unsupported: string } | { failed: TransportError };
  /** The id its shard is chosen by: its own, or for a database replayed from a host's file, the host's (one reader). */
  shardKey: string;
  /** The input that could not be read, reported only by the run that assesses this target. */
  problem?: InputError;
  /** Reads the whole input once planning knows this run assesses the target: its problem, if any. */
  verify?: () => InputError | undefined;
}

/** The one host-key policy of a run, handed to every path that opens SSH. */
export function hostKeyOptions(opts: ScanOptions): HostKeyOptions {
  return {
    trustOnFirstUse: Boolean(opts.trustOnFirstUse),
    ...(opts.knownHostsFallback ? { knownHostsFallback: opts.knownHostsFallback } : {}),
    onTofu: (id, fp) => opts.progress?.note(`${id}: host key accepted on first use: ${fp} (pin it as ssh.host_key)`),
  };
}

function planLive(opts: ScanOptions, runId: string): PlannedTarget[] {
  // Every kind the same way: web targets too (configuration through their host, TLS and live probes from outside).
  const web = { targets: opts.inventory.targets, active: Boolean(opts.active), runId };
  return opts.inventory.targets.map((target) => ({
    target,
    open: () =>
      openSource(target, {
        ...hostKeyOptions(opts),
        web,
        ...(opts.now ? { now: opts.now } : {}),
        ...(opts.env ? { env: opts.env } : {}),
      }),
    shardKey: target.id,
  }));
}

function planEvidence(path: string, followSymlinks = false): PlannedTarget[] {
  const seen = new Set<string>();
  return listEvidenceFiles(path).flatMap((file, i): PlannedTarget[] => {
    let header: { id: string; platform: 'linux' | 'windows'; hostname?: string; databases?: string[] } | undefined;
    let error: InputError | undefined;
    try {
      // Only the header, for the id (every shard plans every file): the probes are read when the file is assessed.
      const data = readEvidenceHeader(file, { followSymlinks });
      header = {
        id: evidenceTargetId(file, data),
        platform: data.platform,
        hostname: data.host.hostname,
        ...(data.databases ? { databases: data.databases } : {}),
      };
    } catch (e) {
      if (!(e instanceof InputError)) throw e;
      error = e;
    }
    let id = header?.id ?? evidenceTargetId(file, { host: {} } as never);
    while (seen.has(id)) id = `${id}-${i}`;
    seen.add(id);
    const target: Target = {
      id,
      kind: header?.platform ?? 'linux',
      address: header?.hostname || id,
      transport: 'evidence',
      tags: ['offline'],
    };
    if (error)
      return [
        {
          target,
          open: () => ({ failed: { kind: 'config' as const, message: error.message } }),
          shardKey: id,
          problem: error,
        },
      ];
    // A database the script read on this host is a database target of its own, replayed from the same file.
    const databases = (header?.databases ?? []).map((product) => {
      const db: Target = {
        id: `${id}-${product}`,
        kind: 'database',
        address: target.address,
        transport: 'evidence',
        tags: ['offline'],
        database: { product: product as 'postgresql', host: id },
      };
      return { target: db, open: () => new EvidenceProbeSource(file, { followSymlinks, product }), shardKey: id };
    });
    const verify = () => {
      try {
        // Read whole and dropped: a file whose probes are broken is a problem of the run that assesses it.
        readOfflineEvidence(file, { followSymlinks });
        return undefined;
      } catch (e) {
        if (!(e instanceof InputError)) throw e;
        return e;
      }
    };
    return [
      { target, open: () => new EvidenceProbeSource(file, { followSymlinks }), shardKey: id, verify },
      ...databases,
    ];
  });
}

function failedAssessment(target: Target, error: TransportError): TargetAssessment {
  return {
    result: {
      id: target.id,
      kind: target.kind,
      address: target.address,
      transport: target.transport,
      status: 'error',
      error,
      duration_ms: 0,
      checks_run: 0,
    },
    findings: [],
    evidence: [],
  };
}

function unsupportedAssessment(target: Target, catalog: Catalog, reason: string, only?: string[]): TargetAssessment {
  const error = { kind: 'unsupported' as const, message: reason };
  const findings = applicableChecks(catalog, target, only).map((check) =>
    evaluateCheck(check, Object.fromEntries(check.probes.map((p) => [p, failedResult(error)])), {
      targetId: target.id,
      kind: target.kind,
    }),
  );
  return {
    result: {
      id: target.id,
      kind: target.kind,
      address: target.address,
      transport: target.transport,
      status: 'error',
      error,
      duration_ms: 0,
      checks_run: findings.length,
    },
    findings,
    evidence: [],
  };
}

/** A target's assessment, with what the analyses.web view shows when it is a web target. */
export interface ScanAssessment extends TargetAssessment {
  web?: WebDetails;
  /** Its place in the whole estate's plan (all shards together). */
  position: number;
}

/** The estate's plan (every target, in order) and the share of it this run assesses (all of it unless sharded). */
export interface ScanPlan {
  ids: string[];
  mine: (PlannedTarget & { position: number })[];
}

export function planScan(opts: ScanOptions, runId: string, problems: InputError[] = []): ScanPlan {
  const planned = opts.evidencePath ? planEvidence(opts.evidencePath, opts.followSymlinks) : planLive(opts, runId);
  const mine = planned
    .map((p, position) => ({ ...p, position }))
    .filter((p) => inShard(p.shardKey, opts.shard?.spec))
    .map((p) => {
      const problem = p.problem ?? p.verify?.();
      if (!problem || p.problem) return p;
      return { ...p, problem, open: () => ({ failed: { kind: 'config' as const, message: problem.message } }) };
    });
  for (const p of mine) if (p.problem) problems.push(p.problem);
  return { ids: planned.map((p) => p.target.id), mine };
}

/**
 * inventory -> collect -> evaluate: every target assessed under a concurrency bound; one failing host loses nothing
 * else.
 */
export async function collectAndEvaluate(
  opts: ScanOptions,
  runDir: string | undefined,
  catalog: Catalog,
  problems: InputError[] = [],
  runId: string = newRunId(),
  plan: ScanPlan = planScan(opts, runId, problems),
  spill?: TargetSpill,
): Promise<ScanAssessment[]> {
  const store = new EvidenceStore(runDir);
  const planned = plan.mine;
  opts.progress?.start(planned.length);
  return mapLimit(planned, opts.concurrency ?? 32, async ({ target, open, position }) => {
    let assessment: TargetAssessment & { web?: WebDetails };
    try {
      const source = open();
      if ('failed' in source) assessment = failedAssessment(target, source.failed);
      else if ('unsupported' in source)
        assessment = unsupportedAssessment(target, catalog, source.unsupported, opts.only);
      else {
        assessment = await assessTarget(target, source, catalog, {
          only: opts.only,
          store,
          // Evidence files ran their commands: only a mounted image lacks them.
          offline: Boolean(target.rootdir),
          hostTimeoutMs: target.timeout ? target.timeout * 1000 : undefined,
          onProgress: (e) => opts.progress?.update(e),
        });
        if (source instanceof WebProbeSource) assessment.web = source.details();
      }
    } catch (e) {
      // A bug or a full disk on one target is recorded on that target; the rest of the fleet goes on.
      assessment = failedAssessment(target, { kind: 'other', message: (e as Error).message });
    }
    opts.progress?.finish(assessment);
    // A finished target goes to disk; web targets stay whole (analyses.web reads their findings and evidence).
    return { ...(spill ? spill.put(assessment, !assessment.web) : assessment), position };
  });
}

/** The run's mode as the report records it: merge recomputes nothing here, it checks the shards agree. */
function runMode(opts: ScanOptions): Report['run']['mode'] {
  if (opts.evidencePath) return 'evidence';
  return opts.inventory.targets.every((t) => t.transport === 'local') ? 'local' : 'live';
}

/** analyses.web is a view of the web targets' findings, evidence and what their live probes saw. */
export function webSection(details: WebDetails[]): Report['analyses'] {
  return details.length > 0 ? { web: summariseWeb(details.map((d) => ({ details: d }) as WebAssessment)) } : {};
}

/**
 * The run folder's spill file (scan and merge): the SIEM's rule and alert-count answers are read again after
 * collection (coverage, the SOAR gate's alert volume), so they are kept aside when their target is spilled; so are the
 * observed facts the cost forecast and the loop read.
 */
export function runSpill(runDir: string): TargetSpill {
  // The SIEM's rule, alert-count and source-health answers are read again after collection (coverage and its blind
  // rules, the SOAR gate's alert volume): kept aside when their target is spilled; so are the observed facts the
  // cost forecast and the loop read.
  return new TargetSpill(
    join(runDir, '.targets.ndjson'),
    (e) => [SIEM_RULE_PROBES, SIEM_ALERT_PROBES, SOURCE_HEALTH_PROBES].some((set) => set.has(e.probe)),
    (f) => volumeFactsOnly(f) ?? loopFactsOnly(f),
  );
}

/** One whole run: writes reports/<run>/report.json (and evidence) and returns the report. */
export async function runScan(opts: ScanOptions): Promise<{ report: Report; runDir: string; problems: InputError[] }> {
  const started = new Date();
  const runId = newRunId(started);
  const runDir = resolve(opts.outDir, runId);
  ensureOutputDir(runDir, 0o750);
  const catalog = loadCatalog(opts.catalogRoot);
  for (const problem of catalog.problems) opts.progress?.note(`check catalog: ${problem.message}`);

  const problems: InputError[] = [];
  const spill = runSpill(runDir);
  try {
    return await scanWith(opts, { started, runId, runDir, catalog, problems, spill });
  } finally {
    spill.dispose();
  }
}

async function scanWith(
  opts: ScanOptions,
  run: { started: Date; runId: string; runDir: string; catalog: Catalog; problems: InputError[]; spill: TargetSpill },
): Promise<{ report: Report; runDir: string; problems: InputError[] }> {
  const { started, runId, runDir, catalog, problems, spill } = run;
  const plan = planScan(opts, runId, problems);
  const assessments = (await collectAndEvaluate(opts, runDir, catalog, problems, runId, plan, spill)).sort(
    (a, b) => a.position - b.position,
  );
  const titleFromEvidence = Boolean(opts.titleFromEvidence && opts.evidencePath);
  const report: Report = {
    schema_version: '1.0',
    tool: { name: 'socready', version: VERSION },
    run: {
      id: runId,
      started_at: started.toISOString(),
      finished_at: started.toISOString(),
      organization: titleFromEvidence ? evidenceHostsTitle(plan.ids) : opts.inventory.organization,
      inventory: opts.inventory.source,
      mode: runMode(opts),
      options: { ...opts.options, only: opts.only, active: Boolean(opts.active) },
    },
    targets: assessments.map((a) => a.result),
    findings: assessments.flatMap((a) => a.findings),
    evidence: assessments.flatMap((a) => a.evidence),
    analyses: webSection(assessments.flatMap((a) => (a.web ? [a.web] : []))),
  };
  if (opts.shard) {
    // A shard stops after evaluate: the analyses read the whole estate, so `merge` runs them once over all shards.
    report.run.shard = {
      index: opts.shard.spec.index,
      count: opts.shard.spec.count,
      inventory_digest: opts.shard.inventoryDigest,
      catalog_digest: catalogDigest(catalog),
      plan_digest: planDigest(plan.ids),
      plan_size: plan.ids.length,
      hosts_only: Boolean(opts.hostsOnly),
      title_from_evidence: titleFromEvidence,
      blocks: assessments.map((a) => ({
        position: a.position,
        findings: a.findings.length,
        // A spilled target's evidence is on disk: its count is the spill's.
        evidence: spill.evidenceCount(a.result) ?? a.evidence.length,
      })),
    };
  } else {
    await completeReport(report, { ...opts, ...siemRules(report, runDir, spill.kept) });
  }
  report.run.finished_at = new Date().toISOString();
  // Piece by piece, each target's findings and evidence read back from the spill file: a report of 5,000 hosts as
  // one string is ~400 MB (near V8's string limit), and as objects several times that.
  writeOutputFile(join(runDir, 'report.json'), jsonFilePieces(withCheckText(spill.streamed(report))), { mode: 0o640 });
  return { report: opts.slimReport ? report : spill.hydrate(report), runDir, problems };
}

/** The rules the SIEM runs, as its API answered them (stored evidence), join the coverage as the organisation's. */
export function siemRules(
  report: Report,
  runDir: string,
  kept: Evidence[] = [],
): Pick<AnalyseOptions, 'siemRulePaths' | 'siemHealth'> {
  // What those rules raised over 30 days (stored evidence): the SOAR gate's measured alert volume.
  const alertAnswers = [...report.evidence, ...kept].filter(
    (e) => SIEM_ALERT_PROBES.has(e.probe) && !e.error && e.file,
  );
  if (alertAnswers.length > 0)
    report.analyses.siem_alerts = siemAlertSection(
      alertAnswers.map((e) => {
        // Sentinel counts alerts per analytics rule id: the same target's alertRules answer names the rules.
        const rules = [...report.evidence, ...kept].find(
          (r) => r.target === e.target && r.probe === 'sentinel-alert-rules' && !r.error && r.file,
        );
        return {
          target: e.target,
          probe: e.probe,
          text: readFileSync(join(runDir, e.file!), 'utf8'),
          ...(e.probe === 'sentinel-alert-counts' && rules
            ? { rulesText: readFileSync(join(runDir, rules.file!), 'utf8') }
            : {}),
        };
      }),
    );
  const answers = [...report.evidence, ...kept].filter((e) => SIEM_RULE_PROBES.has(e.probe) && !e.error && e.file);
  const sa = new Set<string>(SECURITY_ANALYTICS_PROBES);
  const paths = answers.filter((e) => !sa.has(e.probe)).map((e) => join(runDir, e.file!));
  paths.push(...securityAnalyticsFiles(answers, runDir));
  if (paths.length === 0) return {};
  // Where the SIEMs' events arrive (stored answers): the coverage joins the rules with it (blind rules).
  const health = [...report.evidence, ...kept]
    .filter((e) => SOURCE_HEALTH_PROBES.has(e.probe) && !e.error && e.file)
    .map((e) => ({ target: e.target, probe: e.probe, text: readFileSync(join(runDir, e.file!), 'utf8') }));
  return { siemRulePaths: paths, ...(health.length > 0 ? { siemHealth: sourceHealthFromEvidence(health) } : {}) };
}

/**
 * OpenSearch Security Analytics: a rule counts only through the detector that runs it, so per target the three
 * answers (detectors, pre-packaged and custom rules) are joined into one file the rule reader reads whole. A target
 * missing one of them (denied, failed) adds nothing: its check already says why.
 */
function securityAnalyticsFiles(answers: Evidence[], runDir: string): string[] {
  const out: string[] = [];
  for (const target of new Set(answers.map((e) => e.target))) {
    const byProbe = new Map(answers.filter((e) => e.target === target).map((e) => [e.probe, e]));
    if (!SECURITY_ANALYTICS_PROBES.every((p) => byProbe.has(p))) continue;
    const [detectors, prePackaged, custom] = SECURITY_ANALYTICS_PROBES.map((p) =>
      evidenceBody(readFileSync(join(runDir, byProbe.get(p)!.file!), 'utf8')),
    );
    const file = join(runDir, `siem-rules-${target.replace(/[^A-Za-z0-9._-]/g, '_')}-security-analytics.json`);
    writeOutputFile(
      file,
      `{"security_analytics":{"detectors":${detectors},"rules":{"pre_packaged":${prePackaged},"custom":${custom}}}}`,
      { mode: 0o640 },
    );
    out.push(file);
  }
  return out;
}
