import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import YAML from 'yaml';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadAttackCatalog } from '../../../src/attack/catalog.js';
import { analyseCoverage, computeCoverage } from '../../../src/coverage/analyse.js';
import { dettectTechniques, navigatorLayer } from '../../../src/coverage/exports.js';
import { loadRules } from '../../../src/rules/load.js';
import type { RuleSet } from '../../../src/rules/model.js';
import { compileSchema } from '../../../src/util/validate.js';
import { registerReportHelpers } from '../../../src/report/html.js';
import { FIXTURES_DIR, REPO_ROOT } from '../../helpers/paths.js';
import { finding, fleet } from './helpers.js';

const RULES = join(FIXTURES_DIR, 'rules');
const SYSMON10 = { product: 'windows', category: 'process_access' };
const catalog = loadAttackCatalog();

/** The ATT&CK Navigator layer format 4.5, transcribed from its property tables (layers/spec/v4.5/layerformat.md). */
const metadataOrDivider = {
  oneOf: [
    {
      type: 'object',
      required: ['name', 'value'],
      additionalProperties: false,
      properties: { name: { type: 'string' }, value: { type: 'string' } },
    },
    {
      type: 'object',
      required: ['divider'],
      additionalProperties: false,
      properties: { divider: { type: 'boolean' } },
    },
  ],
};
const linkOrDivider = {
  oneOf: [
    {
      type: 'object',
      required: ['label', 'url'],
      additionalProperties: false,
      properties: { label: { type: 'string' }, url: { type: 'string', pattern: '^[a-z]+://' } },
    },
    {
      type: 'object',
      required: ['divider'],
      additionalProperties: false,
      properties: { divider: { type: 'boolean' } },
    },
  ],
};
const layer45 = {
  type: 'object',
  required: ['name', 'domain'],
  additionalProperties: false,
  properties: {
    versions: {
      type: 'object',
      required: ['navigator', 'layer'],
      additionalProperties: false,
      properties: {
        attack: { type: 'string' },
        navigator: { type: 'string', pattern: '^(4\\.(9|\\d{2,})|[5-9]|\\d{2,})(\\.\\d+)*$' },
        layer: { const: '4.5' },
      },
    },
    name: { type: 'string' },
    description: { type: 'string' },
    domain: { enum: ['enterprise-attack', 'mobile-attack', 'ics-attack'] },
    customDataURL: { type: 'string' },
    filters: {
      type: 'object',
      additionalProperties: false,
      properties: { platforms: { type: 'array', items: { type: 'string' } } },
    },
    sorting: { enum: [0, 1, 2, 3] },
    layout: {
      type: 'object',
      additionalProperties: false,
      properties: {
        layout: { enum: ['side', 'flat', 'mini'] },
        showID: { type: 'boolean' },
        showName: { type: 'boolean' },
        showAggregateScores: { type: 'boolean' },
        countUnscored: { type: 'boolean' },
        aggregateFunction: { enum: ['average', 'min', 'max', 'sum'] },
        expandedSubtechniques: { enum: ['none', 'all', 'annotated'] },
      },
    },
    hideDisabled: { type: 'boolean' },
    techniques: {
      type: 'array',
      items: {
        type: 'object',
        required: ['techniqueID'],
        additionalProperties: false,
        properties: {
          techniqueID: { type: 'string', pattern: '^T\\d{4}(\\.\\d{3})?$' },
          tactic: { type: 'string' },
          comment: { type: 'string' },
          enabled: { type: 'boolean' },
          score: { type: 'number' },
          color: { type: 'string' },
          metadata: { type: 'array', items: metadataOrDivider },
          links: { type: 'array', items: linkOrDivider },
          showSubtechniques: { type: 'boolean' },
        },
      },
    },
    gradient: {
      type: 'object',
      required: ['colors', 'minValue', 'maxValue'],
      additionalProperties: false,
      properties: {
        colors: { type: 'array', minItems: 2, items: { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' } },
        minValue: { type: 'number' },
        maxValue: { type: 'number' },
      },
    },
    legendItems: {
      type: 'array',
      items: {
        type: 'object',
        required: ['label', 'color'],
        additionalProperties: false,
        properties: { label: { type: 'string' }, color: { type: 'string' } },
      },
    },
    showTacticRowBackground: { type: 'boolean' },
    tacticRowBackground: { type: 'string' },
    selectTechniquesAcrossTactics: { type: 'boolean' },
    selectSubtechniquesWithParent: { type: 'boolean' },
    selectVisibleTechniques: { type: 'boolean' },
    metadata: { type: 'array', items: metadataOrDivider },
    links: { type: 'array', items: linkOrDivider },
  },
};

describe('graded coverage', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadRules([RULES]);
  });

  it('climbs declared → visible → validated → benign-tested, each step explained', () => {
    const declared = computeCoverage(set, catalog, { findings: [] }).details.techniques.find(
      (t) => t.id === 'T1003.001',
    )!;
    expect(declared.grade).toBe('declared');
    const findings = fleet('win.sysmon.event10', 3, 3, [SYSMON10], 'Sysmon event 10 is on');
    const visible = computeCoverage(set, catalog, { findings }).details.techniques.find((t) => t.id === 'T1003.001')!;
    expect(visible.grade).toBe('visible');
    expect(visible.explain.map((e) => e.en).join(' ')).toMatch(/windows\/process_access is collected on 3 target\(s\)/);
    const val = {
      rule_id: '9a2f4c1e-3333-4d6b-8e0f-1a2b3c4d5e6f',
      title: 'Windows LSASS Memory Access For Dump',
      techniques: ['T1003.001'],
      validated: true,
      benign_tested: false,
    };
    const validated = computeCoverage(set, catalog, { findings, validations: [val] }).details.techniques.find(
      (t) => t.id === 'T1003.001',
    )!;
    expect(validated.grade).toBe('validated');
    expect(validated.rules.find((r) => r.id === val.rule_id)?.validated).toBe(true);
    const benign = computeCoverage(set, catalog, {
      findings,
      validations: [{ ...val, benign_tested: true }],
    }).details.techniques.find((t) => t.id === 'T1003.001')!;
    expect(benign.grade).toBe('benign-tested');
    expect(benign.score).toBe(100);
    expect(benign.explain.at(-1)!.ja).toContain('平常時のログでは発報しませんでした');
  });

  it('does not call a technique validated when the rule that fired cannot see its logs here', () => {
    const findings = fleet('win.sysmon.event10', 3, 0, [SYSMON10]);
    const val = {
      rule_id: '9a2f4c1e-3333-4d6b-8e0f-1a2b3c4d5e6f',
      title: 'Windows LSASS Memory Access For Dump',
      techniques: ['T1003.001'],
      validated: true,
      benign_tested: true,
    };
    const t = computeCoverage(set, catalog, { findings, validations: [val] }).details.techniques.find(
      (x) => x.id === 'T1003.001',
    )!;
    expect(t.grade).toBe('blind');
    expect(t.explain.map((e) => e.en).join(' ')).toMatch(
      /fired on its sample, but this environment does not collect the logs it needs/,
    );
  });

  it('resolves revoked IDs and renamed tactics in old rules and reports them; disabled rules do not count', () => {
    const res = computeCoverage(set, catalog, { findings: [] });
    const r = res.details.resolutions;
    expect(r).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from: 'T1562.001', to: 'T1685', status: 'revoked' }),
        expect.objectContaining({ from: 'T1089', to: 'T1685', status: 'revoked' }),
        expect.objectContaining({ from: 'T9999', status: 'unknown' }),
        expect.objectContaining({ from: 'defense-evasion', to: 'stealth', status: 'tactic-renamed', rules: 2 }),
      ]),
    );
    expect(res.details.techniques.find((t) => t.id === 'T1685')!.grade).toBe('declared');
    // The ESCU search in savedsearches.conf is disabled: only the YAML and Elastic rules declare T1003.001.
    expect(res.details.techniques.find((t) => t.id === 'T1003.001')!.rules_total).toBe(2);
  });

  it('grades OWASP categories and says whether the logs each needs are collected', () => {
    const findings = [
      finding('web.access_log', 'web1', 'pass', [{ category: 'webserver' }]),
      finding(
        'web.request_body',
        'web1',
        'fail',
        [{ category: 'webserver', fields: ['request_body'] }],
        'Request bodies are logged',
      ),
    ];
    const res = computeCoverage(set, catalog, { findings, owaspEdition: '2021' });
    const a03 = res.details.owasp['2021'].find((o) => o.id === 'A03:2021')!;
    expect(a03.rules).toBe(2); // CRS 942100 and the Sigma request-body rule
    expect(a03.sources.find((s) => s.source.includes('request_body'))).toMatchObject({
      status: 'not-collected',
      st: 'fail',
      checks: ['web.request_body'],
    });
    expect(a03.sources.find((s) => s.source === 'waf')!.status).toBe('unknown');
    expect(res.summary.owasp_total).toBe(10);
    expect(res.summary.owasp_declared).toBe(res.details.owasp['2021'].filter((o) => o.grade !== 'none').length);
    expect(res.details.owasp['2025'].find((o) => o.id === 'A01:2025')!.rules).toBe(2); // path traversal + SSRF
  });

  it('weighs gaps by the threat-focus groups and shows their coverage; unknown focus entries become problems', () => {
    const res = computeCoverage(set, catalog, {
      findings: [],
      threatFocus: ['APT29', 'G0016', 'T1003.001', 'Nobody Group'],
    });
    expect(res.details.threat_focus.map((f) => f.id)).toEqual(['G0016', 'T1003.001']);
    const apt29 = res.details.threat_focus[0]!;
    expect(apt29.techniques).toBe(catalog.index.group('G0016')!.techniques.length);
    expect(Object.values(apt29.by_grade).reduce((a, b) => a + b, 0)).toBe(apt29.techniques);
    expect(res.details.gaps[0]!.reasons.en).toMatch(/threat focus: APT29 \(G0016\)/);
    const prio = res.details.gaps.map((g) => g.priority);
    expect(prio).toEqual([...prio].sort((a, b) => b - a));
    expect(res.problems.some((p) => p.error.includes('"Nobody Group"'))).toBe(true);
  });

  it(
    'counts only the threat-focus techniques in the summary when a focus is given, else scopes to what rules ' +
      'declare',
    () => {
      const all = computeCoverage(set, catalog, { findings: [] });
      expect(all.summary.techniques_in_scope).toBe(0);
      const focused = computeCoverage(set, catalog, { findings: [], threatFocus: ['T1003.001', 'T1110'] });
      expect(focused.summary.techniques_in_scope).toBe(2);
      expect(focused.summary.techniques_declared).toBe(2);
      expect(all.summary.techniques_declared).toBeGreaterThan(2);
      expect(focused.details.attack.scope.en).toContain('threat focus');
    },
  );

  it('reports OWASP totals of 0 when nothing web-facing is in scope, and keeps the rows for information', () => {
    const none = computeCoverage(set, catalog, { findings: fleet('win.sysmon.event10', 1, 1, [SYSMON10]) });
    expect(none.details.web_facing).toBe(false);
    expect(none.summary.owasp_total).toBe(0);
    expect(none.details.owasp['2025']).toHaveLength(10);
    const forced = computeCoverage(set, catalog, {
      findings: fleet('win.sysmon.event10', 1, 1, [SYSMON10]),
      webFacing: true,
    });
    expect(forced.summary.owasp_total).toBe(10);
  });

  it('fits the coverage section of the report JSON schema', async () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'src', 'report', 'report.schema.json'), 'utf8'));
    const section = { definitions: schema.definitions, ...schema.properties.analyses.properties.coverage };
    const res = await analyseCoverage({
      rulePaths: [RULES],
      findings: fleet('win.sysmon.event10', 2, 1, [SYSMON10]),
      threatFocus: ['G0016'],
    });
    const validate = compileSchema(section);
    expect(validate(JSON.parse(JSON.stringify(res))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries its Navigator layer in details for the report exporter', () => {
    const res = computeCoverage(set, catalog, { findings: [] });
    expect(res.details.navigator?.versions.layer).toBe('4.5');
    expect(res.details.navigator?.techniques.length).toBe(
      res.details.techniques.filter((t) => t.grade !== 'none' || t.focus.length > 0).length,
    );
  });

  it('analyseCoverage reads the rule paths itself and reports unreadable files in problems', async () => {
    const res = await analyseCoverage({ rulePaths: [join(RULES, 'broken'), join(RULES, 'elastic')], findings: [] });
    expect(res.summary.rules_total).toBe(2);
    expect(res.summary.rules_failed).toBe(4);
    expect(res.problems.map((p) => p.path.split('/').pop())).toEqual(
      expect.arrayContaining(['bad_toml.toml', 'bad_sigma.yml', 'bad_yaml.yml', 'bad_crs.conf']),
    );
  });
});

describe('exports', () => {
  let set: RuleSet;
  beforeAll(async () => {
    set = await loadRules([RULES]);
  });

  it('writes an ATT&CK Navigator layer that validates against the 4.5 layer format', () => {
    const res = computeCoverage(set, catalog, {
      findings: fleet('win.sysmon.event10', 2, 1, [SYSMON10]),
      threatFocus: ['G0016'],
    });
    const layer = JSON.parse(JSON.stringify(navigatorLayer(res.details)));
    const validate = compileSchema(layer45);
    expect(validate(layer), JSON.stringify(validate.errors)).toBe(true);
    expect(layer.gradient.maxValue).toBeGreaterThan(layer.gradient.minValue);
    const t = layer.techniques.find((x: { techniqueID: string }) => x.techniqueID === 'T1003.001');
    expect(t.score).toBe(50);
    expect(t.comment).toContain('Windows LSASS Memory Access For Dump');
    // Uncovered techniques of a focus group are listed with score 0 so the gap shows.
    expect(layer.techniques.some((x: { score: number }) => x.score === 0)).toBe(true);
    expect(layer.techniques.find((x: { techniqueID: string }) => x.techniqueID === 'T1003')?.showSubtechniques).toBe(
      true,
    );
  });

  it('a layer with an unknown property fails the 4.5 schema (the test can fail)', () => {
    const res = computeCoverage(set, catalog, { findings: [] });
    const layer = { ...navigatorLayer(res.details), version: '4.5' };
    expect(compileSchema(layer45)(layer)).toBe(false);
  });

  it('writes a DeTT&CT technique administration file (version 1.2) with detection and visibility scores', () => {
    const res = computeCoverage(set, catalog, { findings: fleet('win.sysmon.event10', 2, 2, [SYSMON10]) });
    const doc = YAML.parse(dettectTechniques(res.details, { date: '2026-11-23' })) as {
      version: number;
      file_type: string;
      domain: string;
      techniques: {
        technique_id: string;
        detection: { applicable_to: string[]; location: string[]; score_logbook: { date: string; score: number }[] }[];
        visibility: { score_logbook: { score: number; auto_generated: boolean }[] }[];
      }[];
    };
    expect(doc).toMatchObject({ version: 1.2, file_type: 'technique-administration', domain: 'enterprise-attack' });
    const t = doc.techniques.find((x) => x.technique_id === 'T1003.001')!;
    expect(t.detection[0]!.applicable_to).toEqual(['all']);
    expect(t.detection[0]!.score_logbook[0]).toMatchObject({ date: '2026-11-23', score: 2 });
    expect(t.visibility[0]!.score_logbook[0]).toMatchObject({ score: 3, auto_generated: true });
    for (const x of doc.techniques) {
      const s = x.detection[0]!.score_logbook[0]!.score;
      expect(s).toBeGreaterThanOrEqual(-1);
      expect(s).toBeLessThanOrEqual(5);
    }
  });
});

describe('report section template', () => {
  const source = readFileSync(join(REPO_ROOT, 'templates', 'sections', 'coverage.hbs'), 'utf8');

  it('never uses triple-stash', () => {
    expect(source).not.toMatch(/\{\{\{/);
  });

  it('renders the heatmap and the OWASP table in the chosen language, escaping rule text', async () => {
    const set = await loadRules([RULES]);
    const res = computeCoverage(set, catalog, {
      findings: fleet('win.sysmon.event10', 3, 1, [SYSMON10], 'Sysmon <event 10> is on'),
      threatFocus: ['G0016'],
    });
    // The section with the report's own helpers (tr, rows, wrapSlashes), as the HTML renderer registers them.
    const render = (lang: 'en' | 'ja') => {
      const hb = Handlebars.create();
      registerReportHelpers(hb, lang);
      return hb.compile(source)({ report: { analyses: { coverage: res } }, lang });
    };
    const en = render('en');
    const ja = render('ja');
    expect(en).not.toContain('<script');
    expect((en.match(/class="cov-cell /g) ?? []).length).toBe(
      res.details.matrix.reduce((n, c) => n + c.techniques.length, 0),
    );
    expect(en).toContain('cov-cell cov-visible');
    expect(en).toContain('Credential Access');
    expect(ja).toContain('認証情報へのアクセス');
    expect(res.details.owasp_primary).toBe('2025');
    expect(en).toContain('A05:2025 Injection');
    expect(ja).toContain('インジェクション');
    expect(en).toContain('class="st st-warn"');
    expect(en).toContain('Sysmon &lt;event 10&gt; is on');
    expect(en).not.toContain('Sysmon <event 10> is on');
  });
});
