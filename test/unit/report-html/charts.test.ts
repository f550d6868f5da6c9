import { describe, expect, it } from 'vitest';
import { escapeXml, levelBar, lineChart, radarChart } from '../../../src/report/charts.js';

const opts = { title: 'Maturity', notAssessedLabel: 'not assessed', currentLabel: 'now', previousLabel: 'before' };

function countTags(svg: string, tag: string): number {
  return (svg.match(new RegExp(`<${tag}[\\s>]`, 'g')) ?? []).length;
}

describe('radarChart', () => {
  it('draws one axis, one label and one point per assessed area, and a polygon through the assessed points', () => {
    const svg = radarChart(
      [
        { label: 'Logs', value: 2 },
        { label: 'Audit', value: 3 },
        { label: 'Rules', value: 1 },
        { label: 'Automation', value: null },
      ],
      opts,
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(countTags(svg, 'line')).toBe(4);
    expect(svg.match(/class="point"/g)).toHaveLength(3);
    const current = /<polygon class="current" points="([^"]+)"/.exec(svg)?.[1] ?? '';
    expect(current.split(' ')).toHaveLength(3);
    expect(svg).toMatch(/class="label not-assessed"[^>]*>Automation<tspan[^>]*>not assessed<\/tspan>/);
    expect(svg).not.toContain('class="previous"');
  });

  it('puts a level-5 point on the outer ring and a level-0 point at the centre', () => {
    const svg = radarChart(
      [
        { label: 'A', value: 5 },
        { label: 'B', value: 0 },
        { label: 'C', value: 5 },
      ],
      { ...opts, size: 200 },
    );
    const points = [...svg.matchAll(/class="point" cx="([\d.]+)" cy="([\d.]+)"/g)].map((m) => [
      Number(m[1]),
      Number(m[2]),
    ]);
    const outer = /<polygon class="ring" points="([^"]+)"[^>]*stroke-width="1.2"/.exec(svg)?.[1]?.split(' ')[0];
    expect(points[0]?.join(',')).toBe(outer);
    expect(points[1]).toEqual([100, 94]);
  });

  it('draws the previous run as a dashed outline when given', () => {
    const svg = radarChart(
      [
        { label: 'A', value: 2, previous: 1 },
        { label: 'B', value: 3, previous: 3 },
        { label: 'C', value: 1, previous: 2 },
      ],
      opts,
    );
    expect(svg).toMatch(/<polygon class="previous" points="[^"]+" fill="none"[^>]*stroke-dasharray/);
    expect(svg).toContain('>before</text>');
  });

  it('escapes every label', () => {
    const svg = radarChart(
      [
        { label: '<script>x</script>', value: 1 },
        { label: 'a"b', value: null },
        { label: '</svg>&', value: 2 },
      ],
      { ...opts, title: '"><x>' },
    );
    expect(svg).not.toContain('<script');
    expect(svg).not.toContain('"><x>');
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
    expect(svg).toContain('&#60;script&#62;x&#60;/script&#62;');
  });
});

describe('lineChart', () => {
  it('draws each series, leaving a gap (no drop to zero) where a value is missing', () => {
    const svg = lineChart(
      [
        { label: 'Logs', values: [1, 2, null, 3, 4] },
        { label: 'Audit', values: [2, 2, 2, 2, 2] },
      ],
      { title: 'Trend', xLabels: ['r1', 'r2', 'r3', 'r4', 'r5'], yMax: 5 },
    );
    expect(countTags(svg, 'polyline')).toBe(3);
    expect(countTags(svg, 'circle')).toBe(9);
    expect(svg).toContain('>Logs</text>');
    expect(svg).toContain('>r5</text>');
  });

  it('escapes series and axis labels', () => {
    const svg = lineChart([{ label: '<b>&', values: [1] }], {
      title: 't',
      xLabels: ['</svg><script>'],
      yTickLabels: ['"0"'],
    });
    expect(svg).not.toMatch(/<script|<b>/);
    expect(svg.match(/<\/svg>/g)).toHaveLength(1);
    expect(svg).toContain('&#60;b&#62;&#38;');
  });
});

describe('escapeXml and levelBar', () => {
  it('escapes the five XML specials and backticks', () => {
    expect(escapeXml(`<a href="x" b='y'>&\``)).toBe('&#60;a href=&#34;x&#34; b=&#39;y&#39;&#62;&#38;&#96;');
  });

  it('fills the bar in proportion to the level and leaves it empty when not assessed', () => {
    expect(levelBar(3, 5, 100)).toContain('width="60"');
    expect(levelBar(null, 5, 100).match(/<rect/g)).toHaveLength(1);
  });
});
