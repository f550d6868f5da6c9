// biome-ignore-all lint/suspicious/noExplicitAny: facts are plain JSON; the tests read them loosely
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: nginx and Apache variables are literal ${...} text here
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ParseError } from '../../../../src/checks/types.js';
import { apacheFacts, parseModules, parseVhosts } from '../../../../src/parsers/web/apache.js';
import {
  moduleName,
  parseApacheFile,
  resolveApacheTree,
  splitApacheArgs,
} from '../../../../src/parsers/web/apache-config.js';
import { webParsers } from '../../../../src/parsers/web/index.js';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { modsecurityFacts } from '../../../../src/parsers/web/modsecurity.js';
import { squidFacts } from '../../../../src/parsers/web/squid.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../../helpers/paths.js';

const dump = (name: string) => readFileSync(join(FIXTURES_DIR, 'web', 'dumps', name), 'utf8');
const out = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const MODULES =
  'Loaded Modules:\n core_module (static)\n log_config_module (static)\n security2_module (shared)\n ' +
  'ssl_module (shared)\n proxy_module (shared)\n';

describe('Apache configuration syntax', () => {
  it('splits arguments with quotes and escaped quotes', () => {
    expect(splitApacheArgs(`"%h \\"%r\\" %>s" combined`)).toEqual(['%h "%r" %>s', 'combined']);
    expect(splitApacheArgs(`ARGS "@rx a b" 'id:1,pass'`)).toEqual(['ARGS', '@rx a b', 'id:1,pass']);
  });

  it('joins continuation lines and nests sections', () => {
    const d = parseApacheFile(
      'SecAction \\\n  "id:1,\\\n  pass"\n<VirtualHost *:80>\n  <Location /a>\n    SecRuleEngine Off\n  ' +
        '</Location>\n</VirtualHost>\n',
      'f',
    );
    expect(d[0]).toMatchObject({ name: 'SecAction', args: ['id:1, pass'] });
    expect(d[1]!.block![0]!.block![0]).toMatchObject({ name: 'SecRuleEngine', args: ['Off'], line: 6 });
  });

  it('rejects an unclosed or mismatched section with the file and line', () => {
    expect(() => parseApacheFile('<IfModule x>\nFoo\n', '/a.conf')).toThrow(/a\.conf:1: <IfModule> is never closed/);
    expect(() => parseApacheFile('<Location />\n</Directory>\n', '/b.conf')).toThrow(ParseError);
  });

  it('names modules the way -M does', () => {
    expect(moduleName('mod_security2.c')).toBe('security2_module');
    expect(moduleName('!security2_module')).toBe('security2_module');
    expect(parseModules(MODULES)).toContain('security2_module');
  });

  it('expands ServerRoot-relative includes in order and honours <IfModule !...>', () => {
    const files = [
      {
        path: '/r/main.conf',
        text:
          'ServerRoot /r\nInclude conf.d/*.conf\n<IfModule !foo_module>\nA 1\n</IfModule>\n<IfModule ' +
          'foo_module>\nA 2\n</IfModule>\n',
      },
      { path: '/r/conf.d/b.conf', text: 'B b\n' },
      { path: '/r/conf.d/a.conf', text: 'B a\n' },
    ];
    const tree = resolveApacheTree(files, new Set());
    expect(tree.directives.map((d) => `${d.name} ${d.args.join(' ')}`)).toEqual(['ServerRoot /r', 'B a', 'B b', 'A 1']);
  });
});

describe('Apache facts', () => {
  const facts = () =>
    apacheFacts({
      'apache-modules': out(MODULES),
      'apache-config-dump': out(dump('apache-dump.txt')),
      'apache-vhosts': out('*:443                  app.example.org (/etc/apache2/sites-enabled/app.conf:1)\n'),
    }) as any;

  it('reads ModSecurity from the included files, the server-level value winning over a <Location> override', () => {
    const m = facts().modsecurity;
    expect(m).toMatchObject({
      loaded: true,
      rule_engine: 'DetectionOnly',
      request_body_access: true,
      audit_engine: 'RelevantOnly',
      audit_logs_success: false,
    });
    expect(m.rule_engine_overrides).toEqual([{ value: 'Off', scope: 'VirtualHost *:443 > Location /admin' }]);
    // <IfModule !mod_security2.c> was skipped: its "SecRuleEngine On" must not count.
    expect(m.parts).toMatchObject({ C: false, I: true, E: true, K: false });
    expect(m.audit_request_body).toBe(true);
    expect(m.audit_response_body).toBe(false);
  });

  it('finds TLS-terminating proxies, certificates, forwarded-for logging and vhosts', () => {
    const f = facts();
    expect(f.tls).toEqual({ ssl_vhosts: 1, ssl_proxy_vhosts: 1, certificates: ['/etc/ssl/certs/app.pem'] });
    expect(f.real_ip).toMatchObject({ xff_logged: true, ok: true, module_configured: false });
    expect(f.custom_logs[0]).toMatchObject({ path: '${APACHE_LOG_DIR}/app.log', format: 'proxied', xff: true });
    expect(f.vhosts).toEqual([
      { address: '*:443', name: 'app.example.org', source: '/etc/apache2/sites-enabled/app.conf:1' },
    ]);
    expect(f.dumpio.loaded).toBe(false);
  });

  it('reports Apache absent when neither -M nor the dump answered', () => {
    const f = apacheFacts({ 'apache-modules': { ...out(''), stderr: 'sh: apachectl: not found', exitCode: 127 } });
    expect(f.present).toBe(false);
  });

  it('parses vhost listings with namevhost lines', () => {
    const v = parseVhosts(
      '*:80                   is a NameVirtualHost\n         default server a.test (/e/a.conf:1)\n         ' +
        'port 80 namevhost a.test (/e/a.conf:1)\n',
    );
    expect(v).toHaveLength(2);
  });
});

describe('ModSecurity facts', () => {
  const d = (name: string, ...args: string[]) => ({ name, args, file: 'f', line: 1, scope: [] as string[] });

  it('applies ModSecurity defaults when nothing is set (engine Off, parts ABCFHZ, native format)', () => {
    const m = modsecurityFacts([], [], true);
    expect(m).toMatchObject({
      rule_engine: 'Off',
      audit_engine: 'Off',
      audit_log_parts: 'ABCFHZ',
      audit_log_format: 'Native',
      request_body_access: false,
    });
    expect(m.crs.installed).toBe(false);
  });

  it('decides the RelevantStatus trap from the regex: 2xx/3xx logged or not', () => {
    const base = [d('SecAuditEngine', 'RelevantOnly')];
    expect(
      modsecurityFacts([...base, d('SecAuditLogRelevantStatus', '^(?:5|4(?!04))')], [], true).audit_logs_success,
    ).toBe(false);
    expect(modsecurityFacts([...base, d('SecAuditLogRelevantStatus', '^[2345]')], [], true).audit_logs_success).toBe(
      true,
    );
    expect(modsecurityFacts([d('SecAuditEngine', 'On')], [], true).audit_logs_success).toBe(true);
    // An invalid regex is not taken as "logs success".
    expect(modsecurityFacts([...base, d('SecAuditLogRelevantStatus', '(')], [], true).audit_logs_success).toBe(false);
  });

  it('sees password masking through sanitiseArg names', () => {
    const m = modsecurityFacts(
      [d('SecAction', 'id:1,phase:5,pass,nolog,sanitiseArg:user_pass,sanitiseArg:email')],
      [],
      true,
    );
    expect(m.sanitised_args).toEqual(['email', 'user_pass']);
    expect(m.password_masked).toBe(true);
    expect(
      modsecurityFacts([d('SecAction', 'id:1,phase:5,pass,nolog,sanitiseArg:email')], [], true).password_masked,
    ).toBe(false);
  });

  it('takes the CRS 3 paranoia variable and the default thresholds when crs-setup leaves them commented', () => {
    const files = [
      {
        path: '/usr/share/modsecurity-crs/rules/REQUEST-901-INITIALIZATION.conf',
        text: '# OWASP ModSecurity Core Rule Set ver.3.3.4\n',
      },
    ];
    const m = modsecurityFacts(
      [d('SecAction', 'id:900000,phase:1,nolog,pass,t:none,setvar:tx.paranoia_level=3')],
      files,
      true,
    );
    expect(m.crs).toMatchObject({
      installed: true,
      version: '3.3.4',
      major: 3,
      paranoia_level: 3,
      inbound_threshold: 5,
      outbound_threshold: 4,
      rule_files: 1,
    });
  });
});

describe('web-modsecurity parser', () => {
  it('reports the Apache ModSecurity when Apache has it and nginx does not', () => {
    const f = webParsers['web-modsecurity']!(
      {
        'apache-modules': out(MODULES),
        'apache-config-dump': out(dump('apache-dump.txt')),
        'nginx-config': { ...out(''), exitCode: 127 },
      },
      { targetId: 't', kind: 'web' },
    );
    expect(f).toMatchObject({ present: true, server: 'apache', rule_engine: 'DetectionOnly' });
  });

  it('is absent when no server loads ModSecurity', () => {
    const f = webParsers['web-modsecurity']!(
      { 'nginx-config': out('# configuration file /e/n.conf:\nevents {}\n') },
      { targetId: 't', kind: 'web' },
    );
    expect(f.present).toBe(false);
  });
});

describe('Squid ssl_bump', () => {
  it('sees peek + splice as no decryption, and bump as decryption', () => {
    const splice = squidFacts({ 'squid-config': out(dump('squid-parse.txt')) }) as any;
    expect(splice).toMatchObject({
      present: true,
      ssl_bump_ports: 1,
      decrypts: false,
      mode: 'splice/peek only',
      ca_certificates: ['/etc/squid/ca.pem'],
    });
    expect(splice.access_log).toEqual(['daemon:/var/log/squid/access.log']);
    const bump = squidFacts({
      'squid-config': out(dump('squid-parse.txt').replace('ssl_bump splice all', 'ssl_bump bump all')),
    });
    expect(bump).toMatchObject({ decrypts: true, mode: 'bump' });
  });

  it('treats an ssl-bump port without rules as the default splice', () => {
    const f = squidFacts({ 'squid-config': out('2026/01/01| Processing: http_port 3128 ssl-bump tls-cert=/x.pem\n') });
    expect(f).toMatchObject({ decrypts: false, mode: 'splice (default)' });
  });
});

describe('web.apache.log-user-agent', () => {
  const check = loadCatalog().checks.find((c) => c.id === 'web.apache.log-user-agent')!;
  const evaluateWith = (text: string) =>
    evaluateCheck(
      check,
      { 'apache-modules': out(MODULES), 'apache-vhosts': out(''), 'apache-config-dump': out(text) },
      { targetId: 'w', kind: 'web' },
    );

  it(
    'fails on an access log whose format leaves out the user agent, naming the log, its format and where it is ' +
      'set',
    () => {
      const f = evaluateWith(dump('apache-dump.txt'));
      expect(f.status).toBe('fail');
      expect(f.reason).toBe(
        'no %{User-agent}i in ${APACHE_LOG_DIR}/app.log (format proxied, /etc/apache2/sites-enabled/app.conf:6)',
      );
    },
  );

  it('passes when every CustomLog format carries %{User-Agent}i, warns when only some do', () => {
    const ok =
      '==> /etc/apache2/apache2.conf <==\nLogFormat "%h %t \\"%r\\" %>s \\"%{User-Agent}i\\"" ua\nCustomLog ' +
      '/var/log/apache2/access.log ua\n';
    expect(evaluateWith(ok).status).toBe('pass');
    expect(evaluateWith(`${ok}CustomLog /var/log/apache2/other.log common\n`).status).toBe('warn');
  });
});
