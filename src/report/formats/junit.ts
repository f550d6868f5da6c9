// JUnit XML as Jenkins, GitLab and Surefire read it: one <testsuite> per maturity area, one <testcase> per check and
// target (classname = check id, name = target id). fail -> <failure>, error/inconclusive -> <error>,
// not-applicable and actively waived findings -> <skipped>, warnings pass with the warning in <system-out>.
import { AREAS, type Finding, type Lang, type Report } from '../../model.js';
import { shownTitle } from '../finding-title.js';
import { isActivelyWaived } from '../../score/findings.js';
import { AREA_NAMES, levelLabel } from '../../score/labels.js';
import { formatDate } from './locale.js';
import { explanationLines, STATUS_TEXT, t } from './text.js';

// Characters XML 1.0 cannot carry at all (even escaped): control characters, lone surrogates, U+FFFE/U+FFFF.
const INVALID_XML = new RegExp(
  String.raw`[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|` +
    String.raw`(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]`,
  'g',
);

export function xmlEscape(s: string): string {
  return s
    .replace(INVALID_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

function attrs(a: Record<string, string | number | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => ` ${k}="${xmlEscape(String(v))}"`)
    .join('');
}

function details(f: Finding, lang: Lang): string {
  const lines: string[] = [];
  lines.push(`${t(shownTitle(f), lang)} [${f.severity}]`);
  if (f.reason) lines.push(`${lang === 'en' ? 'Reason' : '理由'}: ${f.reason}`);
  // Observed and expected in words with the lines that decided; the raw facts only for findings without them.
  const explained = explanationLines(f, lang);
  if (explained.length) lines.push(...explained);
  else if (f.observed) lines.push(`${lang === 'en' ? 'Observed' : '観測値'}: ${JSON.stringify(f.observed)}`);
  if (f.excerpt && !f.decisive?.length) lines.push(`${lang === 'en' ? 'Evidence' : '証跡'}:\n${f.excerpt}`);
  if (f.remediation) lines.push(`${lang === 'en' ? 'Remediation' : '対処'}: ${t(f.remediation, lang)}`);
  if (f.waiver?.expired) {
    lines.push(
      lang === 'en'
        ? `Waiver expired on ${f.waiver.expires}: no longer applies (${f.waiver.file})`
        : `例外は ${formatDate(f.waiver.expires, lang)} に期限切れのため適用されていません（${f.waiver.file}）`,
    );
  }
  return lines.join('\n');
}

function testcase(f: Finding, lang: Lang): { xml: string; kind: 'pass' | 'failure' | 'error' | 'skipped' } {
  const head = `    <testcase${attrs({ classname: f.check, name: f.target, time: 0 })}`;
  const title = t(shownTitle(f), lang);
  // The failure message says what was seen, not only which check: "... : Credential Validation: Success only ...".
  const msg = f.explanation ? `${title}${lang === 'ja' ? '：' : ': '}${t(f.explanation.observed, lang)}` : title;
  if (isActivelyWaived(f)) {
    const w = f.waiver!;
    const text =
      lang === 'en'
        ? `waived until ${w.expires}: ${w.justification}`
        : `${formatDate(w.expires, lang)} まで例外適用：${w.justification}`;
    return { xml: `${head}>\n      <skipped${attrs({ message: text })}/>\n    </testcase>`, kind: 'skipped' };
  }
  switch (f.status) {
    case 'pass':
      return { xml: `${head}/>`, kind: 'pass' };
    case 'warn':
      return {
        xml:
          `${head}>\n      <system-out>${xmlEscape(`${t(STATUS_TEXT.warn, lang)}: ${details(f, lang)}`)}</syste` +
          'm-out>\n    </testcase>',
        kind: 'pass',
      };
    case 'fail':
      return {
        xml:
          `${head}>\n      ` +
          `<failure${attrs({ message: msg, type: f.severity })}>${xmlEscape(details(f, lang))}</failure>\n    ` +
          '</testcase>',
        kind: 'failure',
      };
    case 'not-applicable':
      return {
        xml: `${head}>\n      <skipped${attrs({ message: t(STATUS_TEXT['not-applicable'], lang) })}/>\n    </testcase>`,
        kind: 'skipped',
      };
    default:
      return {
        xml:
          `${head}>\n      ` +
          `<error${attrs({ message: f.reason ?? msg, type: f.status })}>${xmlEscape(details(f, lang))}</error>` +
          '\n    </testcase>',
        kind: 'error',
      };
  }
}

/** The Ant JUnit schema's timestamp: ISO 8601 local form without fraction or zone (we write UTC). */
function junitTimestamp(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 19);
}

export function renderJunit(report: Report, opts: { lang: Lang }): string {
  const { lang } = opts;
  const seconds = Math.max(0, (Date.parse(report.run.finished_at) - Date.parse(report.run.started_at)) / 1000) || 0;
  const suites: string[] = [];
  const totals = { tests: 0, failures: 0, errors: 0, skipped: 0 };
  const areaLevel = new Map(report.score?.areas.map((a) => [a.area, a.level]));
  for (const area of AREAS) {
    const findings = report.findings
      .filter((f) => f.area === area)
      .sort((a, b) => a.check.localeCompare(b.check) || a.target.localeCompare(b.target));
    if (findings.length === 0) continue;
    const c = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const cases = findings.map((f) => {
      const tc = testcase(f, lang);
      c.tests++;
      if (tc.kind === 'failure') c.failures++;
      else if (tc.kind === 'error') c.errors++;
      else if (tc.kind === 'skipped') c.skipped++;
      return tc.xml;
    });
    totals.tests += c.tests;
    totals.failures += c.failures;
    totals.errors += c.errors;
    totals.skipped += c.skipped;
    const props = report.score
      ? '    <properties>\n      ' +
        `<property${attrs({ name: 'maturity.level', value: levelLabel(areaLevel.get(area) ?? null, lang) })}/>` +
        '\n    </properties>\n'
      : '';
    suites.push(
      '  <testsuite' +
        attrs({
          name: `socready.${area}`,
          id: area,
          package: t(AREA_NAMES[area], lang),
          ...c,
          time: 0,
          timestamp: junitTimestamp(report.run.started_at),
        }) +
        `>\n${props}${cases.join('\n')}\n  </testsuite>`,
    );
  }
  const head = `<testsuites${attrs({ name: `socready ${report.run.organization}`, ...totals, time: seconds })}>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${head}\n${suites.join('\n')}\n</testsuites>\n`;
}
