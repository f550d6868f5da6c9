// Where the SOAR gate's measured alert figure was read (the source-map capacity line) in the page's language: the
// Japanese page carries no English words around the SIEM's own names, also when a Security Analytics detector was
// not counted and the figure is only a floor.
import { describe, expect, it } from 'vitest';
import type { Report, SourceMapDetails, SourceMapSummary } from '../../../src/model.js';
import { sourceMapView } from '../../../src/report/source-map-view.js';
import { siemAlertSection } from '../../../src/rules/siem-alerts.js';
import { capacityCheck } from '../../../src/score/capacity.js';
import { ONE_DETECTOR_NOT_COUNTED } from '../../helpers/sa-findings-doc.js';
import { loadReport } from './helpers.js';

const FINDINGS = ONE_DETECTOR_NOT_COUNTED;

function report(): Report {
  const r = loadReport('report-full');
  const alerts = siemAlertSection([{ target: 'os', probe: 'os-sa-finding-counts', text: JSON.stringify(FINDINGS) }]);
  r.analyses.siem_alerts = alerts;
  r.analyses.sources = {
    summary: {
      weighted_share: null,
      classes_required: 0,
      classes_measured: 0,
      estate_declared: false,
    } as unknown as SourceMapSummary,
    details: { classes: [], use_cases: [], next: [] } as unknown as SourceMapDetails,
    problems: [],
  };
  r.score!.soar.capacity = capacityCheck(undefined, undefined, alerts);
  return r;
}

describe('the measured alert source in the report language', () => {
  it('Japanese: the floor and the window are said in Japanese around the SIEM names', () => {
    const ja = sourceMapView(report(), 'ja')!.capacity!.source!;
    expect(ja).toContain('os (OpenSearch Security Analytics findings');
    expect(ja).toContain('直近 30 日');
    expect(ja).toContain('少なくとも');
    expect(ja).not.toMatch(/not counted|at least|last \d+ days/);
  });

  it('English keeps the sentence the capacity check writes', () => {
    expect(sourceMapView(report(), 'en')!.capacity!.source).toBe(
      'os (OpenSearch Security Analytics findings; 1 not counted, so at least this many), last 30 days',
    );
  });
});
