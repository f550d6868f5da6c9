import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it } from 'vitest';
import type { Lang } from '../../../src/model.js';
import { TEMPLATES_DIR } from '../../../src/paths.js';
import { analysePlaybooks } from '../../../src/playbook/analyse.js';
import { registerReportHelpers } from '../../../src/report/html.js';

const source = readFileSync(join(TEMPLATES_DIR, 'sections', 'playbooks.hbs'), 'utf8');

function render(lang: Lang, playbooks: unknown): string {
  const hbs = Handlebars.create();
  registerReportHelpers(hbs, lang);
  return hbs.compile(source)({ report: { analyses: { playbooks } }, lang });
}

describe('playbooks report section', () => {
  it('never uses a triple-stash', () => {
    expect(source).not.toMatch(/\{\{\{/);
  });

  it('renders verdicts, findings, blast radius and timelines in English and Japanese', async () => {
    const section = await analysePlaybooks({ playbookPaths: [], alertPaths: [] });
    const en = render('en', section);
    expect(en).toContain('SOAR playbook dry-runs');
    expect(en).toContain('Auto-contain on any alert (dangerous example)');
    expect(en).toContain('<span class="st st-fail">unsafe</span>');
    expect(en).toContain('<span class="st st-pass">safe to automate</span>');
    expect(en).toContain('Destructive action reachable without approval or allow-list');
    expect(en).toContain('10.20.30.40');
    expect(en).toContain('Timeline');
    const ja = render('ja', section);
    expect(ja).toContain('SOAR プレイブックのドライラン');
    expect(ja).toContain('承認や許可リスト確認を経ずに到達できる破壊的アクション');
    expect(ja).toContain('<span class="st st-fail">危険</span>');
    expect(ja).toContain('担当者の判断待ち');
    expect(ja).not.toContain('Wrong containments on false positives');
  });

  it('says which analysis its budget cut, and that the guard is unknown, in English and Japanese', async () => {
    const tiny = { operations: 5, seconds: 60 };
    const section = await analysePlaybooks({
      playbookPaths: [],
      alertPaths: [],
      budgets: { validation: tiny, dominators: tiny, exploration: tiny },
    });
    expect(section.summary.analyses_cut).toBe(section.summary.playbooks);
    expect(section.summary.guards_unknown).toBeGreaterThan(0);
    expect(section.summary.unguarded_destructive).toBe(0);
    const en = render('en', section);
    expect(en).toContain('Analyses stopped by their budget');
    expect(en).toContain('Guard analysis (dominators)');
    expect(en).toContain('operation budget reached: 5');
    expect(en).toContain('not established: validation was cut by its budget');
    expect(en).toContain('guard unknown:');
    expect(en).not.toContain('<span class="st st-pass">safe to automate</span>');
    const ja = render('ja', section);
    expect(ja).toContain('上限で打ち切られた分析');
    expect(ja).toContain('ガードはすべて「不明」');
    expect(ja).toContain('分岐探索（ドライラン）');
  });

  it('escapes what comes from the playbook files', () => {
    const html = render('en', {
      summary: {
        playbooks: 1,
        valid: 1,
        invalid: 0,
        destructive_actions: 0,
        unguarded_destructive: 0,
        blast_radius_incidents: 0,
        integrations_unready: 0,
      },
      details: {
        alerts: [],
        results: [
          {
            playbook: { name: '<img src=x onerror=alert(1)>', format: 'cacao', source: 'x' },
            valid: true,
            verdict: 'ok',
            validation: [],
            guardrail_findings: [],
            runs: [],
            integrations: [],
            counts: {},
          },
        ],
      },
      problems: [{ path: '<b>p</b>', error: 'e' }],
    });
    expect(html).not.toContain('<img src=x');
    expect(html).toContain('&lt;img src');
    expect(html).not.toContain('<b>p</b>');
  });

  it('renders nothing without playbook data', () => {
    const hbs = Handlebars.create();
    registerReportHelpers(hbs, 'en');
    expect(
      hbs
        .compile(source)({ report: { analyses: {} }, lang: 'en' })
        .trim(),
    ).toBe('');
  });
});
