// The HTML shows each finding's observed/expected words, decisive lines, configuration read and related findings,
// and the web section one row per web target (raw probe tables in its appendix), all escaped.
import { describe, expect, it } from 'vitest';
import type { Finding, Report } from '../../../src/model.js';
import { renderHtml } from '../../../src/report/html.js';
import { loadReport, sectionOf } from './helpers.js';

const full = loadReport('report-full');

function finding(over: Partial<Finding>): Finding {
  return {
    check: 'web.modsecurity.audit-relevant-status',
    target: 'shop',
    status: 'fail',
    area: 'log-collection',
    severity: 'high',
    weight: 3,
    title: { en: 'The audit log also records successful requests', ja: '監査ログが成功したリクエストも記録している' },
    evidence: [],
    maps: {},
    ...over,
  };
}

const relevant = finding({
  explanation: {
    observed: {
      en: 'SecAuditEngine RelevantOnly with SecAuditLogRelevantStatus ^(?:5|4(?!04))',
      ja: 'SecAuditEngine は RelevantOnly',
    },
    expected: { en: 'Successful requests reach the audit log', ja: '成功したリクエストも監査ログに残る' },
  },
  decisive: [{ file: '/srv/shop/modsecurity.conf', line: 16, text: 'SecAuditLogRelevantStatus "^(?:5|4(?!04))" <b>' }],
  config_read: {
    path: '/srv/shop/apache.conf',
    how: 'Apache parent pid 42 was started with -f /srv/shop/apache.conf; it answers port 8080 (ss -ltnp)',
  },
  related: [
    {
      check: 'web.active.body-canary',
      why: { en: 'RelevantStatus decides which requests reach the audit log.', ja: 'RelevantStatus が決めます。' },
    },
  ],
});
const canary = finding({
  check: 'web.active.body-canary',
  title: { en: 'A live POST body reached the logs (canary)', ja: 'カナリア' },
  explanation: {
    observed: { en: 'the request was logged but not its body', ja: 'ボディなし' },
    expected: { en: 'body in a log', ja: 'ボディ' },
  },
});
const report: Report = {
  ...full,
  findings: [...full.findings, relevant, canary],
  analyses: {
    ...full.analyses,
    web: {
      content: 'organisation',
      summary: {
        targets: 1,
        https_endpoints: 0,
        tls_problems: 0,
        canaries_sent: 1,
        canaries_body_logged: 0,
        canaries_password_clear: 0,
        waf_probes_sent: 1,
        waf_probes_detected: 1,
        waf_probes_blocked: 0,
      },
      details: [
        {
          target: 'shop',
          urls: ['http://127.0.0.1:8080/'],
          server: { declared: 'auto', detected: ['apache'] },
          host: 'web-01',
          config_read: {
            path: '/srv/shop/apache.conf',
            how: 'Apache parent pid 42 was started with -f /srv/shop/apache.conf',
          },
          tls: [],
          canary: [],
          waf: [
            {
              kind: 'waf',
              marker: 'socready-waf-r-ab12cd34-2',
              request: {
                kind: 'waf',
                time: 't',
                method: 'GET',
                url: 'http://127.0.0.1:8080/x',
                marker: 'm',
                status: 404,
                duration_ms: 1,
              },
              logs: [],
              found_in: [],
              request_logged: true,
              body_logged: false,
              username_logged: false,
              fake_credential: 'unknown',
              rule_ids: ['942100'],
              blocked: false,
              detected: true,
            },
          ],
          probes: [],
          log_sources: [],
          notes: [],
        },
      ],
      problems: [],
    },
  } as unknown as Report['analyses'],
};

describe('finding shape in HTML', () => {
  it(
    'shows observed, expected, the decisive file:line, the configuration read and a link to the related check, ' +
      'escaped',
    () => {
      const html = renderHtml(report, { lang: 'en' });
      expect(html).toContain(
        '<strong>Observed:</strong> SecAuditEngine RelevantOnly with SecAuditLogRelevantStatus ^(?:5|4(?!04))',
      );
      expect(html).toContain('<strong>Expected:</strong> Successful requests reach the audit log');
      expect(html).toContain(
        '<code class="where">/srv/shop/modsecurity.conf:16</code> <code>SecAuditLogRelevantStatus ' +
          '&quot;^(?:5|4(?!04))&quot; &lt;b&gt;</code>',
      );
      expect(html).toContain(
        'Configuration read: <code>/srv/shop/apache.conf</code> (Apache parent pid 42 was started with -f ' +
          '/srv/shop/apache.conf; it answers port 8080 (ss -ltnp))',
      );
      expect(html).toMatch(
        /Related: <a href="#c-[a-z0-9-]+"><code>web\.active\.body-canary<\/code><\/a> \(RelevantStatus decides/,
      );
      expect(renderHtml(report, { lang: 'ja' })).toContain('<strong>観測:</strong> SecAuditEngine は RelevantOnly');
    },
  );

  it(
    'gives each web target one row: configuration read, body logged by configuration and by canary, WAF mode ' +
      'and what the probe proved',
    () => {
      const web = sectionOf(renderHtml(report, { lang: 'en' }), 'sec-web');
      const rows = web.slice(web.indexOf('web-rows'), web.indexOf('Appendix: what the live probes sent'));
      expect(rows.match(/<tr>/g)).toHaveLength(2); // the header and one target
      expect(rows).toContain('<strong>shop</strong><br>http://127.0.0.1:8080/');
      expect(rows).toContain(
        '/srv/shop/apache.conf</span><br><span class="web-meta">Apache parent pid 42 was started with -f ' +
          '/srv/shop/apache.conf',
      );
      expect(rows).toMatch(
        /<span class="st st-fail">Fail<\/span><\/a><br><span class="web-meta">SecAuditEngine RelevantOnly/,
      );
      expect(rows).toMatch(
        new RegExp(
          String.raw`<hr><a href="#c-[a-z0-9-]+"><span class="st st-fail">Fail<\/span><\/a><br><span class="web-m` +
            'eta">the request was logged but not its body',
        ),
      );
      expect(rows).toContain('not assessed');
      expect(web.indexOf('Appendix: what the live probes sent')).toBeGreaterThan(web.indexOf('web-rows'));
    },
  );
});
