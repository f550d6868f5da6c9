import { describe, expect, it } from 'vitest';
import { InconclusiveError, ParseError } from '../../../../src/checks/types.js';
import { parseApiTransport } from '../../../../src/parsers/products/api.js';
import {
  parseSplunkHealth,
  parseSplunkIndexes,
  parseSplunkLicense,
  splunkParsers,
} from '../../../../src/parsers/products/splunk.js';
import { parseAgentsSummary, parseManagerStatus, wazuhParsers } from '../../../../src/parsers/products/wazuh.js';
import { answered, failed, fixture, fromFixture, otherProductProbe, SERVER_NOW } from './helpers.js';

const json = (p: string) => JSON.parse(fixture(p)) as unknown;

describe('Splunk health report', () => {
  it('lists the red and yellow leaf features, not their parents', () => {
    expect(parseSplunkHealth(json('splunk/health-red.json'))).toEqual({
      applicable: true,
      health: 'red',
      red_features: ['File Monitor Input > Ingestion Latency'],
      yellow_features: ['Search Scheduler > Searches Skipped in the last 24 hours'],
    });
    expect(parseSplunkHealth(json('splunk/health-green.json'))).toMatchObject({
      health: 'green',
      red_features: [],
      yellow_features: [],
    });
  });

  it('is an error when output_mode=json was not honoured (an Atom XML answer)', () => {
    expect(() => splunkParsers['splunk-health']({ 'splunk-health': answered(fixture('splunk/root.xml')) })).toThrow(
      ParseError,
    );
  });
});

describe('Splunk indexes', () => {
  const facts = parseSplunkIndexes(json('splunk/indexes.json'), SERVER_NOW);
  const byName = Object.fromEntries((facts.log_indexes as { name: string }[]).map((i) => [i.name, i])) as Record<
    string,
    Record<string, unknown>
  >;

  it("leaves out Splunk's own, disabled and empty indexes", () => {
    expect(Object.keys(byName).sort()).toEqual(['firewall', 'linux', 'main', 'wineventlog']);
    expect(facts.indexes_total).toBe(8);
  });

  it('turns frozenTimePeriodInSecs into days and the size against maxTotalDataSizeMB into a ratio', () => {
    expect(byName.main).toMatchObject({ retention_days: 2184, events: 51200333 });
    expect(byName.firewall).toMatchObject({ retention_days: 90, size_ratio: 0.246 });
    expect(byName.wineventlog).toMatchObject({ retention_days: 365, size_ratio: 0.956 });
  });

  it('measures the newest event (maxTime) against the server clock', () => {
    expect(facts.newest_age_minutes).toBe(1);
    expect(byName.linux!.age_minutes).toBe(2910);
    expect(facts.stale_indexes).toEqual(['linux']);
  });

  it('is not applicable on another product and inconclusive on a refused request', () => {
    expect(splunkParsers['splunk-indexes']({ 'splunk-indexes': otherProductProbe() })).toEqual({ applicable: false });
    expect(() =>
      splunkParsers['splunk-indexes']({ 'splunk-indexes': failed('auth-failed', 'HTTP 401 Unauthorized') }),
    ).toThrow(InconclusiveError);
  });
});

describe('Splunk licence messages', () => {
  it('counts quota and licence-window messages as violations', () => {
    const facts = parseSplunkLicense(json('splunk/license-messages.json'));
    expect((facts.violations as { category: string }[]).map((v) => v.category)).toEqual([
      'license_window',
      'pool_over_quota',
    ]);
    expect(facts.errors).toBe(0);
    expect(parseSplunkLicense(json('splunk/license-messages-none.json'))).toMatchObject({
      messages: 0,
      violations: [],
    });
  });
});

describe('Wazuh', () => {
  it('reads agent counts in the 4.4+ (data.connection) and the 4.0-4.3 (data) formats', () => {
    expect(parseAgentsSummary(json('wazuh/agents-summary.json'))).toMatchObject({
      total: 45,
      active: 41,
      not_connected: 4,
      not_connected_ratio: 0.089,
      config_not_synced: 1,
    });
    expect(parseAgentsSummary(json('wazuh/agents-summary-4.3.json'))).toMatchObject({
      total: 59,
      active: 57,
      not_connected: 2,
      not_connected_ratio: 0.034,
    });
    expect(() => parseAgentsSummary({ data: {}, error: 0 })).toThrow(ParseError);
  });

  it('lists the required daemons that are not running, also under pre-4.2 ossec-* names', () => {
    expect(parseManagerStatus(json('wazuh/manager-status.json')).stopped_required).toEqual([]);
    expect(parseManagerStatus(json('wazuh/manager-status-analysisd-stopped.json')).stopped_required).toEqual([
      'wazuh-analysisd',
      'wazuh-remoted',
    ]);
    const legacy = {
      data: {
        affected_items: [
          {
            'ossec-analysisd': 'running',
            'ossec-remoted': 'stopped',
            'wazuh-db': 'running',
            'wazuh-modulesd': 'running',
            'ossec-monitord': 'running',
            'ossec-logcollector': 'running',
          },
        ],
      },
    };
    expect(parseManagerStatus(legacy).stopped_required).toEqual(['wazuh-remoted']);
  });

  it('is not applicable on another product', () => {
    expect(wazuhParsers['wazuh-agents']({ 'wazuh-agents-summary': otherProductProbe() })).toEqual({
      applicable: false,
    });
  });
});

describe('API transport', () => {
  it('reads the TLS record the API source writes beside every answer', () => {
    expect(
      parseApiTransport(
        'HTTP 200 OK\ndate: Mon, 23 Nov 2026 17:00:00 GMT\ntls: verified TLSv1.3 not_after=2026-12-13T17:00:00.000Z',
      ),
    ).toEqual({
      tls: 'verified',
      encrypted: true,
      protocol: 'TLSv1.3',
      cert_not_after: '2026-12-13T17:00:00.000Z',
      cert_days_left: 20,
      // Every fact was read from the one `tls:` line: the finding's decisive evidence.
      at: expect.objectContaining({
        tls: { probe: 'api-root', text: 'tls: verified TLSv1.3 not_after=2026-12-13T17:00:00.000Z' },
      }),
    });
    expect(parseApiTransport('HTTP 200 OK\ntls: none')).toMatchObject({
      tls: 'none',
      encrypted: false,
      cert_days_left: null,
    });
    expect(() => parseApiTransport('HTTP 200 OK')).toThrow(InconclusiveError);
    expect(fromFixture('wazuh/root.json', { tls: 'unverified TLSv1.2' }).stderr).toMatch(/tls: unverified/);
  });
});
