import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readElasticText } from '../../../src/rules/elastic.js';
import { detectFormat, loadRules } from '../../../src/rules/load.js';
import { parseActions, readModSecurityText } from '../../../src/rules/modsecurity.js';
import { detectionFields, readSigmaText } from '../../../src/rules/sigma-meta.js';
import { parseSplunkConf, readSavedSearchesText, readSplunkYamlText } from '../../../src/rules/splunk.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const F = join(FIXTURES_DIR, 'rules');
const read = (p: string) => readFileSync(join(F, p), 'utf8');

describe('Elastic detection-rules TOML reader', () => {
  it(
    'takes techniques and sub-techniques from [[rule.threat]], fields from required_fields, Sysmon event 10 as ' +
      'process_access',
    () => {
      const { rules, problems } = readElasticText(
        read('elastic/credential_access_lsass_handle_via_werfault.toml'),
        'x.toml',
      );
      expect(problems).toEqual([]);
      expect(rules).toHaveLength(1);
      const r = rules[0]!;
      expect(r).toMatchObject({
        format: 'elastic',
        id: '3f0e9f2a-1111-4c2b-9d7e-0a1b2c3d4e5f',
        title: 'LSASS Process Access With Full Rights',
        level: 'high',
      });
      expect(r.techniques).toEqual(['T1003', 'T1003.001']);
      expect(r.tactics).toEqual(['credential-access']);
      expect(r.logsource).toEqual({ product: 'windows', category: 'process_access' });
      expect(r.fields).toEqual([
        'process.executable',
        'winlog.event_data.GrantedAccess',
        'winlog.event_data.TargetImage',
      ]);
    },
  );

  it('falls back to the fields the KQL query names, and keeps the v18 tactic name as written', () => {
    const r = readElasticText(read('elastic/defense_evasion_clear_eventlog_wevtutil.toml'), 'y.toml').rules[0]!;
    expect(r.fields).toEqual(['event.category', 'event.type', 'process.args', 'process.name']);
    expect(r.tactics).toEqual(['defense-evasion']);
    expect(r.logsource).toEqual({ product: 'windows', category: 'process_creation' });
  });

  it('reports a TOML syntax error with file, line and column instead of throwing', () => {
    const { rules, problems } = readElasticText(read('broken/bad_toml.toml'), 'bad.toml');
    expect(rules).toEqual([]);
    expect(problems[0]!.error).toMatch(/bad\.toml:2:\d+: unterminated string/);
  });
});

describe('Splunk readers', () => {
  it('reads security_content detection YAML: mitre_attack_id, data_source → log source, required_fields', () => {
    const r = readSplunkYamlText(read('splunk/windows_lsass_memory_access_for_dump.yml'), 's.yml').rules[0]!;
    expect(r.techniques).toEqual(['T1003.001']);
    expect(r.logsource).toEqual({ product: 'windows', category: 'process_access' });
    expect(r.fields).toEqual(['EventCode', 'GrantedAccess', 'SourceImage', 'TargetImage', 'dest']);
    expect(r.level).toBe('high');
    const cron = readSplunkYamlText(read('splunk/linux_auditd_cron_modification.yml'), 'c.yml').rules[0]!;
    expect(cron.logsource).toEqual({ product: 'linux', service: 'auditd' });
    expect(cron.techniques).toEqual(['T1053.003']);
  });

  it('parses savedsearches.conf with continued lines and reads correlation-search annotations', () => {
    const stanzas = parseSplunkConf(read('splunk/savedsearches.conf'));
    const esc = stanzas.find((s) => s.name.startsWith('ESCU'))!;
    expect(esc.keys.get('search')).toContain('| stats count by dest');
    const { rules, problems } = readSavedSearchesText(read('splunk/savedsearches.conf'), 'savedsearches.conf');
    expect(rules.map((r) => r.id)).toEqual([
      'ESCU - Windows LSASS Memory Access For Dump - Rule',
      'Brute Force Access Behavior Detected',
      'Risk Threshold Exceeded For Object',
    ]);
    const [lsass, brute, risk] = rules;
    expect(lsass).toMatchObject({
      techniques: ['T1003.001'],
      disabled: true,
      level: 'high',
      logsource: { product: 'windows', category: 'process_access' },
    });
    expect(brute).toMatchObject({
      techniques: ['T1110', 'T1110.003'],
      disabled: false,
      logsource: { category: 'authentication' },
    });
    expect(risk!.correlation).toBe(true);
    // The stanza with broken JSON is reported with its line; the plain report search is not a detection.
    expect(problems).toEqual([
      {
        path: 'savedsearches.conf',
        error: 'savedsearches.conf:37: [Broken Annotations]: annotations are not valid JSON',
      },
    ]);
  });
});

describe('ModSecurity / CRS reader', () => {
  it('splits actions with quoted values', () => {
    expect(parseActions("id:1,msg:'a, b',tag:'attack-sqli',t:none")).toEqual([
      ['id', '1'],
      ['msg', 'a, b'],
      ['tag', 'attack-sqli'],
      ['t', 'none'],
    ]);
  });

  it(
    'reads rules with their tags, maps attack tags to OWASP categories, skips flow control, merges chained ' +
      'variables',
    () => {
      const { rules, problems } = readModSecurityText(
        read('crs/REQUEST-942-APPLICATION-ATTACK-SQLI-TEST.conf'),
        'crs.conf',
      );
      expect(rules.map((r) => r.id)).toEqual(['942100', '930100', '913100', '934110']);
      const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
      expect(byId['942100']).toMatchObject({
        level: 'critical',
        owasp: ['A03:2021', 'A05:2025'],
        techniques: ['T1190'],
        logsource: { product: 'modsecurity', category: 'waf' },
      });
      expect(byId['930100']!.owasp).toEqual(['A01:2021', 'A01:2025']);
      expect(byId['930100']!.fields).toContain('REQUEST_BODY');
      expect(byId['913100']).toMatchObject({ owasp: [], techniques: ['T1595.002'] });
      expect(byId['934110']!.owasp).toEqual(['A10:2021', 'A01:2025']);
      expect(problems).toEqual([{ path: 'crs.conf', error: 'crs.conf:56: SecRule without an id action' }]);
    },
  );

  it.skipIf(!existsSync('/usr/share/modsecurity-crs/rules'))(
    'reads the installed OWASP CRS: every attack rule gets an OWASP category',
    async () => {
      const set = await loadRules(['/usr/share/modsecurity-crs/rules']);
      expect(set.problems).toEqual([]);
      const sqli = set.rules.filter((r) => r.tags.includes('attack-sqli'));
      expect(sqli.length).toBeGreaterThan(20);
      expect(sqli.every((r) => r.owasp.includes('A03:2021'))).toBe(true);
      const attackTagged = set.rules.filter((r) =>
        r.tags.some((t) => /^attack-(sqli|xss|rce|lfi|rfi|injection-php|fixation)$/.test(t)),
      );
      expect(attackTagged.every((r) => r.owasp.length > 0)).toBe(true);
    },
  );
});

describe('Sigma metadata reader', () => {
  it('collects field names from selections without modifiers, ignoring keyword lists', () => {
    expect(
      detectionFields({
        sel: { 'CommandLine|contains|all': ['a'], Image: 'x' },
        kw: ['mimikatz'],
        sel2: [{ ParentImage: 'y' }],
        condition: 'sel',
      }),
    ).toEqual(['CommandLine', 'Image', 'ParentImage']);
  });

  it('reads every document of a multi-document file and infers OWASP categories of web rules from the title', () => {
    const { rules, problems } = readSigmaText(read('sigma/web_sqli_body.yml'), 'w.yml');
    expect(problems).toEqual([]);
    expect(rules.map((r) => r.title)).toEqual(['SQL Injection Strings In Request Body', 'Web Server 404 Burst']);
    expect(rules[0]!.fields).toEqual(['cs-method', 'request_body']);
    expect(rules[0]!.owasp).toEqual(['A03:2021', 'A05:2025']);
    expect(rules[1]!.owasp).toEqual([]);
    expect(rules[1]!.line).toBeGreaterThan(1);
  });
});

describe('Sigma correlation rules', () => {
  it('reads a correlation rule as a correlation over its group-by fields, and its base rule as a plain rule', () => {
    const { rules } = readSigmaText(read('sigma/correlation_bruteforce.yml'), 'c.yml');
    expect(rules.map((r) => [r.title, r.correlation])).toEqual([
      ['Failed Logon', false],
      ['Many Failed Logons For One Account', true],
    ]);
    expect(rules[1]).toMatchObject({ techniques: ['T1110'], fields: ['TargetUserName'], logsource: {} });
    expect(rules[0]!.logsource).toEqual({ product: 'windows', service: 'security' });
  });
});

describe('loadRules', () => {
  it('reads a mixed folder, reports each unreadable file with its reason and keeps the rest', async () => {
    const set = await loadRules([F, join(F, 'does-not-exist')]);
    const formats = new Set(set.rules.map((r) => r.format));
    expect(formats).toEqual(new Set(['sigma', 'elastic', 'splunk-yaml', 'splunk-conf', 'modsecurity']));
    const bad = set.problems.map((p) => p.path.split('/').pop());
    expect(bad).toEqual(
      expect.arrayContaining(['bad_toml.toml', 'bad_sigma.yml', 'bad_yaml.yml', 'bad_crs.conf', 'does-not-exist']),
    );
    expect(set.problems.find((p) => p.path.endsWith('bad_sigma.yml'))!.error).toMatch(
      /bad_sigma\.yml:1: logsource: missing required field/,
    );
    expect(set.problems.find((p) => p.path.endsWith('does-not-exist'))!.error).toMatch(/ENOENT/);
  });

  it('recognises formats by extension and content, leaving non-rule files alone', () => {
    expect(detectFormat('a.conf', 'SecRule ARGS "x" "id:1"')).toBe('modsecurity');
    expect(detectFormat('savedsearches.conf', '[x]\nsearch = index=main')).toBe('splunk-conf');
    expect(detectFormat('crs-setup.conf', '# comments only')).toBeUndefined();
    expect(detectFormat('r.toml', '[metadata]\n[rule]\nname="x"')).toBe('elastic');
    expect(detectFormat('pyproject.toml', '[tool.x]')).toBeUndefined();
    expect(detectFormat('d.yml', 'name: x\nsearch: y')).toBe('splunk-yaml');
  });
});
