// Figures over the findings of one area, the input of the finding-based criteria (docs/scoring.md).
import type { AreaId, Finding, Severity } from '../model.js';
import { findingRef } from './refs.js';

/** Criteria keep at most this many refs each, so a 5,000-finding report stays readable; counts are in the text. */
export const MAX_REFS = 50;

export interface FindingStats {
  /** pass, fail or warn, and not under an active waiver: what the pass rate is computed over. */
  conclusive: Finding[];
  passed: Finding[];
  failed: Finding[];
  warned: Finding[];
  /** error or inconclusive: the check could not tell. */
  unknown: Finding[];
  /** Under an active waiver: visible in the report, left out of the rate (accepted risk is not a pass). */
  waived: Finding[];
  /** (weight of passes + half the weight of warnings) / weight of conclusive findings; NaN when none. */
  weightedRate: number;
}

export function isActivelyWaived(f: Finding): boolean {
  return f.waiver !== undefined && !f.waiver.expired && f.status !== 'pass';
}

export function findingStats(findings: Finding[]): FindingStats {
  const s: FindingStats = {
    conclusive: [],
    passed: [],
    failed: [],
    warned: [],
    unknown: [],
    waived: [],
    weightedRate: Number.NaN,
  };
  let total = 0;
  let good = 0;
  for (const f of findings) {
    if (f.status === 'not-applicable') continue;
    if (isActivelyWaived(f)) {
      s.waived.push(f);
      continue;
    }
    const w = f.weight > 0 ? f.weight : 1;
    if (f.status === 'pass') {
      s.passed.push(f);
      good += w;
    } else if (f.status === 'warn') {
      s.warned.push(f);
      good += w / 2;
    } else if (f.status === 'fail') s.failed.push(f);
    else {
      s.unknown.push(f);
      continue;
    }
    s.conclusive.push(f);
    total += w;
  }
  s.weightedRate = total > 0 ? good / total : Number.NaN;
  return s;
}

export function groupByArea(findings: Finding[]): Map<AreaId, Finding[]> {
  const m = new Map<AreaId, Finding[]>();
  for (const f of findings) {
    const list = m.get(f.area);
    if (list) list.push(f);
    else m.set(f.area, [f]);
  }
  return m;
}

const SEVERITY_RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

export function atLeast(sev: Severity, min: Severity): boolean {
  return SEVERITY_RANK[sev] >= SEVERITY_RANK[min];
}

export function severityRank(sev: Severity): number {
  return SEVERITY_RANK[sev];
}

/** Refs of the given findings, most severe first, capped. */
export function refsOf(findings: Finding[]): string[] {
  return [...findings]
    .sort((a, b) => SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || b.weight - a.weight)
    .slice(0, MAX_REFS)
    .map(findingRef);
}

export function pct(x: number): string {
  return Number.isFinite(x) ? `${Math.floor(x * 100 + 1e-9)}%` : '—';
}
