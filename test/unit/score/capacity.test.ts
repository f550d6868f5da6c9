import { describe, expect, it } from 'vitest';
import type { DetectionSummary } from '../../../src/model.js';
import { siemAlertSection } from '../../../src/rules/siem-alerts.js';
import { capacityCheck } from '../../../src/score/capacity.js';
import { ONE_DETECTOR_NOT_COUNTED } from '../../helpers/sa-findings-doc.js';

const detections = { estimated_alerts_per_day: 12, attacks_detected: 0, false_positives: 0 } as DetectionSummary;

describe('the SOAR gate alert volume', () => {
  it("prefers the SIEM's measured alert history over the estimate, with its provenance and the noisiest rules", () => {
    const measured = siemAlertSection([
      {
        target: 'es',
        probe: 'es-security-alert-counts',
        text: JSON.stringify({
          hits: { total: { value: 900 } },
          aggregations: {
            rules: {
              buckets: [
                { key: 'A', doc_count: 600 },
                { key: 'B', doc_count: 300 },
              ],
            },
          },
        }),
      },
    ]);
    const c = capacityCheck(detections, undefined, measured);
    expect(c).toMatchObject({
      alerts_per_day: 30,
      alerts_basis: 'siem-alert-history',
      alerts_source: 'es (Elastic Security alerts index), last 30 days',
      noisy_rules: [
        { target: 'es', rule: 'A', per_day: 20 },
        { target: 'es', rule: 'B', per_day: 10 },
      ],
    });
  });

  it('a Security Analytics detector not counted makes the measured volume a floor, and says so', () => {
    const doc = ONE_DETECTOR_NOT_COUNTED;
    const measured = siemAlertSection([{ target: 'os', probe: 'os-sa-finding-counts', text: JSON.stringify(doc) }]);
    expect(capacityCheck(detections, undefined, measured)).toMatchObject({
      alerts_per_day: 10,
      alerts_basis: 'siem-alert-history',
      alerts_source: 'os (OpenSearch Security Analytics findings; 1 not counted, so at least this many), last 30 days',
      noisy_rules: [{ target: 'os', rule: 'r1 VPN brute force', per_day: 10 }],
    });
  });

  it('falls back to the estimate over real logs, saying so, when no SIEM alert history was read', () => {
    const unreadable = siemAlertSection([
      { target: 'es', probe: 'es-security-alert-counts', text: '{"timed_out":true}' },
    ]);
    expect(unreadable.problems[0]!.error).toMatch(/timed out/);
    expect(capacityCheck(detections, undefined, unreadable)).toMatchObject({
      alerts_per_day: 12,
      alerts_basis: 'log-estimate',
    });
    expect(capacityCheck(undefined, undefined)).toMatchObject({ alerts_per_day: null, alerts_basis: null });
  });
});
