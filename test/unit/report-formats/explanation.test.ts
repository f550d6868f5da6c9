// Every machine format carries the finding's explanation: observed and expected in words, the lines that decided
// (file and line, or the command) and the findings that explain it. SARIF puts file lines in physical locations
// with region.startLine and related findings in relatedLocations, and stays valid against the OASIS schema.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../../src/model.js';
import { renderJunit } from '../../../src/report/formats/junit.js';
import { renderMarkdown } from '../../../src/report/formats/markdown.js';
import { renderSarif } from '../../../src/report/formats/sarif.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { run } from './fixtures.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

const EXPLAINED: Pick<Finding, 'explanation' | 'decisive' | 'related'> = {
  explanation: {
    observed: {
      en: 'SecAuditEngine RelevantOnly with SecAuditLogRelevantStatus ^(?:5|4(?!04))',
      ja: 'SecAuditEngine は RelevantOnly、SecAuditLogRelevantStatus は ^(?:5|4(?!04))',
    },
    expected: { en: 'Successful requests reach the audit log', ja: '成功したリクエストも監査ログに残る' },
  },
  decisive: [
    { file: '/etc/modsecurity/modsecurity.conf', line: 4, text: 'SecAuditLogRelevantStatus ^(?:5|4(?!04))' },
    { command: 'auditpol.exe /get /category:* /r', text: 'WIN,System,Logon,{0CCE9215-...},Success,' },
  ],
  related: [
    { check: 'web.active.body-canary', why: { en: 'The canary was never written.', ja: 'カナリアは書かれません。' } },
  ],
};

/** Acme's third run with its first failing finding explained. */
function explainedReport(): { report: Report; finding: Finding } {
  const report = run(2);
  const i = report.findings.findIndex((f) => f.status === 'fail');
  const finding = { ...report.findings[i]!, ...EXPLAINED };
  report.findings[i] = finding;
  return { report, finding };
}

function sarifValidator() {
  const schemaFile = join(FIXTURES_DIR, 'schemas', 'sarif-schema-2.1.0.json');
  const { id, $schema: _draft04, ...schema } = JSON.parse(readFileSync(schemaFile, 'utf8'));
  const ajv = new Ajv({ allErrors: true, strict: false, validateSchema: false });
  addFormats(ajv);
  return ajv.compile({ $id: id, ...schema });
}

describe('the finding explanation in the machine formats', () => {
  it('SARIF: the message says observed and expected, file lines are physical locations with a startLine', () => {
    const { report, finding } = explainedReport();
    const log = JSON.parse(renderSarif(report, { lang: 'en' }));
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const result = log.runs[0].results.find(
      (r: { ruleId: string; properties: { target: string } }) =>
        r.ruleId === finding.check && r.properties.target === finding.target,
    );
    expect(result.message.text).toContain(`Observed: ${EXPLAINED.explanation!.observed.en}`);
    expect(result.message.text).toContain(`Expected: ${EXPLAINED.explanation!.expected.en}`);
    expect(result.message.text).toContain('$ auditpol.exe /get /category:* /r → WIN,System,Logon');
    expect(result.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'file:///etc/modsecurity/modsecurity.conf' },
          region: { startLine: 4, snippet: { text: 'SecAuditLogRelevantStatus ^(?:5|4(?!04))' } },
        },
        logicalLocations: [
          { name: finding.target, fullyQualifiedName: `${finding.target}/${finding.check}`, kind: 'resource' },
        ],
      },
    ]);
    expect(result.relatedLocations).toEqual([
      {
        id: 1,
        message: { text: 'web.active.body-canary: The canary was never written.' },
        logicalLocations: [
          { name: finding.target, fullyQualifiedName: `${finding.target}/web.active.body-canary`, kind: 'resource' },
        ],
      },
    ]);
  });

  it('SARIF in Japanese carries the Japanese words', () => {
    const { report } = explainedReport();
    const text = renderSarif(report, { lang: 'ja' });
    expect(text).toContain(`観測：${EXPLAINED.explanation!.observed.ja}`);
  });

  it('JUnit: the failure message says what was observed, the body the lines that decided', () => {
    const { report, finding } = explainedReport();
    const xml = renderJunit(report, { lang: 'en' });
    const start = xml.indexOf(`classname="${finding.check}" name="${finding.target}"`);
    const testcase = xml.slice(start, xml.indexOf('</testcase>', start));
    expect(testcase).toMatch(/<failure message="[^"]*: SecAuditEngine RelevantOnly with SecAuditLogRelevantStatus/);
    expect(testcase).toContain('Decided by: \n  /etc/modsecurity/modsecurity.conf:4: SecAuditLogRelevantStatus');
    expect(testcase).toContain('Related: web.active.body-canary: The canary was never written.');
  });

  it('Markdown: a why block per failing finding, decisive lines fenced so evidence cannot inject markup', () => {
    const { report, finding } = explainedReport();
    const md = renderMarkdown(report, { lang: 'en' });
    const at = md.indexOf(`#### \`${finding.check}\``);
    expect(at).toBeGreaterThan(md.indexOf('### Why they fail'));
    const block = md.slice(at, md.indexOf('\n#### ', at + 1) >>> 0 || undefined);
    expect(block).toContain('- Observed: SecAuditEngine RelevantOnly with SecAuditLogRelevantStatus ^(?:5\\|4(?!04))');
    expect(block).toContain('```text\n/etc/modsecurity/modsecurity.conf:4: SecAuditLogRelevantStatus ^(?:5|4(?!04))');
    const hostile = explainedReport();
    hostile.finding.decisive = [{ command: 'x', text: '``` <script>alert(1)</script>' }];
    hostile.report.findings = hostile.report.findings.map((f) =>
      f.check === finding.check && f.target === finding.target ? hostile.finding : f,
    );
    const md2 = renderMarkdown(hostile.report, { lang: 'en' });
    expect(md2).toContain('````text\n$ x → ``` <script>alert(1)</script>\n````');
  });
});
