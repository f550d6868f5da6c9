// Alert counts per rule from the answers of Sentinel's Log Analytics query API and the Wazuh indexer: a failed or
// partial query is refused (its counts would be too low), and an answer without the alert index counts nothing.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NoAlertIndexError, readAlertCounts, siemAlertSection } from '../../../src/rules/siem-alerts.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, p), 'utf8');

/** The workspace's analytics rules as Azure Resource Manager lists them, both pages in one `value` list. */
const alertRules = () =>
  JSON.stringify({
    value: ['page1', 'page2'].flatMap(
      (p) => (JSON.parse(fixture(`products/sentinel/alert-rules-${p}.json`)) as { value: unknown[] }).value,
    ),
  });

describe('Sentinel SecurityAlert counts (Log Analytics query API)', () => {
  it('counts per analytics rule id, named from alertRules, whatever names the alerts carry', () => {
    const c = readAlertCounts('sentinel-alert-counts', fixture('products/sentinel/alert-counts.json'), alertRules());
    expect(c).toMatchObject({ source: 'Sentinel SecurityAlert (Log Analytics)', total: 1836, per_day: 61.2 });
    // Two groups of one rule (its id in ExtendedProperties; in AlertType, `<workspace>_<rule id>`) are one rule, under
    // the rule's display name, not the alerts' dynamic names; the ingested alert without a rule id keeps its name.
    expect(c.rules.map((r) => [r.rule, r.rule_id, r.alerts, r.per_day])).toEqual([
      ['My scheduled rule', '73e01a99-5cd7-4139-a149-9f2736ff2ab5', 1800, 60],
      ['Sign-in from a disabled account', '2d1c5b8e-7f3a-4b8e-9c1d-0e5f6a7b8c9d', 30, 1],
      ['Impossible travel activity', undefined, 6, 0.2],
    ]);
    expect(c.basis).toBe(
      'per analytics rule id, named from the Azure alertRules list; 6 alerts without a rule id (ingested from ' +
        'other products) per alert name',
    );
  });

  it('without the alertRules list a rule is named by the alerts\' "Analytic Rule Name"; ids still join', () => {
    const c = readAlertCounts('sentinel-alert-counts', fixture('products/sentinel/alert-counts.json'));
    expect(c.rules.map((r) => [r.rule, r.rule_id, r.alerts])).toEqual([
      ['Heartbeat gap (v1)', '73e01a99-5cd7-4139-a149-9f2736ff2ab5', 1800],
      ['Sign-in from a disabled account', '2d1c5b8e-7f3a-4b8e-9c1d-0e5f6a7b8c9d', 30],
      ['Impossible travel activity', undefined, 6],
    ]);
    expect(c.basis).toMatch(/^per analytics rule id; 6 alerts without a rule id/);
  });

  it('an answer without RuleIds (stored by an older query) is counted per AlertName, and says so', () => {
    const c = readAlertCounts('sentinel-alert-counts', fixture('products/sentinel/alert-counts-by-name.json'));
    expect(c.rules.map((r) => [r.rule, r.per_day])).toEqual([
      ['My scheduled rule', 60],
      ['Sign-in from a disabled account', 1.2],
    ]);
    expect(c.basis).toBe(
      'per alert name (the answer has no RuleIds column, so alerts are not joined to their analytics rules)',
    );
  });

  it('the section joins each Sentinel target with its own alertRules answer', () => {
    const text = fixture('products/sentinel/alert-counts.json');
    const section = siemAlertSection([
      { target: 'a', probe: 'sentinel-alert-counts', text, rulesText: alertRules() },
      { target: 'b', probe: 'sentinel-alert-counts', text },
    ]);
    expect(section.details.map((d) => [d.target, d.rules[0]?.rule])).toEqual([
      ['a', 'My scheduled rule'],
      ['b', 'Heartbeat gap (v1)'],
    ]);
    expect(section.summary).toMatchObject({ alerts: 3672, rules_alerting: 6 });
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
