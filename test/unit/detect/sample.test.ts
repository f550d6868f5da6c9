import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_SCENARIOS, runSampleDetections, type DetectionDetails } from '../../../src/detect/sample.js';
import { loadScenarios } from '../../../src/detect/scenario.js';
import { BUILTIN_RULES } from '../../../src/detect/run.js';

const ATTACK_CLASSES = [
  'sql-injection',
  'data-leakage',
  'credential-stuffing',
  'password-spraying',
  'process-injection',
  'kernel-backdoor',
  'web-shell',
  'brute-force',
  'c2-beaconing',
  'execution-lolbin',
  'database-abuse',
];

describe('the web + database SQL injection pair', () => {
  const PAIR = '4da2950a';
  const run = (blind: Parameters<typeof runSampleDetections>[0]['blind']) =>
    runSampleDetections({ rulePaths: [BUILTIN_RULES], scenarioPaths: [BUILTIN_SCENARIOS], blind }).then(
      (r) => (r.details as DetectionDetails).scenarios.find((s) => s.id === 'sqli-web-and-database')!,
    );

  it('joins the request body and the pgaudit record of the same injection when both logs are collected', async () => {
    const s = await run([]);
    const pair = s.rules.find((r) => r.rule_id.startsWith(PAIR))!;
    expect(pair).toMatchObject({ expected: true, fired_on_attack: true, fired_on_baseline: false });
    expect(s.detected).toBe(true);
  });

  it('names the missing half: no database audit log, or no request body', async () => {
    const noDb = await run([{ product: 'postgresql' }]);
    expect(noDb.blind_by).toEqual([{ product: 'postgresql' }]);
    expect(
      noDb.rules
        .filter((r) => r.blinded)
        .map((r) => r.rule_id.slice(0, 8))
        .sort(),
    ).toEqual([PAIR, '9f298af9']);
    // The web half still fires on its own.
    expect(noDb.rules.find((r) => r.rule_id.startsWith('a20e4464'))).toMatchObject({
      fired_on_attack: true,
      blinded: false,
    });
    const noBody = await run([{ product: 'nginx', category: 'webserver', fields: ['request_body'] }]);
    expect(noBody.blind_by).toEqual([{ product: 'nginx', category: 'webserver', fields: ['request_body'] }]);
    expect(
      noBody.rules
        .filter((r) => r.blinded)
        .map((r) => r.rule_id.slice(0, 8))
        .sort(),
    ).toEqual([PAIR, 'a20e4464']);
    expect(noBody.rules.find((r) => r.rule_id.startsWith('9f298af9'))).toMatchObject({
      fired_on_attack: true,
      blinded: false,
    });
  });
});

describe('built-in scenarios and rule pack', () => {
  it('validates every scenario file and covers the attack classes of the issue', () => {
    const { scenarios, problems } = loadScenarios([BUILTIN_SCENARIOS]);
    expect(problems).toEqual([]);
    expect(new Set(scenarios.map((s) => s.attack_class))).toEqual(new Set(ATTACK_CLASSES));
    // SQL injection is shown in a web server body log, in a ModSecurity audit log, and as the web + database pair.
    expect(
      scenarios
        .filter((s) => s.attack_class === 'sql-injection')
        .map((s) => s.log_sources.map((l) => l.product ?? l.category).join('+'))
        .sort(),
    ).toEqual(['modsecurity', 'webserver', 'webserver+postgresql']);
  });

  it('detects every attack with its expected rules and stays silent on every baseline', async () => {
    const r = await runSampleDetections({ rulePaths: [BUILTIN_RULES], scenarioPaths: [BUILTIN_SCENARIOS], blind: [] });
    const d = r.details as DetectionDetails;
    expect(r.problems).toEqual([]);
    for (const s of d.scenarios) {
      expect({ id: s.id, detected: s.detected, fp: s.false_positive }).toEqual({ id: s.id, detected: true, fp: false });
      for (const rule of s.rules.filter((x) => x.expected))
        expect({ id: s.id, rule: rule.rule_id, tp: rule.fired_on_attack }).toEqual({
          id: s.id,
          rule: rule.rule_id,
          tp: true,
        });
    }
    expect(r.summary).toMatchObject({
      scenarios: 14,
      attacks_detected: 14,
      attacks_missed: 0,
      false_positives: 0,
      benign_silent: 14,
      blinded_by_environment: 0,
    });
    // Every built-in rule is validated on an attack and was run over benign events of its log source.
    expect(d.rules.filter((x) => !x.validated || !x.benign_tested)).toEqual([]);
    expect(d.rules.find((x) => x.rule_id === '44b86181-ac7e-4db6-8512-14414635ff25')!.techniques).toEqual([
      'T1110.001',
      'T1078',
    ]);
  });

  it('shows which detections go blind without request bodies, Sysmon 10 or command lines', async () => {
    const r = await runSampleDetections({
      rulePaths: [BUILTIN_RULES],
      scenarioPaths: [BUILTIN_SCENARIOS],
      blind: [
        { product: 'nginx', category: 'webserver', fields: ['request_body'] },
        { product: 'modsecurity', category: 'waf', fields: ['request_body'] },
        { product: 'windows', category: 'process_access' },
        { product: 'windows', category: 'process_creation', fields: ['CommandLine'] },
      ],
    });
    const d = r.details as DetectionDetails;
    const blinded = Object.fromEntries(
      d.scenarios.map((s) => [
        s.id,
        s.rules
          .filter((x) => x.blinded)
          .map((x) => x.rule_id)
          .sort(),
      ]),
    );
    expect(blinded['sqli-post-body-weblog']).toEqual(['a20e4464-8b0b-43c6-b9fe-d2dc2d364d45']);
    // The ModSecurity rule-id rule does not need the body, so that scenario is still detected.
    expect(blinded['sqli-post-body-modsecurity']).toEqual(['a20e4464-8b0b-43c6-b9fe-d2dc2d364d45']);
    expect(blinded['dll-injection-sysmon']).toEqual([
      '67633bc1-dd24-4f59-80cb-ae78b4f32506',
      'ef362185-c40e-42e5-ae4e-fa68f456dcfc',
    ]);
    expect(blinded['windows-process-creation-abuse']).toEqual([
      '67417c8e-16c3-4c09-b99e-0360f2ad8164',
      '8ea3b733-7d7e-434c-a115-ac22f836aa16',
    ]);
    expect(blinded['failed-logons-then-success']).toEqual([]);
    // The web + database pair needs the body too (its database half still fires alone).
    expect(d.scenarios.filter((s) => s.blinded).map((s) => s.id)).toEqual([
      'sqli-post-body-weblog',
      'sqli-web-and-database',
    ]);
    expect(
      d.scenarios
        .filter((s) => s.partly_blinded)
        .map((s) => s.id)
        .sort(),
    ).toEqual(['dll-injection-sysmon', 'sqli-post-body-modsecurity', 'windows-process-creation-abuse']);
    expect(r.summary.blinded_by_environment).toBe(8); // 6, and the body rule and the pair rule of sqli-web-and-database
    expect(d.scenarios.find((s) => s.id === 'dll-injection-sysmon')!.blind_by).toEqual([
      { product: 'windows', category: 'process_access' },
    ]);
  });

  it('applies a gap of one web server product to the generic web scenarios, and never across categories', async () => {
    const r = await runSampleDetections({
      rulePaths: [BUILTIN_RULES],
      scenarioPaths: [BUILTIN_SCENARIOS],
      blind: [
        { product: 'apache', category: 'webserver', fields: ['request_body'] },
        { product: 'linux', category: 'file_event' },
      ],
    });
    const d = r.details as DetectionDetails;
    expect(d.scenarios.filter((s) => s.blinded).map((s) => s.id)).toEqual([
      'sqli-post-body-weblog',
      'sqli-web-and-database',
    ]);
    expect(
      d.scenarios
        .filter((s) => s.blind_by.length)
        .map((s) => s.id)
        .sort(),
    ).toEqual([
      'credential-stuffing-web',
      'data-leak-response-body',
      'php-webshell',
      'sqli-post-body-weblog',
      'sqli-web-and-database',
    ]);
  });

  it(
    "runs the organisation's rules beside the pack, reports their failures and marks a noisy rule as a false " +
      'positive',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'org-rules-'));
      writeFileSync(
        join(dir, 'noisy.yml'),
        'title: Any PowerShell\nid: org-any-powershell\nlogsource: {product: windows, category: ' +
          'process_creation}\ndetection:\n  s:\n    Image|endswith: \\powershell.exe\n  condition: s\nlevel: ' +
          'low\n',
      );
      writeFileSync(
        join(dir, 'broken.yml'),
        'title: Broken\nlogsource: {product: windows}\ndetection:\n  s: {A|nosuch: 1}\n  condition: s\n',
      );
      const r = await runSampleDetections({
        rulePaths: [BUILTIN_RULES, dir],
        scenarioPaths: [BUILTIN_SCENARIOS],
        blind: [],
      });
      const d = r.details as DetectionDetails;
      expect(r.problems).toEqual([
        { path: join(dir, 'broken.yml'), error: "line 4:7: detection.s: unsupported modifier 'nosuch' on field A" },
      ]);
      const s = d.scenarios.find((x) => x.id === 'windows-process-creation-abuse')!;
      const noisy = s.rules.find((x) => x.rule_id === 'org-any-powershell')!;
      expect(noisy).toMatchObject({
        source: 'organisation',
        expected: false,
        fired_on_attack: true,
        fired_on_baseline: true,
        baseline_matches: 1,
      });
      expect(s.false_positive).toBe(true);
      expect(r.summary.false_positives).toBe(1);
      expect(d.rules.find((x) => x.rule_id === 'org-any-powershell')).toMatchObject({
        validated: true,
        benign_tested: false,
      });
    },
  );

  it('reports a scenario that fails its schema with file, line and field, and still runs the others', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'scen-'));
    writeFileSync(
      join(dir, 'bad.yaml'),
      'id: bad\ntitle: {en: x, ja: y}\nattack_class: x\nlog_sources: [{product: linux}]\nattack: ' +
        '[]\nbaseline: []\nexpect: {rules: [x]}\nextra: 1\n',
    );
    const r = await runSampleDetections({
      rulePaths: [BUILTIN_RULES],
      scenarioPaths: [BUILTIN_SCENARIOS, dir],
      blind: [],
    });
    expect(r.summary.scenarios).toBe(14);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]!.error).toMatch(/bad\.yaml:8:1: extra: unknown field/);
  });
});
