import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAttackCatalog } from '../../../src/attack/catalog.js';
import { computeCoverage } from '../../../src/coverage/analyse.js';
import { servesLogSource } from '../../../src/coverage/logsource.js';
import { VisibilityIndex } from '../../../src/coverage/visibility.js';
import { loadRules } from '../../../src/rules/load.js';
import type { RuleSet } from '../../../src/rules/model.js';
import { FIXTURES_DIR, SHARED_DIR } from '../../helpers/paths.js';
import { finding, fleet } from './helpers.js';

const SYSMON10 = { product: 'windows', category: 'process_access' };

describe('servesLogSource', () => {
  it("matches on the rule's most specific key and refuses conflicts or vaguer providers", () => {
    expect(servesLogSource({ product: 'windows', category: 'process_access' }, SYSMON10)).toBe(true);
    expect(servesLogSource({ product: 'windows', category: 'process_access' }, { category: 'process_access' })).toBe(
      true,
    );
    expect(
      servesLogSource({ product: 'windows', category: 'process_access' }, { product: 'windows', service: 'sysmon' }),
    ).toBe(false);
    expect(
      servesLogSource(
        { product: 'linux', category: 'process_creation' },
        { product: 'windows', category: 'process_creation' },
      ),
    ).toBe(false);
    expect(
      servesLogSource(
        { product: 'windows', category: 'registry_set' },
        { product: 'windows', category: 'registry_event' },
      ),
    ).toBe(true);
    expect(
      servesLogSource({ product: 'windows', service: 'security' }, { product: 'windows', service: 'security' }),
    ).toBe(true);
    expect(servesLogSource({}, SYSMON10)).toBe(false);
  });
});

describe('joining rules with the scan', () => {
  let sigma: RuleSet;
  let fixtures: RuleSet;
  const catalog = loadAttackCatalog();
  beforeAll(async () => {
    sigma = await loadRules([join(SHARED_DIR, 'sigma', 'rules', 'windows', 'process_access')]);
    fixtures = await loadRules([
      join(FIXTURES_DIR, 'rules', 'sigma'),
      join(FIXTURES_DIR, 'rules', 'splunk'),
      join(FIXTURES_DIR, 'rules', 'elastic'),
    ]);
  });

  it('a failing Sysmon event 10 check turns the process_access rules from visible to blind', () => {
    const on = computeCoverage(sigma, catalog, {
      findings: fleet('win.sysmon.event10', 14, 14, [SYSMON10], 'Sysmon event 10 is on'),
    });
    const off = computeCoverage(sigma, catalog, {
      findings: fleet('win.sysmon.event10', 14, 0, [SYSMON10], 'Sysmon event 10 is on'),
    });
    const lsass = (r: typeof on) => r.details.techniques.find((t) => t.id === 'T1003.001')!;
    expect(on.summary.rules_blind).toBe(0);
    expect(lsass(on).grade).toBe('visible');
    expect(lsass(on).rules.every((r) => r.visibility === 'visible')).toBe(true);
    expect(off.summary.rules_blind).toBe(sigma.rules.filter((r) => !r.disabled).length);
    expect(lsass(off).grade).toBe('blind');
    expect(off.summary.techniques_visible).toBe(0);
    expect(off.details.blind_sources).toHaveLength(1);
    expect(off.details.blind_sources[0]!.explain.en).toBe(
      'windows/process_access rules are blind: "Sysmon event 10 is on" (win.sysmon.event10) fails on 14 of ' +
        '14 target(s) (win01, win02, win03 …).',
    );
  });

  it('explains a partly collected source with how many hosts miss it', () => {
    const res = computeCoverage(sigma, catalog, {
      findings: fleet('win.sysmon.event10', 14, 2, [SYSMON10], 'Sysmon event 10 is on'),
    });
    const b = res.details.blind_sources[0]!;
    expect(b).toMatchObject({ visibility: 'partial', st: 'warn', blind_targets: 12, measured_targets: 14 });
    expect(b.explain.en).toMatch(
      /partly blind: "Sysmon event 10 is on" \(win\.sysmon\.event10\) fails on 12 of 14 target/,
    );
    expect(b.explain.ja).toMatch(/14 台中 12 台/);
    // Partly visible still counts as visible for the technique, with the partial explanation attached.
    expect(res.details.techniques.find((t) => t.id === 'T1003.001')!.grade).toBe('visible');
  });

  it('a failing check about a field blinds only the rules that read that field', () => {
    const web = [
      finding('web.access_log', 'web1', 'pass', [{ category: 'webserver' }]),
      finding(
        'web.request_body_logged',
        'web1',
        'fail',
        [{ category: 'webserver', fields: ['request_body'] }],
        'Request bodies are logged',
      ),
    ];
    const vis = new VisibilityIndex(web);
    const sqli = fixtures.rules.find((r) => r.title === 'SQL Injection Strings In Request Body')!;
    const burst = fixtures.rules.find((r) => r.title === 'Web Server 404 Burst')!;
    const v1 = vis.of(sqli);
    expect(v1.visibility).toBe('blind');
    expect(v1.missing_fields).toEqual(['request_body']);
    expect(v1.explain.en).toContain('field request_body not logged');
    expect(vis.of(burst).visibility).toBe('visible');
  });

  it('another passing source of the same events keeps rules visible where one source is off, per target', () => {
    const proc = { product: 'windows', category: 'process_creation' };
    const findings = [
      finding('win.audit.4688', 'h1', 'fail', [proc], 'Process creation auditing (4688) is on'),
      finding('win.sysmon.event1', 'h1', 'pass', [proc], 'Sysmon event 1 is on'),
      finding('win.audit.4688', 'h2', 'fail', [proc], 'Process creation auditing (4688) is on'),
      finding(
        'win.audit.4688_cmdline',
        'h3',
        'fail',
        [{ ...proc, fields: ['CommandLine'] }],
        '4688 includes the command line',
      ),
      finding('win.audit.4688', 'h3', 'pass', [proc], 'Process creation auditing (4688) is on'),
    ];
    const vis = new VisibilityIndex(findings);
    const rule = { ...sigma.rules[0]!, logsource: proc, fields: ['CommandLine', 'Image'] };
    const v = vis.of(rule);
    expect(v.visible_on).toEqual(['h1']);
    expect(v.blind_on).toEqual(['h2', 'h3']);
    expect(v.visibility).toBe('partial');
    expect(v.missing_fields).toEqual(['CommandLine']);
    // A rule that does not read the command line is not blinded by the missing field on h3.
    expect(vis.of({ ...rule, fields: ['Image'] }).blind_on).toEqual(['h2']);
  });

  it('leaves rules whose source no check looked at as unknown, graded declared', () => {
    const res = computeCoverage(fixtures, catalog, { findings: fleet('win.sysmon.event10', 2, 2, [SYSMON10]) });
    const cron = res.details.techniques.find((t) => t.id === 'T1053.003')!;
    expect(cron.grade).toBe('declared');
    expect(cron.rules[0]!.visibility).toBe('unknown');
    expect(cron.explain.map((e) => e.en).join(' ')).toMatch(/No check in this scan looked at linux\/auditd/);
  });

  it('ignores error and inconclusive findings: they measure nothing', () => {
    const vis = new VisibilityIndex([
      finding('x', 'h', 'error', [SYSMON10]),
      finding('y', 'h', 'inconclusive', [SYSMON10]),
    ]);
    expect(vis.measured).toBe(false);
    expect(vis.of(sigma.rules[0]!).visibility).toBe('unknown');
  });
});

describe('joining rules with the source map (issue 13)', () => {
  let sigma: RuleSet;
  const catalog = loadAttackCatalog();
  beforeAll(async () => {
    sigma = await loadRules([join(SHARED_DIR, 'sigma', 'rules', 'windows', 'process_access')]);
  });
  const gate = (status: 'measured' | 'missing' | 'declared' | 'unknown') => [
    {
      id: 'sysmon',
      name: { en: 'Sysmon', ja: 'Sysmon' },
      status,
      sigma: [{ product: 'windows', category: 'process_access' }],
    },
  ];
  const findings = () => fleet('win.sysmon.event10', 3, 3, [SYSMON10], 'Sysmon event 10 is on');

  it('counts a rule as visible only where its log-source class is measured', () => {
    const measured = computeCoverage(sigma, catalog, { findings: findings(), sourceClasses: gate('measured') });
    const lsass = (r: typeof measured) => r.details.techniques.find((t) => t.id === 'T1003.001')!;
    expect(lsass(measured).grade).toBe('visible');
    // The hosts log event 10, but the class is not proven to reach the SIEM: not visible.
    const missing = computeCoverage(sigma, catalog, { findings: findings(), sourceClasses: gate('missing') });
    expect(lsass(missing).grade).toBe('blind');
    expect(missing.summary.rules_blind).toBe(sigma.rules.filter((r) => !r.disabled).length);
    const declared = computeCoverage(sigma, catalog, { findings: findings(), sourceClasses: gate('declared') });
    expect(lsass(declared).rules.every((r) => r.visibility === 'unknown')).toBe(true);
    expect(declared.summary.techniques_visible).toBe(0);
  });

  it('says why, naming the class and its status', () => {
    const vis = new VisibilityIndex(findings(), gate('declared'));
    const v = vis.of(sigma.rules[0]!);
    expect(v).toMatchObject({ visibility: 'unknown', source_classes: ['sysmon'], visible_on: [] });
    expect(v.explain.en).toContain('its source class "Sysmon" is declared in the source map');
  });

  it('leaves rules of a log source no class describes as the findings say', () => {
    const other = [
      { id: 'dns', name: { en: 'DNS', ja: 'DNS' }, status: 'missing' as const, sigma: [{ category: 'dns' }] },
    ];
    const v = new VisibilityIndex(findings(), other).of(sigma.rules[0]!);
    expect(v.visibility).toBe('visible');
    expect(v.source_classes).toBeUndefined();
  });
});
