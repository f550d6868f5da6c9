// Alert counts per rule from the answers of Sentinel's Log Analytics query API and the Wazuh indexer: a failed or
// partial query is refused (its counts would be too low), and an answer without the alert index counts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoAlertIndexError, readAlertCounts, siemAlertSection } from '../../../src/rules/siem-alerts.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, p), 'utf8');

describe('Sentinel SecurityAlert counts (Log Analytics query API)', () => {
  it('reads AlertName and count per row, busiest first, as alerts per day over 30 days', () => {
    const c = readAlertCounts('sentinel-alert-counts', fixture('products/sentinel/alert-counts.json'));
    expect(c).toMatchObject({ source: 'Sentinel SecurityAlert (Log Analytics)', total: 1836, per_day: 61.2 });
    expect(c.rules.map((r) => [r.rule, r.per_day])).toEqual([
      ['My scheduled rule', 60],
      ['Sign-in from a disabled account', 1.2],
    ]);
  });

  it('refuses a partial answer and an error answer, naming the reason; the section lists them as problems', () => {
    expect(() => readAlertCounts('sentinel-alert-counts', fixture('siem-search/sentinel/query-partial.json'))).toThrow(
      /the query failed \(PartialError: Query result set has exceeded the internal data size limit/,
    );
    const section = siemAlertSection([
      { target: 's', probe: 'sentinel-alert-counts', text: fixture('products/sentinel/query-error-403.json') },
    ]);
    expect(section.details).toEqual([]);
    expect(section.problems).toEqual([
      {
        path: 's/sentinel-alert-counts',
        error:
          'the query failed (InsufficientAccessError: The provided credentials have insufficient access to ' +
          'perform the requested operation)',
      },
    ]);
  });
});

describe('Wazuh alert counts (wazuh-alerts-* on the Wazuh indexer)', () => {
  it('labels each rule id with its description', () => {
    const c = readAlertCounts('wazuh-alert-counts', fixture('products/wazuh/indexer-alert-counts.json'));
    expect(c.rules.map((r) => r.rule)).toEqual([
      '5710 sshd: Attempt to login using a non-existent user',
      '92052 Windows command prompt started by an abnormal process',
    ]);
    expect(c.other_alerts).toBe(30);
  });

  it('an answer over no index is "no alert index", not zero alerts', () => {
    expect(() => readAlertCounts('wazuh-alert-counts', fixture('products/wazuh/indexer-no-alert-index.json'))).toThrow(
      NoAlertIndexError,
    );
  });
});
