import type { Catalog } from '../checks/catalog.js';
import { evaluateCheck, type FactsCache } from '../checks/evaluate.js';
import type { CheckDef, ProbeDef } from '../checks/types.js';
import type { Bilingual, Evidence, Finding, Target, TargetResult, TransportError } from '../model.js';
import { failedResult } from '../transport/shell.js';
import type { ProbeResult } from '../transport/types.js';
import { matchesAny } from '../util/glob.js';
import { mapLimit } from '../util/pool.js';
import { redact } from '../util/redact.js';
import type { EvidenceStore } from './evidence-store.js';
import type { ProbeSource } from './source.js';

export interface AssessOptions {
  only?: string[];
  store: EvidenceStore;
  /** Probes in flight on one host (ssh channels); sshd's MaxSessions defaults to 10. */
  probeConcurrency?: number;
  /** Whole-host budget in ms; probes not finished by then are recorded as timed out. */
  hostTimeoutMs?: number;
  offline?: boolean;
  onProgress?: (event: {
    target: string;
    done: number;
    total: number;
    phase: 'connect' | 'probe' | 'done';
    error?: TransportError;
  }) => void;
}

export interface TargetAssessment {
  result: TargetResult;
  findings: Finding[];
  evidence: Evidence[];
}

/** A probe still running when the host's budget ends is recorded as timed out (its own timeout kills it later). */
async function raceBudget(collected: Promise<ProbeResult>, leftMs: number, budgetMs: number): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () =>
        resolve(
          failedResult({ kind: 'timeout', message: `host time budget of ${budgetMs} ms ran out during this probe` }),
        ),
      leftMs,
    );
  });
  try {
    return await Promise.race([collected, expired]);
  } finally {
    clearTimeout(timer);
  }
}

export function applicableChecks(catalog: Catalog, target: Target, only?: string[]): CheckDef[] {
  return catalog.checks.filter((c) => c.kinds.includes(target.kind) && matchesAny(c.id, only));
}

function inconclusiveAll(checks: CheckDef[], target: Target, error: TransportError): Finding[] {
  return checks.map((check) =>
    evaluateCheck(check, Object.fromEntries(check.probes.map((p) => [p, failedResult(error)])), {
      targetId: target.id,
      kind: target.kind,
    }),
  );
}

/**
 * Links findings that explain each other on one target, both ways, when either did not pass: a failed body canary
 * and the SecAuditLogRelevantStatus directive that kept the body out ("request body logged: pass" next to "canary:
 * fail" then says why they differ).
 */
export function linkRelated(findings: Finding[], checks: CheckDef[]): void {
  const byCheck = new Map(findings.map((f) => [f.check, f]));
  const add = (f: Finding, check: string, why: Bilingual) => {
    if (f.related?.some((r) => r.check === check)) return;
    f.related = [...(f.related ?? []), { check, why }];
  };
  for (const check of checks) {
    const f = byCheck.get(check.id);
    if (!f) continue;
    for (const r of check.related ?? []) {
      const other = byCheck.get(r.check);
      if (!other || (f.status === 'pass' && other.status === 'pass')) continue;
      add(f, other.check, r.why);
      add(other, f.check, r.why);
    }
  }
}

/** Collects what a target's applicable checks need, once per probe, and evaluates the checks into findings. */
export async function assessTarget(
  target: Target,
  source: ProbeSource,
  catalog: Catalog,
  options: AssessOptions,
): Promise<TargetAssessment> {
  const started = Date.now();
  // Live probes are sent to web targets only: a source that plans nothing itself is never asked one.
  const planned = (id: string) => {
    const probe = catalog.probes.get(id);
    if (!probe) return true;
    return source.plans ? source.plans(probe) : probe.kind !== 'live';
  };
  const checks = applicableChecks(catalog, target, options.only).filter((c) =>
    source.plansCheck ? source.plansCheck(c, planned, (id) => catalog.probes.get(id)) : c.probes.every(planned),
  );
  // A probe's `needs` (what a live probe reads first) are collected with it when the source plans them.
  const probeIds = [...new Set(checks.flatMap((c) => c.probes))].filter(planned);
  // Needs of needs too (the live probes need the configuration, which needs to know which server runs it).
  for (const id of probeIds)
    for (const need of catalog.probes.get(id)?.needs ?? [])
      if (!probeIds.includes(need) && planned(need)) probeIds.push(need);
  const probes = probeIds.map((id) => catalog.probes.get(id)).filter((p): p is ProbeDef => Boolean(p));
  const result: TargetResult = {
    id: target.id,
    kind: target.kind,
    address: target.address,
    transport: target.transport,
    status: 'ok',
    duration_ms: 0,
    checks_run: checks.length,
  };
  const progress = (phase: 'connect' | 'probe' | 'done', done: number, error?: TransportError) =>
    options.onProgress?.({ target: target.id, done, total: probes.length, phase, error });

  progress('connect', 0);
  const openError = await source.open().catch((e: Error): TransportError => ({ kind: 'other', message: e.message }));
  if (openError) {
    await source.close().catch(() => undefined);
    result.status = openError.kind === 'config' ? 'error' : 'unreachable';
    // Target errors reach report.json, the HTML and the terminal: redacted like every finding and evidence record.
    result.error = { ...openError, message: redact(openError.message).text };
    result.duration_ms = Date.now() - started;
    progress('done', 0, openError);
    return { result, findings: inconclusiveAll(checks, target, openError), evidence: [] };
  }

  try {
    const host = await source.describe().catch(() => undefined);
    if (host) result.host = { hostname: host.hostname, os: host.os, kernel: host.kernel };

    const outputs: Record<string, ProbeResult> = {};
    const evidence: Evidence[] = [];
    const deadline = options.hostTimeoutMs ? started + options.hostTimeoutMs : Number.POSITIVE_INFINITY;
    let done = 0;
    const collectOne = async (probe: ProbeDef) => {
      const at = new Date();
      let out: ProbeResult;
      const left = deadline - Date.now();
      if (left <= 0) {
        out = failedResult({
          kind: 'timeout',
          message: `host time budget of ${options.hostTimeoutMs} ms spent before this probe ran`,
        });
      } else {
        const collected = source
          .collect(probe)
          .catch((e: Error) => failedResult({ kind: 'other', message: e.message }));
        out = Number.isFinite(left) ? await raceBudget(collected, left, options.hostTimeoutMs!) : await collected;
      }
      outputs[probe.id] = out;
      // A probe this target's product or platform does not answer produced nothing worth keeping as evidence.
      if (!(out.error?.kind === 'unsupported' && !out.stdout))
        evidence.push(options.store.record(target.id, probe, source.what(probe), out, at));
      progress('probe', ++done);
    };
    if (source.collectAll) {
      // A batch that throws loses no target: every probe it owed becomes an error the findings carry as inconclusive.
      const all = await source.collectAll(probes).catch((e: Error) => {
        const failed = failedResult({ kind: 'other', message: redact(e.message).text });
        return new Map(probes.map((p) => [p.id, failed]));
      });
      for (const probe of probes) {
        const out = all.get(probe.id) ?? failedResult({ kind: 'other', message: 'probe missing from batch answer' });
        outputs[probe.id] = out;
        const own = source.ownEvidence?.(probe.id);
        if (own) evidence.push(...own);
        else if (!(out.error?.kind === 'unsupported' && !out.stdout))
          evidence.push(options.store.record(target.id, probe, source.what(probe), out, new Date()));
      }
    } else {
      // What another probe reads (its `needs`) is answered before that probe is asked.
      const needed = new Set(probes.flatMap((p) => p.needs ?? []));
      await mapLimit(
        probes.filter((p) => needed.has(p.id)),
        options.probeConcurrency ?? 4,
        collectOne,
      );
      await mapLimit(
        probes.filter((p) => !needed.has(p.id)),
        options.probeConcurrency ?? 4,
        collectOne,
      );
    }

    // A probe of a planned check that the source does not ask this target (the Apache half of a ModSecurity check on
    // an nginx target) is an answer of its own kind, not a missing one.
    for (const id of new Set(checks.flatMap((c) => c.probes))) {
      outputs[id] ??= failedResult({ kind: 'unsupported', message: `${id} is not asked of this target` });
    }
    const cache: FactsCache = new Map();
    const evidenceIds: Record<string, string | string[]> = Object.fromEntries(evidence.map((e) => [e.probe, e.id]));
    for (const probe of probes) {
      const own = source.ownEvidence?.(probe.id);
      if (own) evidenceIds[probe.id] = own.map((e) => e.id);
    }
    const findings = checks.flatMap((check) => {
      const f = evaluateCheck(
        check,
        outputs,
        {
          targetId: target.id,
          kind: target.kind,
          offline: options.offline,
          evidenceIds,
          parsers: catalog.parsers,
          probes: catalog.probes,
        },
        cache,
      );
      return source.settle && !source.settle(f, check, outputs) ? [] : [f];
    });
    result.checks_run = findings.length;
    linkRelated(findings, checks);
    if (findings.some((f) => f.status === 'inconclusive' || f.status === 'error')) result.status = 'partial';
    const outcome = source.outcome?.();
    if (outcome?.error) {
      result.error = { ...outcome.error, message: redact(outcome.error.message).text };
      result.status = 'partial';
    }
    if (outcome?.unreachable) result.status = 'unreachable';
    result.duration_ms = Date.now() - started;
    evidence.sort((a, b) => a.probe.localeCompare(b.probe));
    progress('done', done);
    return { result, findings, evidence };
  } finally {
    await source.close().catch(() => undefined);
  }
}
