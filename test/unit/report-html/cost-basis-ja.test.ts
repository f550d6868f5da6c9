// The cost page and its appendix speak the report's language: every basis sentence (how a volume or rate was
// measured, why it was not, what an assumption rests on) comes from the cost modules in both languages, so the
// Japanese page carries none of the English ones. The figures come from the real volume parsers.
import { describe, expect, it } from 'vitest';
import { analyseCost } from '../../../src/cost/index.js';
import { linuxVolume } from '../../../src/cost/linux-volume.js';
import { requestRates } from '../../../src/cost/web-volume.js';
import { postgresqlVolume } from '../../../src/cost/database-volume.js';
import type { Bilingual, Finding, Report, UseCaseResult } from '../../../src/model.js';
import { renderHtml } from '../../../src/report/html.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { loadReport, sectionOf } from './helpers.js';

const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });

function finding(check: string, target: string, status: Finding['status'], observed?: Record<string, unknown>) {
  return {
    check,
    target,
    status,
    area: 'log-collection',
    severity: 'high',
    weight: 3,
    title: { en: check, ja: check },
    evidence: [],
    maps: {},
    ...(observed ? { observed } : {}),
  } as Finding;
}

const T0 = Date.UTC(2026, 10, 20, 0, 0, 0) / 1000;
const audit = (t: number) => `type=SYSCALL msg=audit(${t.toFixed(3)}:1): arch=c000003e syscall=59 success=yes`;

/** linux-log-volume as the probe prints it: an audit log over 36 hours, no syslog, and a young host. */
const LINUX_PROBE = [
  `file\tlinux-audit\t720000\t${T0 + 36 * 3600}\t-\t/var/log/audit/audit.log`,
  `head\t${audit(T0)}`,
  `tail\t${audit(T0 + 36 * 3600)}`,
  `proc-processes\t5000`,
  `proc-btime\t${T0}`,
  `now\t${T0 + 600}`,
].join('\n');

const useCase = (id: string, missing: string[]): UseCaseResult => ({
  id,
  name: { en: id, ja: id },
  attack: ['T1190'],
  owasp: [],
  needs: missing,
  applicable: true,
  detect: true,
  automate: false,
  playbooks: [],
  missing,
  visible: false,
});

function costReport(): Report {
  const shortSample = requestRates([{ method: 'GET', path: '/', time: 0 }]);
  const findings = [
    finding('linux.volume.measured', 'host1', 'pass', { ...linuxVolume({ 'linux-log-volume': ok(LINUX_PROBE) }) }),
    finding('web.volume.measured', 'shop', 'pass', { volume: { logs: [], requests: shortSample, measured: 0 } }),
    finding('database.postgresql.statement-volume-measured', 'db1', 'warn', {
      ...postgresqlVolume({ 'pg-statement-calls': ok('120000|43200|0'), 'pg-activity': ok('app|86400|86400') }),
    }),
    finding('linux.audit.rules.execve', 'host1', 'fail'),
    finding('web.nginx.request-body-logged', 'shop', 'fail'),
    finding('database.postgresql.pgaudit-log-classes', 'db1', 'fail'),
  ];
  const report = loadReport('report-full');
  report.findings = [...report.findings, ...findings];
  report.analyses.sources = {
    summary: {} as never,
    details: {
      catalog: '',
      classes: [],
      next: [],
      use_cases: [useCase('sql-injection', ['web-request-body', 'database-audit'])],
    },
    problems: [],
  } as never;
  report.analyses.cost = analyseCost(report, {
    inventory: {
      targets: [
        { id: 'host1', kind: 'linux', address: 'h', tags: [], transport: 'ssh' },
        { id: 'shop', kind: 'web', address: 's', tags: [], transport: 'http', web: { urls: [], host: 'host1' } },
        {
          id: 'db1',
          kind: 'database',
          address: 'd',
          tags: [],
          transport: 'ssh',
          database: { product: 'postgresql', host: 'host1' },
        },
      ],
    },
  });
  return report;
}

/** As Handlebars escapes a {{value}}. */
const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"'`=]/g,
    (c) =>
      `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot' }[c] ?? `#x${c.charCodeAt(0).toString(16).toUpperCase()}`};`,
  );

describe('cost basis texts in the report language', () => {
  const report = costReport();
  const details = report.analyses.cost!.details;
  const bases: Bilingual[] = [
    ...details.today.map((t) => t.basis),
    ...details.changes.flatMap((c) => [...c.inputs.map((i) => i.basis), ...(c.reason ? [c.reason] : [])]),
    ...details.savings.map((s) => s.basis),
  ];

  it('every basis the cost section holds has a Japanese text of its own', () => {
    expect(bases.length).toBeGreaterThan(6);
    for (const b of bases) expect(b.ja, b.en).not.toBe(b.en);
  });

  it('the Japanese cost page and appendix carry no English basis sentence, the English ones carry them all', () => {
    const ja = renderHtml(report, { lang: 'ja' });
    const en = renderHtml(report, { lang: 'en' });
    const page = (html: string) => sectionOf(html, 'cost') + sectionOf(html, 'sec-cost-appendix');
    const shown = bases.filter((b) => page(en).includes(escapeHtml(b.en)));
    // The page shows today's sources, every input of every change, the savings and the unquantified reasons.
    expect(bases.filter((b) => !shown.includes(b)).map((b) => b.en)).toEqual([]);
    for (const b of bases) {
      expect(page(ja), b.en).not.toContain(escapeHtml(b.en));
      expect(page(ja)).toContain(escapeHtml(b.ja));
    }
    expect(page(ja)).not.toMatch(/not measured by this scan|assumed range|too recent|no request line/);
  });
});
