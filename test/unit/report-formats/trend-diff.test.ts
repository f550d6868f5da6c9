import { cpSync, mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diffReports, formatDiff } from '../../../src/report/diff.js';
import { formatTrendTable, loadTrend, renderTrendHtml, trendSvg } from '../../../src/report/trend.js';
import { ACME_DIR, run } from './fixtures.js';

describe('trend', () => {
  it('reads every run under a folder in time order, with the level per area', () => {
    const t = loadTrend(ACME_DIR);
    expect(t.problems).toEqual([]);
    expect(t.points.map((p) => p.overall)).toEqual([1, 2, 3]);
    expect(t.points.map((p) => p.levels['audit-policy'])).toEqual([1, 3, 2]);
    expect(t.points.map((p) => p.verdict)).toEqual(['not-yet', 'not-yet', 'semi-automatic']);
  });

  it('skips a broken file, says which, and keeps the other runs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-trend-'));
    cpSync(ACME_DIR, dir, { recursive: true });
    mkdirSync(join(dir, 'broken-run'));
    writeFileSync(join(dir, 'broken-run', 'report.json'), '{"schema_version": "1.0"}');
    writeFileSync(join(dir, 'broken-run', 'layer.json'), '{}');
    const t = loadTrend(dir);
    expect(t.points).toHaveLength(3);
    expect(t.problems).toHaveLength(1);
    expect(t.problems[0]!.error).toMatch(/broken-run\/report\.json.*missing required field "tool"/);
  });

  it('prints a table per run in both languages, marking areas not assessed', () => {
    const t = loadTrend(ACME_DIR);
    const en = formatTrendTable(t, 'en');
    expect(en.split('\n')[0]).toMatch(/^date\s+run\s+overall\s+logs\s+audit/);
    expect(en).toMatch(/1 Nov 2026\s+2026-11-01T0900Z-e5f6\s+3\s+3\s+2\s+4\s+3\s+3\s+3\s+4\s+semi-auto/);
    const ja = formatTrendTable(t, 'ja');
    expect(ja).toContain('2026年11月1日');
    expect(ja).toContain('半自動');
    const gap = { ...t, points: [{ ...t.points[0]!, levels: { ...t.points[0]!.levels, 'people-process': null } }] };
    expect(formatTrendTable(gap, 'en')).toContain('– = not assessed');
  });

  it('renders a self-contained HTML page with an SVG line per area and no script', () => {
    const html = renderTrendHtml(loadTrend(ACME_DIR), 'ja');
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // 7 areas + overall, each a polyline across 3 runs
    expect(html.match(/<polyline /g)).toHaveLength(8);
    expect(html).toContain('ログ収集範囲');
  });

  it('breaks a line where an area was not assessed instead of drawing it at 0', () => {
    const pts = loadTrend(ACME_DIR).points;
    pts[1] = { ...pts[1]!, levels: { ...pts[1]!.levels, infrastructure: null } };
    const svg = trendSvg(pts, 'en');
    // infrastructure now has two single points and no polyline
    expect(svg.match(/<polyline [^>]*stroke="#17becf"/g)).toBeNull();
  });
});

describe('diff', () => {
  it('lists what got better and worse between two runs', () => {
    const d = diffReports(run(1), run(2));
    expect(d.overall).toEqual({ from: 2, to: 3, change: 'better' });
    expect(d.soar).toEqual({ from: 'not-yet', to: 'semi-automatic', change: 'better' });
    expect(d.areas.find((a) => a.area === 'audit-policy')).toMatchObject({ from: 3, to: 2, change: 'worse' });
    expect(d.fixed.map((c) => c.ref)).toEqual([
      'finding:web.nginx.request-body-logged@web-01',
      'finding:web.modsecurity.engine-on@web-02',
      'finding:linux.rsyslog.forward-tls@web-02',
    ]);
    expect(d.regressed.map((c) => c.ref)).toEqual([
      'finding:web.modsecurity.password-masking@web-02',
      'finding:linux.audit.rules.bpf@db-01',
    ]);
    const text = formatDiff(d, 'en');
    expect(text).toContain('- OS audit policy: 3 (defined) → 2 (managed) [worse]');
    expect(text).toContain('Worse: checks that passed and now fail (2)');
    expect(formatDiff(d, 'ja')).toContain('悪化：合格から不合格になったチェック (2)');
  });

  it('reports newly failing and no longer checked targets separately from fixes', () => {
    const a = run(1);
    const b = run(2);
    const dropped = { ...b, findings: b.findings.filter((f) => f.target !== 'siem-01') };
    const added = {
      ...dropped,
      findings: [...dropped.findings, { ...b.findings[0]!, target: 'web-03', status: 'fail' as const }],
    };
    const d = diffReports(a, added);
    expect(d.gone.map((c) => c.ref)).toEqual(['finding:siem.retention.days@siem-01']);
    expect(d.new_failing.map((c) => c.ref)).toEqual([`finding:${b.findings[0]!.check}@web-03`]);
  });

  it('scores reports that carry no score before comparing', () => {
    const { score: _a, ...a } = run(0);
    const { score: _b, ...b } = run(2);
    // Re-scored without a source map (the fixtures predate issue 13), log-collection scope is not certified, so the
    // later run reaches 2 rather than its stored 3; the comparison still runs on the fresh scores.
    expect(diffReports(a, b).overall).toEqual({ from: 1, to: 2, change: 'better' });
  });
});
