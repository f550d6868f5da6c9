import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../../../src/model.js';
import { registerReportHelpers } from '../../../../src/report/html.js';
import type { WebAssessment } from '../../../../src/web/summary.js';
import { summariseWeb } from '../../../../src/web/summary.js';
import { REPO_ROOT } from '../../../helpers/paths.js';

const TEMPLATE = readFileSync(join(REPO_ROOT, 'templates', 'sections', 'web.hbs'), 'utf8');

function assessment(): WebAssessment {
  const request = {
    kind: 'canary' as const,
    time: '2026-11-23T10:00:00.000Z',
    method: 'POST',
    url: 'http://app.test/login?socready_probe=m-url',
    marker: 'socready-canary-r1-1',
    status: 200,
    duration_ms: 5,
  };
  return {
    target: 'app',
    result: {
      id: 'app',
      kind: 'web',
      address: 'app.test',
      transport: 'http',
      status: 'ok',
      duration_ms: 1,
      checks_run: 0,
    },
    findings: [],
    evidence: [],
    details: {
      target: 'app',
      urls: ['http://app.test/'],
      server: { declared: 'nginx', detected: ['nginx'] },
      host: 'web-host',
      tls: [
        {
          url: 'https://app.test/',
          host: 'app.test',
          port: 443,
          ok: false,
          error: 'ECONNREFUSED: <script>x</script>',
          duration_ms: 1,
          owner: 'unknown',
        },
      ],
      canary: [
        {
          kind: 'canary',
          marker: 'socready-canary-r1-1',
          request,
          logs: [
            {
              path: '/var/log/nginx/body.log',
              origin: 'nginx access_log',
              truncated: true,
              bytes_read: 10,
              latency_ms: 42,
              hits: [
                {
                  format: 'json',
                  fields: ['req', 'body'],
                  carried: { request: true, username: true, body: true },
                  fake_credential: 'clear',
                  rule_ids: [],
                  intercepted: null,
                  status: 200,
                  excerpt: '',
                },
              ],
            },
          ],
          found_in: ['/var/log/nginx/body.log'],
          request_logged: true,
          body_logged: true,
          username_logged: true,
          fake_credential: 'clear',
          rule_ids: [],
          blocked: false,
          detected: false,
          first_seen_ms: 42,
        },
      ],
      waf: [],
      probes: [request],
      log_sources: [],
      notes: [{ en: 'English note', ja: '日本語の注記' }],
    },
  };
}

function render(lang: Lang): string {
  const hbs = Handlebars.create();
  registerReportHelpers(hbs, lang);
  return hbs.compile(TEMPLATE)({ report: { analyses: { web: summariseWeb([assessment()]) } }, lang });
}

describe('web report section', () => {
  it('renders the canary landing, the request list and escapes what came from the network', () => {
    const html = render('en');
    expect(html).toContain('Body-logging canary');
    expect(html).toContain('/var/log/nginx/body.log');
    expect(html).toContain('in clear');
    expect(html).toContain('42 ms');
    expect(html).toContain('2026-11-23T10:00:00.000Z');
    expect(html).not.toContain('<script>x</script>');
    expect(html).toContain('&lt;script&gt;');
    expect(TEMPLATE).not.toMatch(/\{\{\{/);
  });

  it('renders in Japanese', () => {
    const html = render('ja');
    expect(html).toContain('ボディロギングのカナリア');
    expect(html).toContain('日本語の注記');
    expect(html).not.toContain('English note');
  });

  it('summarises canaries and WAF probes', () => {
    expect(summariseWeb([assessment()]).summary).toMatchObject({
      targets: 1,
      https_endpoints: 1,
      tls_problems: 1,
      canaries_sent: 1,
      canaries_body_logged: 1,
      canaries_password_clear: 1,
      waf_probes_sent: 0,
    });
  });
});
