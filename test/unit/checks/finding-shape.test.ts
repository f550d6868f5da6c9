// biome-ignore-all lint/suspicious/noTemplateCurlyInString: Apache variables are literal ${...} text here
// Every finding says what was observed and what was expected in words (en, ja), the source lines that decided with
// their file and line, and the findings that explain it. Web checks first: ModSecurity, Apache, nginx, live probes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../src/checks/evaluate.js';
import { linkRelated } from '../../../src/collect/assess-target.js';
import type { Finding } from '../../../src/model.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import type { LiveProbeResult } from '../../../src/web/canary.js';
import { liveAnswer } from '../../../src/web/findings.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const catalog = loadCatalog();
const out = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const MODULES =
  'Loaded Modules:\n core_module (static)\n log_config_module (static)\n security2_module (shared)\n ' +
  'ssl_module (shared)\n proxy_module (shared)\n';
const apacheOutputs = {
  'apache-modules': out(MODULES),
  'apache-vhosts': out(''),
  'apache-config-dump': out(readFileSync(join(FIXTURES_DIR, 'web', 'dumps', 'apache-dump.txt'), 'utf8')),
  'nginx-config': { ...out(''), error: { kind: 'unsupported' as const, message: 'not asked' } },
  'nginx-modsecurity-files': { ...out(''), error: { kind: 'unsupported' as const, message: 'not asked' } },
};
const decide = (id: string, outputs: Record<string, ProbeResult> = apacheOutputs): Finding =>
  evaluateCheck(catalog.checks.find((c) => c.id === id)!, outputs, { targetId: 'shop', kind: 'web' });

describe('finding shape: observed, expected, decisive lines', () => {
  it(
    'the RelevantStatus trap says what it saw in both languages and ' + 'points at the two directives, file and line',
    () => {
      const f = decide('web.modsecurity.audit-relevant-status');
      expect(f.status).toBe('fail');
      expect(f.explanation!.observed.en).toBe(
        'SecAuditEngine RelevantOnly with SecAuditLogRelevantStatus ^(?:5|4(?!04)): a successful (200/302) ' +
          'request no rule matched is audited: false',
      );
      expect(f.explanation!.observed.ja).toContain('SecAuditLogRelevantStatus ^(?:5|4(?!04))');
      expect(f.explanation!.expected.en).toMatch(/^Successful requests reach the audit log/);
      expect(f.decisive).toEqual([
        { file: '/etc/modsecurity/modsecurity.conf', line: 3, text: 'SecAuditEngine RelevantOnly' },
        { file: '/etc/modsecurity/modsecurity.conf', line: 4, text: 'SecAuditLogRelevantStatus ^(?:5|4(?!04))' },
      ]);
    },
  );

  it('DetectionOnly: the engine line that won, not the one inside <IfModule !mod_security2.c>', () => {
    const f = decide('web.modsecurity.engine-on');
    expect(f.status).toBe('warn');
    expect(f.explanation!.observed).toEqual({
      en: 'SecRuleEngine DetectionOnly',
      ja: 'SecRuleEngine は DetectionOnly',
    });
    expect(f.decisive).toEqual([
      { file: '/etc/modsecurity/modsecurity.conf', line: 1, text: 'SecRuleEngine DetectionOnly' },
    ]);
  });

  it('Apache without a user agent names the CustomLog line', () => {
    const f = decide('web.apache.log-user-agent');
    expect(f.explanation!.observed.en).toBe(
      'Access logs without the user agent: ${APACHE_LOG_DIR}/app.log (format proxied) at ' +
        '/etc/apache2/sites-enabled/app.conf:6',
    );
    expect(f.decisive).toEqual([
      { file: '/etc/apache2/sites-enabled/app.conf', line: 6, text: 'CustomLog ${APACHE_LOG_DIR}/app.log proxied' },
    ]);
  });

  it('a failed body canary quotes the requests sent and the logs read, and the lines it found', () => {
    const r: LiveProbeResult = {
      kind: 'canary',
      marker: 'socready-canary-r-abcd1234-1',
      request: {
        kind: 'canary',
        time: 't',
        method: 'POST',
        url: 'http://shop/login',
        marker: 'm',
        status: 200,
        duration_ms: 1,
      },
      logs: [
        {
          path: '/var/log/nginx/access.log',
          origin: 'x',
          truncated: false,
          bytes_read: 9,
          hits: [
            {
              format: 'line',
              fields: ['line'],
              carried: { request: true, username: false, body: false },
              fake_credential: 'absent',
              rule_ids: [],
              intercepted: null,
              status: 200,
              excerpt: '"POST /login?socready_probe=… HTTP/1.1" 200',
            },
          ],
        },
      ],
      found_in: ['/var/log/nginx/access.log'],
      request_logged: true,
      body_logged: false,
      username_logged: false,
      fake_credential: 'absent',
      rule_ids: [],
      blocked: false,
      detected: false,
    };
    const f = decide('web.active.body-canary', { 'body-canary': liveAnswer({ has_host: true, probes: [r] }) });
    expect(f.status).toBe('fail');
    expect(f.explanation!.observed.en).toBe(
      'Sent: POST http://shop/login (socready-canary-r-abcd1234-1). socready-canary-r-abcd1234-1: the ' +
        'request was logged in /var/log/nginx/access.log but not its body',
    );
    expect(f.explanation!.expected.en).toBe(
      "The canary's URL, username and body fields in a log read from the server (/var/log/nginx/access.log)",
    );
    expect(f.decisive).toEqual([
      { file: '/var/log/nginx/access.log', text: '"POST /login?socready_probe=… HTTP/1.1" 200' },
    ]);
  });

  it('every web check declares observed and expected words in both languages', () => {
    const web = catalog.checks.filter((c) => c.file?.startsWith('web/'));
    expect(web.length).toBeGreaterThan(25);
    expect(web.filter((c) => !c.explain_text?.observed.ja || !c.explain_text?.expected.ja).map((c) => c.id)).toEqual(
      [],
    );
  });
});

describe('related findings', () => {
  it(
    'links a failed body canary and the RelevantStatus directive that kept it out, both ways, and not two ' + 'passes',
    () => {
      const checks = catalog.checks.filter(
        (c) => c.id === 'web.active.body-canary' || c.id === 'web.modsecurity.audit-relevant-status',
      );
      const f = (check: string, status: Finding['status']) => ({ check, status }) as Finding;
      const findings = [f('web.active.body-canary', 'fail'), f('web.modsecurity.audit-relevant-status', 'fail')];
      linkRelated(findings, checks);
      expect(findings[0]!.related).toEqual([
        {
          check: 'web.modsecurity.audit-relevant-status',
          why: expect.objectContaining({ en: expect.stringMatching(/^SecAuditLogRelevantStatus decides/) }),
        },
      ]);
      expect(findings[1]!.related!.map((r) => r.check)).toEqual(['web.active.body-canary']);
      const passes = [f('web.active.body-canary', 'pass'), f('web.modsecurity.audit-relevant-status', 'pass')];
      linkRelated(passes, checks);
      expect(passes.every((x) => x.related === undefined)).toBe(true);
    },
  );
});
