// Targets stream through the pipeline: as each target finishes, its findings and evidence records are written to a
// file in the run folder and only what the analyses and the score read stays in memory (a slim finding per finding,
// no evidence). report.json is then written by reading each target back, one at a time, so a scan's memory is bounded
// by its concurrency and the slim findings, not by the size of every finding of the estate (5,000 evidence files
// held 468 MB before). The spill file is removed once report.json is written.
import { closeSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import type { Evidence, Finding, Report, TargetResult } from '../model.js';
import { StreamedArray } from '../util/write-json.js';
import type { TargetAssessment } from './assess-target.js';

/**
 * The finding fields the analyses after evaluation read (source map, coverage visibility, blind-spot map, waivers,
 * score, gates, terminal summary). Everything else (rationale, remediation, excerpt, observed, decisive lines,
 * explanation, evidence ids...) is read back from the spill file when report.json is written.
 */
const SLIM_FIELDS = [
  'check',
  'target',
  'status',
  'area',
  'severity',
  'weight',
  'title',
  'fail_title',
  'provides',
  'maps',
  'waiver',
] as const satisfies readonly (keyof Finding)[];

/**
 * The slim finding, plus what the caller keeps of it for an analysis that reads more (the cost forecast's volumes, the
 * SIEM -> SOAR hop's endpoints): chosen by the caller, so this layer names no analysis.
 */
function slim(f: Finding, keep: KeepExtra): Finding {
  const out: Partial<Record<keyof Finding, unknown>> = {};
  for (const k of SLIM_FIELDS) if (f[k] !== undefined) out[k] = f[k];
  return { ...(out as unknown as Finding), ...keep(f) };
}

/** What a later analysis reads of a finding beyond the slim fields (as little as it needs: memory per target). */
export type KeepExtra = (f: Finding) => Pick<Finding, 'observed' | 'reason'> | undefined;

interface Placed {
  offset: number;
  length: number;
}

export class TargetSpill {
  private readonly fd: number;
  private offset = 0;
  private closed = false;
  /** Where each spilled target's line is; targets not spilled (web targets) keep their full findings in memory. */
  private readonly placed = new Map<TargetResult, Placed>();
  /** Finding and evidence counts of every target, spilled or not, in the order they were assessed. */
  private readonly counts = new Map<TargetResult, { findings: number; evidence: number }>();
  /** Evidence records a later stage still needs (the SIEM's rule answers), kept aside from the report. */
  readonly kept: Evidence[] = [];

  constructor(
    readonly file: string,
    private readonly keepEvidence: (e: Evidence) => boolean = () => false,
    private readonly keepExtra: KeepExtra = () => undefined,
  ) {
    this.fd = openSync(file, 'wx+', 0o600);
  }

  /** Records one finished target; a spilled one comes back with slim findings and no evidence. */
  put<T extends TargetAssessment>(a: T, spill = true): T {
    this.counts.set(a.result, { findings: a.findings.length, evidence: a.evidence.length });
    if (!spill) return a;
    const line = Buffer.from(`${JSON.stringify({ findings: a.findings, evidence: a.evidence })}\n`);
    for (let done = 0; done < line.length; ) done += writeSync(this.fd, line, done, line.length - done);
    this.placed.set(a.result, { offset: this.offset, length: line.length - 1 });
    this.offset += line.length;
    this.kept.push(...a.evidence.filter(this.keepEvidence));
    return { ...a, findings: a.findings.map((f) => slim(f, this.keepExtra)), evidence: [] };
  }

  /** How many evidence records a target had (spilled or not); undefined for a target never put. */
  evidenceCount(t: TargetResult): number | undefined {
    return this.counts.get(t)?.evidence;
  }

  private read(p: Placed): { findings: Finding[]; evidence: Evidence[] } {
    const buf = Buffer.alloc(p.length);
    for (let done = 0; done < p.length; ) done += readSync(this.fd, buf, done, p.length - done, p.offset + done);
    return JSON.parse(buf.toString('utf8'));
  }

  /**
   * The report's findings in full, target by target: each spilled finding read back with the fields the analyses
   * may have changed (a waiver, a status) taken from the report's slim finding.
   */
  *findings(report: Report): Generator<Finding> {
    let i = 0;
    for (const t of report.targets) {
      const n = this.counts.get(t)?.findings ?? 0;
      const p = this.placed.get(t);
      const full = p ? this.read(p).findings : undefined;
      for (let k = 0; k < n; k++, i++) {
        const now = report.findings[i];
        if (!now || now.target !== t.id) throw new Error(`findings out of step with targets at ${t.id} (#${i})`);
        if (!full) yield now;
        else if (full[k]!.check !== now.check) throw new Error(`spilled finding ${k} of ${t.id} is not ${now.check}`);
        else yield { ...full[k]!, ...now };
      }
    }
    if (i !== report.findings.length) throw new Error(`${report.findings.length - i} findings belong to no target`);
  }

  /** The report's evidence records in full, target by target. */
  *evidence(report: Report): Generator<Evidence> {
    let i = 0;
    for (const t of report.targets) {
      const p = this.placed.get(t);
      if (p) {
        yield* this.read(p).evidence;
        continue;
      }
      const n = this.counts.get(t)?.evidence ?? 0;
      for (let k = 0; k < n; k++) yield report.evidence[i++]!;
    }
  }

  /** The report as report.json holds it, its findings and evidence streamed from the spill file while written. */
  streamed(report: Report): Report {
    return {
      ...report,
      findings: new StreamedArray(() => this.findings(report)) as unknown as Finding[],
      evidence: new StreamedArray(() => this.evidence(report)) as unknown as Evidence[],
    };
  }

  /** The full report in memory (for renderers that need every finding at once: HTML, PDF). */
  hydrate(report: Report): Report {
    return { ...report, findings: [...this.findings(report)], evidence: [...this.evidence(report)] };
  }

  /** Closes and deletes the spill file (idempotent). */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    closeSync(this.fd);
    rmSync(this.file, { force: true });
  }
}
