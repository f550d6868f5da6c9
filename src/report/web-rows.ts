// The web section's overview: one row per web target, each cell a verdict taken from the target's findings (with a
// link to the check that decided it) and the words that explain it. Reads only the report JSON.
import type { Finding, FindingStatus, Lang, Report } from '../model.js';
import { pick, STATUS_LABELS } from './i18n.js';

/** The part of analyses.web's details (src/web/web-facts.ts WebDetails) this overview reads. */
interface WebDetails {
  target: string;
  urls: string[];
  server: { declared: string; detected: string[] };
  host?: string;
  config_read?: { path: string; how: string };
  config_untied?: string;
  waf?: { blocked: boolean; detected: boolean; rule_ids: string[]; request: { status: number | null } }[];
}

export interface WebCell {
  status: FindingStatus | 'none';
  label: string;
  text: string;
  href?: string;
}

export interface WebRow {
  target: string;
  urls: string;
  server: string;
  config: WebCell;
  bodyConfig: WebCell;
  bodyProven: WebCell;
  responseBody: WebCell;
  credentials: WebCell;
  realIp: WebCell;
  wafMode: WebCell;
  wafProven: WebCell;
  tls: WebCell;
}

const RANK: Record<FindingStatus, number> = {
  pass: 0,
  'not-applicable': 0,
  warn: 2,
  inconclusive: 1,
  error: 1,
  fail: 3,
};
const NONE = { en: 'not assessed', ja: '評価なし' };

/** The worst of the findings of these checks on the target, as a cell; the first check found names the link. */
function cell(
  lang: Lang,
  findings: Finding[],
  checks: string[],
  anchor: (check: string) => string,
  text?: (f: Finding) => string | undefined,
): WebCell {
  const found = checks
    .map((c) => findings.find((f) => f.check === c))
    .filter((f): f is Finding => f !== undefined && f.status !== 'not-applicable');
  if (found.length === 0) return { status: 'none', label: pick(lang, NONE), text: '' };
  const worst = found.reduce((w, f) => (RANK[f.status] > RANK[w.status] ? f : w));
  const words = text?.(worst) ?? (worst.explanation ? pick(lang, worst.explanation.observed) : (worst.reason ?? ''));
  return {
    status: worst.status,
    label: pick(lang, STATUS_LABELS[worst.status]),
    text: words,
    href: `#${anchor(worst.check)}`,
  };
}

function wafOutcome(lang: Lang, d: WebDetails | undefined): string | undefined {
  const w = d?.waf;
  if (!w || w.length === 0) return undefined;
  return w
    .map((p) =>
      p.blocked && p.detected
        ? pick(lang, {
            en: `blocked (HTTP ${p.request.status}), rules ${p.rule_ids.join(', ')}`,
            ja: `遮断（HTTP ${p.request.status}）、ルール ${p.rule_ids.join(', ')}`,
          })
        : p.detected
          ? pick(lang, {
              en: `detected only (HTTP ${p.request.status}), rules ${p.rule_ids.join(', ')}`,
              ja: `検知のみ（HTTP ${p.request.status}）、ルール ${p.rule_ids.join(', ')}`,
            })
          : pick(lang, {
              en: `went through unseen (HTTP ${p.request.status ?? '-'})`,
              ja: `検知されずに通過（HTTP ${p.request.status ?? '-'}）`,
            }),
    )
    .join('; ');
}

export function webRows(report: Report, lang: Lang, anchor: (check: string) => string): WebRow[] {
  const details = (report.analyses?.web?.details ?? []) as WebDetails[];
  return details.map((d) => {
    const findings = report.findings.filter((f) => f.target === d.target);
    const c = (checks: string[], text?: (f: Finding) => string | undefined) =>
      cell(lang, findings, checks, anchor, text);
    const config: WebCell = d.config_untied
      ? { status: 'inconclusive', label: pick(lang, STATUS_LABELS.inconclusive), text: d.config_untied }
      : d.config_read
        ? { status: 'pass', label: d.config_read.path, text: d.config_read.how }
        : {
            status: 'none',
            label: pick(lang, { en: 'not read', ja: '未読み取り' }),
            text: d.host ? '' : pick(lang, { en: 'no web.host', ja: 'web.host の指定なし' }),
          };
    return {
      target: d.target,
      urls: d.urls.join(' '),
      server: d.server.declared + (d.server.detected.length ? ` (${d.server.detected.join(', ')})` : ''),
      config,
      bodyConfig: c([
        'web.nginx.request-body-logged',
        'web.modsecurity.request-body-logged',
        'web.modsecurity.audit-relevant-status',
        'web.apache.request-body-source',
      ]),
      bodyProven: c(['web.active.body-canary']),
      responseBody: c(['web.nginx.response-body', 'web.modsecurity.audit-parts']),
      credentials: c([
        'web.active.canary-password-masked',
        'web.modsecurity.password-masking',
        'web.login.credential-stuffing-nginx',
      ]),
      realIp: c(['web.nginx.real-client-ip', 'web.apache.real-client-ip']),
      wafMode: c(['web.modsecurity.engine-on']),
      wafProven: c(['web.active.waf-detection'], () => wafOutcome(lang, d)),
      tls: c(['web.tls.inspection-point', 'web.tls.nginx-termination', 'web.tls.squid-ssl-bump']),
    };
  });
}
