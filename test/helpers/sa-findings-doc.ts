import type { SaDetectorCount, SaFindingsDocument } from '../../src/rules/siem-alerts.js';

/** The findings document socready stores for Security Analytics: these detectors over 30 whole days to 2026-11-30. */
export function saFindingsDoc(detectors: SaDetectorCount[]): SaFindingsDocument {
  return {
    security_analytics_findings: {
      window: { start: '2026-10-31T00:00:00.000Z', end: '2026-11-30T00:00:00.000Z', days: 30 },
      disabled_detectors: [],
      detectors,
    },
  };
}

/** One detector counted (300 findings of one rule, all on one day), one whose findings could not be read. */
export const ONE_DETECTOR_NOT_COUNTED = saFindingsDoc([
  {
    id: 'd1',
    name: 'windows',
    request: 'GET x',
    status: 'counted',
    findings_counted: 300,
    rules: [{ id: 'r1', name: 'VPN brute force', findings: 300, days: { '2026-11-02': 300 } }],
  },
  { id: 'd2', name: 'linux', request: 'GET y', status: 'failed', reason: 'timeout', rules: [] },
]);
