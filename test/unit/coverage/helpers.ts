// Findings as the scan produces them, for joining rules with what is really collected.
import type { Finding, FindingStatus, LogSourceRef } from '../../../src/model.js';

export function finding(
  check: string,
  target: string,
  status: FindingStatus,
  provides: LogSourceRef[],
  title = check,
): Finding {
  return {
    check,
    target,
    status,
    area: 'log-collection',
    severity: 'high',
    weight: 1,
    title: { en: title, ja: `${title}（日本語）` },
    evidence: [],
    maps: {},
    provides,
  };
}

/** The same check on many hosts: the first `passing` pass, the rest fail. */
export function fleet(
  check: string,
  hosts: number,
  passing: number,
  provides: LogSourceRef[],
  title?: string,
): Finding[] {
  return Array.from({ length: hosts }, (_, i) =>
    finding(check, `win${String(i + 1).padStart(2, '0')}`, i < passing ? 'pass' : 'fail', provides, title),
  );
}
