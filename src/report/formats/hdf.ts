// The MITRE Heimdall Data Format (InSpec `exec --reporter json` shape: platform, profiles[].controls[].results[],
// statistics, version) so a run opens in Heimdall. One control per check, one result per target. Waivers map to
// InSpec's waiver_data; the maturity score rides along in `passthrough`, which Heimdall keeps but does not read.
import { createHash } from 'node:crypto';
import { AREAS, type Finding, type Lang, type Report, type Severity } from '../../model.js';
import { isActivelyWaived } from '../../score/findings.js';
import { shownTitle } from '../finding-title.js';
import { AREA_NAMES } from '../../score/labels.js';
import { t } from './text.js';

// InSpec impact bands: 0.7-1.0 high/critical, 0.4-0.69 medium, 0.1-0.39 low; 0 would read as "not applicable".
const IMPACT: Record<Severity, number> = { critical: 1.0, high: 0.7, medium: 0.5, low: 0.3, info: 0.1 };

type HdfStatus = 'passed' | 'failed' | 'skipped' | 'error';

function status(f: Finding): HdfStatus {
  switch (f.status) {
    case 'pass':
    case 'warn':
      return 'passed';
    case 'fail':
      return 'failed';
    case 'not-applicable':
      return 'skipped';
    default:
      return 'error';
  }
}

function resultOf(f: Finding, lang: Lang, startTime: string): Record<string, unknown> {
  const st = status(f);
  const r: Record<string, unknown> = {
    status: st,
    code_desc: `${f.target}: ${t(f.title, lang)}`,
    run_time: 0,
    start_time: startTime,
    resource: f.target,
    resource_id: f.target,
  };
  const msg = [f.reason, f.observed ? JSON.stringify(f.observed) : undefined, f.excerpt].filter(Boolean).join('\n');
  if (st === 'failed' || f.status === 'warn') r.message = msg || t(shownTitle(f), lang);
  if (st === 'skipped') r.skip_message = f.reason ?? 'not applicable';
  if (st === 'error') {
    r.message = msg || f.status;
    r.exception = f.status;
  }
  return r;
}

export function renderHdf(report: Report, opts: { lang: Lang }): string {
  const { lang } = opts;
  const byCheck = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const list = byCheck.get(f.check);
    if (list) list.push(f);
    else byCheck.set(f.check, [f]);
  }
  const controls = [...byCheck.entries()].map(([check, findings]) => {
    const f = findings[0]!;
    const descriptions = [{ label: 'default', data: t(f.rationale ?? f.title, lang) }];
    if (f.remediation) descriptions.push({ label: 'fix', data: t(f.remediation, lang) });
    const waived = findings.find((x) => x.waiver);
    const waiverData = waived?.waiver
      ? {
          justification: waived.waiver.justification,
          expiration_date: waived.waiver.expires,
          run: true,
          skipped_due_to_waiver: false,
          message: waived.waiver.expired ? `waiver expired on ${waived.waiver.expires} (${waived.waiver.file})` : '',
        }
      : null;
    return {
      id: check,
      title: t(f.title, lang),
      desc: t(f.rationale ?? f.title, lang),
      descriptions,
      // A control wholly under an active waiver is accepted risk; Heimdall shows impact 0 as not applicable.
      impact:
        findings.every((x) => isActivelyWaived(x) || x.status === 'pass') && findings.some(isActivelyWaived)
          ? 0
          : IMPACT[f.severity],
      refs: [],
      tags: {
        severity: f.severity === 'critical' ? 'critical' : f.severity === 'info' ? 'low' : f.severity,
        area: f.area,
        nist: [],
        attack: f.maps.attack ?? [],
        owasp: f.maps.owasp ?? [],
        data_components: f.maps.data_components ?? [],
      },
      code: null,
      source_location: { ref: null, line: null },
      results: findings.map((x) => resultOf(x, lang, report.run.started_at)),
      waiver_data: waiverData,
    };
  });
  const groups = AREAS.filter((a) => controls.some((c) => c.tags.area === a)).map((a) => ({
    id: a,
    title: t(AREA_NAMES[a], lang),
    controls: controls.filter((c) => c.tags.area === a).map((c) => c.id),
  }));
  const sha256 = createHash('sha256')
    .update(controls.map((c) => c.id).join('\n'))
    .digest('hex');
  const count = (s: HdfStatus) => ({ total: report.findings.filter((f) => status(f) === s).length });
  const seconds = Math.max(0, (Date.parse(report.run.finished_at) - Date.parse(report.run.started_at)) / 1000) || 0;
  const hdf = {
    platform: { name: 'socready', release: report.tool.version, target_id: report.run.organization },
    profiles: [
      {
        name: 'socready',
        version: report.tool.version,
        title:
          lang === 'en'
            ? `socready SIEM/SOAR readiness: ${report.run.organization}`
            : `socready SIEM/SOAR 準備状況：${report.run.organization}`,
        maintainer: 'socready',
        summary:
          lang === 'en'
            ? 'Checks that the SIEM can see, detect and safely automate.'
            : 'SIEM が見えて・検知でき・安全に自動化できるかのチェック',
        license: 'Apache-2.0',
        sha256,
        status: 'loaded',
        supports: [],
        attributes: [],
        groups,
        controls,
      },
    ],
    statistics: {
      duration: seconds,
      controls: { passed: count('passed'), failed: count('failed'), skipped: count('skipped') },
    },
    version: report.tool.version,
    passthrough: { socready: { run: report.run.id, score: report.score ?? null } },
  };
  return `${JSON.stringify(hdf, null, 2)}\n`;
}
