import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILTIN_RULES } from '../../../src/detect/run.js';
import { runSampleDetections } from '../../../src/detect/sample.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const ORG = join(FIXTURES_DIR, 'sigma', 'org-rules');

describe('sample detections with the organisation’s own rules beside the built-in pack', () => {
  it('count only the organisation’s rules in the summary while the details show both', async () => {
    const both = await runSampleDetections({
      rulePaths: [ORG, BUILTIN_RULES],
      scenarioPaths: [],
      blind: [],
      countOnly: 'organisation',
    });
    const builtinOnly = await runSampleDetections({ rulePaths: [BUILTIN_RULES], scenarioPaths: [], blind: [] });
    expect(builtinOnly.summary.attacks_detected).toBe(builtinOnly.summary.scenarios);
    // The one organisation rule sees SQL injection in bodies and nothing else.
    expect(both.summary.attacks_detected).toBeGreaterThanOrEqual(1);
    expect(both.summary.attacks_detected).toBeLessThanOrEqual(2);
    expect(both.summary.attacks_missed).toBe(both.summary.scenarios - both.summary.attacks_detected);
    expect(both.summary.rules_tested).toBe(1);
    const sqli = both.details.scenarios.find((s) => s.id === 'sqli-post-body-weblog')!;
    expect(sqli.rules.map((r) => [r.source, r.fired_on_attack])).toEqual(
      expect.arrayContaining([
        ['organisation', true],
        ['built-in', true],
      ]),
    );
  });

  it('go blind with the organisation’s rules when request bodies are not logged', async () => {
    const r = await runSampleDetections({
      rulePaths: [ORG, BUILTIN_RULES],
      scenarioPaths: [],
      blind: [{ category: 'webserver', fields: ['request_body'] }],
      countOnly: 'organisation',
    });
    expect(r.summary.blinded_by_environment).toBeGreaterThanOrEqual(1);
  });
});
