import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { blindSources, falsePositiveAlerts } from '../../../src/analyse.js';
import type { Finding, Report } from '../../../src/model.js';
import { renderHtml } from '../../../src/report/html.js';
import { scoreReport } from '../../../src/score/index.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const fixture = () =>
  JSON.parse(
    readFileSync(join(FIXTURES_DIR, 'reports', 'acme', '2026-11-01T0900Z-e5f6', 'report.json'), 'utf8'),
  ) as Report;

describe('analyses on socready built-in content', () => {
  it('are not scored as the organisation’s detection rules, validation or automation', () => {
    const own = fixture();
    const demo = fixture();
    for (const k of ['coverage', 'detections', 'playbooks'] as const) {
      if (demo.analyses[k]) demo.analyses[k]!.content = 'built-in';
    }
    const ownScore = scoreReport(own);
    const demoScore = scoreReport(demo);
    const level = (s: ReturnType<typeof scoreReport>, area: string) => s.areas.find((a) => a.area === area)!;
    expect(own.analyses.playbooks).toBeDefined();
    // With the organisation's playbooks the area is measured; with only socready's examples nothing measured it.
    expect(level(ownScore, 'response-automation').level).not.toBeNull();
    expect(level(demoScore, 'response-automation').level).toBeNull();
    expect(JSON.stringify(level(demoScore, 'detection-rules').criteria)).not.toEqual(
      JSON.stringify(level(ownScore, 'detection-rules').criteria),
    );
  });

  it('are shown in the HTML with a note that they are examples and not scored', () => {
    const demo = fixture();
    demo.analyses.playbooks!.content = 'built-in';
    expect(renderHtml(demo, { lang: 'en' })).toContain('class="note note-builtin"');
    expect(renderHtml(fixture(), { lang: 'en' })).not.toContain('class="note note-builtin"');
  });
});

describe('what the scan feeds the analyses', () => {
  const finding = (status: Finding['status'], target: string, provides: Finding['provides']): Finding => ({
    check: `c.${target}`,
    target,
    status,
    area: 'log-collection',
    severity: 'high',
    weight: 1,
    title: { en: 'x', ja: 'x' },
    evidence: [],
    maps: {},
    provides,
  });

  it('removes from the scenarios only the sources no target proved collected', () => {
    const blind = blindSources([
      finding('fail', 'a', [{ product: 'windows', category: 'process_access' }]),
      finding('fail', 'a', [{ category: 'webserver', fields: ['request_body'] }]),
      finding('pass', 'b', [{ category: 'webserver', fields: ['request_body'] }]),
      finding('inconclusive', 'c', [{ product: 'linux', service: 'auditd' }]),
    ]);
    expect(blind).toEqual([{ product: 'windows', category: 'process_access' }]);
  });

  it('turns rules that fired on benign baselines into false-positive alerts for the playbooks', () => {
    const alerts = falsePositiveAlerts({
      blind: [],
      rules: [],
      scenarios: [
        {
          id: 's1',
          title: { en: 't', ja: 't' },
          attack_class: 'credential-stuffing',
          techniques: [],
          log_sources: [],
          file: 'f',
          detected: true,
          false_positive: true,
          blinded: false,
          blind_by: [],
          rules: [
            {
              rule_id: 'r1',
              title: 'noisy',
              level: 'high',
              source: 'built-in',
              expected: true,
              fired_on_attack: true,
              attack_matches: 3,
              fired_on_baseline: true,
              baseline_matches: 1,
              missed: false,
              blinded: false,
            },
            {
              rule_id: 'r2',
              title: 'quiet',
              level: 'high',
              source: 'built-in',
              expected: true,
              fired_on_attack: true,
              attack_matches: 3,
              fired_on_baseline: false,
              baseline_matches: 0,
              missed: false,
              blinded: false,
            },
          ],
        },
      ],
    } as never);
    expect(alerts).toEqual([
      {
        rule_id: 'r1',
        title: 'noisy',
        severity: 'high',
        scenario: 's1',
        attack_class: 'credential-stuffing',
        false_positive: true,
      },
    ]);
  });
});
