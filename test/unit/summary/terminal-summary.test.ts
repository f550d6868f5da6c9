// The terminal summary says what the report says: visibility "not measured" when no target was reached, figures of
// socready's built-in examples marked as such, and an unassessed maturity that does not read as a score.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Report } from '../../../src/model.js';
import { renderHtml } from '../../../src/report/html.js';
import { validateReport } from '../../../src/report/validate.js';
import { runScan } from '../../../src/scan.js';
import { terminalSummary } from '../../../src/summary.js';

// Two linux targets whose key files do not exist: both end inconclusive before any packet leaves the machine.
const UNREACHABLE = `version: 1
organization: Example Corp
targets:
  - id: web-01
    kind: linux
    address: 192.0.2.10
    ssh: { user: audit, key: ./missing-key, host_key: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
  - id: db-01
    kind: linux
    address: 192.0.2.11
    ssh: { user: audit, key: ./missing-key, host_key: "SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" }
`;

describe('a run where no target was reached (the inventory of socready init, nothing reachable)', () => {
  let report: Report;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-unreached-'));
    writeFileSync(join(dir, 'inventory.yaml'), UNREACHABLE);
    ({ report } = await runScan({ inventory: loadInventory(join(dir, 'inventory.yaml')), outDir: join(dir, 'out') }));
  }, 120_000);

  it('every target is inconclusive, so report.json says visibility was not measured (null, not a count)', () => {
    expect(report.findings.every((f) => f.status === 'inconclusive' || f.status === 'not-applicable')).toBe(true);
    const cv = report.analyses.coverage!.summary;
    expect(cv.visibility_measured).toBe(false);
    expect(cv.techniques_visible).toBeNull();
    expect(cv.owasp_visible).toBeNull();
    expect(cv.techniques_declared).toBeGreaterThan(0);
    expect(() => validateReport(JSON.parse(JSON.stringify(report)), 'report.json')).not.toThrow();
  });

  it('the terminal says "not measured" instead of claiming every declared technique visible', () => {
    const text = terminalSummary(report, {}, false, 'en');
    const line = text.split('\n').find((l) => l.startsWith('Coverage:'))!;
    expect(line).toContain('visibility not measured');
    expect(line).not.toMatch(/\d+\/\d+ declared ATT&CK techniques visible/);
    expect(line).not.toContain('0 rules blind');
    const ja = terminalSummary(report, {}, false, 'ja');
    expect(ja).toContain('可視性は未測定');
  });

  it('the HTML analysis summary shows "not measured" for the visible figures, as the terminal does', () => {
    const html = renderHtml(report, { lang: 'en' });
    expect(html).toMatch(/Visible \(logs collected\)<\/th><td><span class="st st-na">not measured/);
    expect(html).not.toContain('No scan joined');
  });

  it("marks on their own lines the analyses that ran on socready's built-in examples", () => {
    const lines = terminalSummary(report, {}, false, 'en').split('\n');
    for (const head of ['Coverage:', 'Sample detections:', 'Playbooks:']) {
      expect(lines.find((l) => l.startsWith(head))).toContain("socready's built-in examples, not yours");
    }
    const ja = terminalSummary(report, {}, false, 'ja').split('\n');
    expect(ja.find((l) => l.startsWith('プレイブック:'))).toContain('socready 同梱のサンプル');
  });

  it('an unassessed maturity reads "not assessed" alone, not as a score out of 5 (both languages)', () => {
    expect(report.score?.overall).toBeNull();
    const en = terminalSummary(report, {}, false, 'en');
    expect(en).toMatch(/Maturity: not assessed · SOAR/);
    expect(en).not.toContain('/ 5');
    const ja = terminalSummary(report, {}, false, 'ja');
    expect(ja).toMatch(/成熟度: 未評価 · SOAR/);
    expect(ja).not.toContain('/ 5');
  });
});

describe('terminal summary of organisation content', () => {
  it('keeps visible counts and "n / 5" when visibility was measured and a level assessed', () => {
    const report = {
      schema_version: '1.0',
      tool: { name: 'socready', version: '0.1.0' },
      run: {
        id: 'r',
        started_at: '2026-11-01T09:00:00.000Z',
        finished_at: '2026-11-01T09:01:00.000Z',
        organization: 'Acme',
        inventory: 'i',
        mode: 'live',
        options: {},
      },
      targets: [],
      findings: [],
      evidence: [],
      analyses: {
        coverage: {
          content: 'organisation',
          summary: {
            attack_version: '19.1',
            rules_total: 10,
            rules_failed: 0,
            techniques_in_scope: 0,
            techniques_declared: 8,
            techniques_visible: 5,
            techniques_validated: 1,
            techniques_benign_tested: 0,
            owasp_total: 0,
            owasp_declared: 0,
            owasp_visible: 0,
            visibility_measured: true,
            rules_blind: 2,
            correlation_rules: 0,
          },
          details: {},
          problems: [],
        },
      },
      score: { overall: 2, areas: [], soar: { verdict: 'not-yet', gaps: [] } },
    } as unknown as Report;
    const text = terminalSummary(report, {}, false, 'en');
    expect(text).toContain('Coverage: 5/8 declared ATT&CK techniques visible, 2 rules blind');
    expect(text).not.toContain('built-in');
    expect(text).toContain('Maturity: 2 / 5');
  });
});

describe('scoring reads the same visibility decision', () => {
  it(
    'meets no visibility criterion when visibility was not measured ' + '(no "0 blind" pass, no visible count)',
    async () => {
      const { logCollectionCoverageCriteria, detectionRuleCriteria } = await import('../../../src/score/criteria.js');
      const { coverage } = await import('../score/helpers.js');
      const notMeasured = coverage({
        techniques_visible: null,
        owasp_visible: null,
        visibility_measured: false,
        rules_blind: 0,
      });
      expect(logCollectionCoverageCriteria(notMeasured).every((c) => !c.met)).toBe(true);
      const rules = detectionRuleCriteria(notMeasured).filter((c) => c.evidence.some((e) => /visible|blind/.test(e)));
      expect(rules.length).toBeGreaterThan(0);
      expect(rules.every((c) => !c.met)).toBe(true);
    },
  );
});

describe('the navigator layer says when visibility was not measured', () => {
  it('names it in the description and metadata', async () => {
    const { navigatorLayer } = await import('../../../src/coverage/exports.js');
    const { computeCoverage } = await import('../../../src/coverage/analyse.js');
    const { loadAttackCatalog } = await import('../../../src/attack/catalog.js');
    const { loadRules } = await import('../../../src/rules/load.js');
    const { REPO_ROOT } = await import('../../helpers/paths.js');
    const rules = await loadRules([join(REPO_ROOT, 'checks', 'rules')]);
    const cov = computeCoverage(rules, loadAttackCatalog(), { findings: [] });
    const layer = navigatorLayer(cov.details);
    expect(layer.description).toContain('Visibility not measured');
    expect(layer.metadata).toContainEqual({ name: 'visibility measured', value: 'false' });
    expect(cov.summary.techniques_visible).toBeNull();
  });
});
