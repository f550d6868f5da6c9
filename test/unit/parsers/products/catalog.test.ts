import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { searchAllowed } from '../../../../src/collect/api-source.js';
import { type Catalog, loadCatalog, loadProbes } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import type { CheckDef } from '../../../../src/checks/types.js';
import type { FindingStatus } from '../../../../src/model.js';
import { PARSERS } from '../../../../src/parsers/index.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import type { InputError } from '../../../../src/util/validate.js';
import { answered, failed, fixture, fromFixture, otherProductProbe } from './helpers.js';

let catalog: Catalog;
let checks: CheckDef[];

beforeAll(() => {
  catalog = loadCatalog();
  checks = catalog.checks.filter((c) => c.file?.startsWith('products/'));
});

/** What the API source would answer for a product: its own probes from fixtures, every other probe "unsupported". */
function outputsFor(product: string, own: Record<string, ProbeResult>): Record<string, ProbeResult> {
  const out: Record<string, ProbeResult> = {};
  for (const probe of catalog.probes.values()) {
    if (probe.kind !== 'http') continue;
    out[probe.id] = probe.products?.includes(product)
      ? (own[probe.id] ?? failed('other', `no fixture for ${probe.id}`))
      : otherProductProbe();
  }
  return out;
}

function statuses(outputs: Record<string, ProbeResult>): Record<string, FindingStatus> {
  return Object.fromEntries(
    checks.map((c) => [c.id, evaluateCheck(c, outputs, { targetId: 't', kind: 'siem' }).status]),
  );
}

describe('product check catalog', () => {
  it('loads the product checks and probes with no problems', () => {
    const mine = catalog.problems.filter((p) => /(^|\/)(products\/|probes\/products\.yaml)/.test(p.file));
    expect(mine.map((p) => `${p.file}: ${p.message}`)).toEqual([]);
    expect(checks.length).toBeGreaterThanOrEqual(15);
    const probes = [...catalog.probes.values()].filter((p) => p.kind === 'http');
    expect(probes.length).toBeGreaterThanOrEqual(12);
    for (const p of probes) {
      expect(p.platform).toBe('api');
      // POST only to a read-only search endpoint of every product the probe is asked of.
      if (p.method === 'POST') expect(p.products!.every((x) => searchAllowed(x, p.path!.split('?')[0]!))).toBe(true);
      else expect(p.method ?? 'GET').toMatch(/^(GET|HEAD)$/);
    }
  });

  it(
    'uses only product API probes and known parsers, and is about infrastructure, log collection or the rules ' +
      'the SIEM runs',
    () => {
      for (const check of checks) {
        expect(check.id).toMatch(/^products\./);
        expect(PARSERS[check.parser], check.id).toBeTypeOf('function');
        expect([
          'infrastructure',
          'log-collection',
          ...(check.id === 'products.siem.detection-rules-enabled' ? ['detection-rules'] : []),
          // Enabled rules that search where no events arrive: the rules the SIEM runs, blind.
          ...(check.id === 'products.siem.blind-rules' ? ['detection-rules'] : []),
          // What the rules raised over 30 days: the alert volume and noise of detection validation.
          ...(check.id === 'products.siem.alert-volume' ? ['detection-validation'] : []),
          // The SIEM -> SOAR hop of the response loop.
          ...(check.id === 'products.siem.alerts-to-soar' ? ['response-automation'] : []),
          // The same hop from the SOAR's side (its own list APIs).
          ...(check.id === 'products.soar.siem-integration' ? ['response-automation'] : []),
        ]).toContain(check.area);
        for (const p of check.probes) expect(catalog.probes.get(p)?.kind, `${check.id} -> ${p}`).toBe('http');
        expect(check.kinds.every((k) => ['siem', 'soar', 'edr', 'waf', 'ips', 'ndr'].includes(k))).toBe(true);
        // Japanese text is really Japanese (not a copy of the English).
        for (const field of [check.title, check.rationale, check.remediation])
          expect(field.ja).toMatch(/[\u3040-\u30ff\u4e00-\u9fff]/);
      }
    },
  );

  it('refuses, by schema, an http probe that would change state or lacks what it needs', () => {
    const dir = mkdtempSync(join(tmpdir(), 'socready-probes-'));
    try {
      writeFileSync(
        join(dir, 'bad.yaml'),
        [
          '- { id: post-it, platform: api, kind: http, path: /_security/api_key, method: POST, products: ' +
            '[elasticsearch] }',
          '- { id: delete-it, platform: api, kind: http, path: /logs-x, method: DELETE, products: [elasticsearch] }',
          '- { id: no-products, platform: api, kind: http, path: /_cluster/health }',
          '- { id: relative, platform: api, kind: http, path: _cluster/health, products: [elasticsearch] }',
          '- { id: http-as-command, platform: api, kind: http, path: /, command: "curl -X DELETE x", ' +
            'products: [elasticsearch] }',
          '- { id: command-with-method, platform: linux, kind: command, command: id, method: GET }',
          '- { id: fine, platform: api, kind: http, path: /, method: HEAD, products: [elasticsearch] }',
        ].join('\n'),
      );
      const problems: InputError[] = [];
      const probes = loadProbes(dir, problems);
      expect([...probes.keys()]).toEqual(['fine']);
      expect(problems).toHaveLength(6);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('declares the log sources that a passing visibility check proves', () => {
    const provides = checks.filter((c) => c.provides?.length).map((c) => c.id);
    expect(provides).toEqual(
      expect.arrayContaining([
        'products.es.windows-security-received',
        'products.es.linux-auth-received',
        'products.es.webserver-received',
      ]),
    );
  });
});

describe('product checks on realistic answers', () => {
  it('decides an Elasticsearch SIEM and leaves Splunk and Wazuh checks not applicable', () => {
    const s = statuses(
      outputsFor('elasticsearch', {
        'api-root': fromFixture('elasticsearch/root.json'),
        'es-cluster-health': fromFixture('elasticsearch/cluster-health-green.json'),
        'es-allocation': fromFixture('elasticsearch/allocation.json'),
        'es-disk-settings': fromFixture('elasticsearch/disk-settings-defaults.json'),
        'es-data-streams': fromFixture('elasticsearch/data-streams.json'),
        'es-ilm-policies': fromFixture('elasticsearch/ilm-policies.json'),
        'es-ingest-recency': fromFixture('elasticsearch/ingest-search.json'),
      }),
    );
    expect(s).toMatchObject({
      'products.api.tls-verified': 'pass',
      'products.es.cluster-health': 'pass',
      'products.es.disk-watermark': 'warn',
      'products.es.retention': 'fail',
      'products.es.ingest-current': 'pass',
      'products.es.sources-reporting': 'fail',
      'products.es.windows-security-received': 'pass',
      'products.es.linux-auth-received': 'pass',
      'products.es.webserver-received': 'fail',
      'products.es.sysmon-received': 'pass',
      'products.es.powershell-received': 'pass',
    });
    for (const [id, status] of Object.entries(s))
      if (/^products\.(splunk|wazuh)\./.test(id)) expect(status, id).toBe('not-applicable');
  });

  it('does not take an index name alone as proof of Windows channels: the channel must have been seen', () => {
    const search = JSON.parse(fixture('elasticsearch/ingest-search.json')) as {
      aggregations: { indices: { buckets: { key: string }[] }; recent: { channels: { buckets: unknown[] } } };
    };
    search.aggregations.recent.channels.buckets = [];
    search.aggregations.indices.buckets = search.aggregations.indices.buckets.map((b) => ({
      ...b,
      key: b.key.replace('system.security', 'winlogbeat'),
    }));
    const s = statuses(
      outputsFor('elasticsearch', {
        'api-root': fromFixture('elasticsearch/root.json'),
        'es-ingest-recency': answered(JSON.stringify(search)),
      }),
    );
    expect(s['products.es.windows-security-received']).toBe('fail');
    expect(s['products.es.sysmon-received']).toBe('fail');
    expect(s['products.es.linux-auth-received']).toBe('pass');
  });

  it('decides an OpenSearch cluster (Wazuh indexer) from ISM policies', () => {
    const s = statuses(
      outputsFor('opensearch', {
        'api-root': fromFixture('opensearch/root.json', { tls: 'unverified TLSv1.3' }),
        'es-cluster-health': fromFixture('elasticsearch/cluster-health-red.json'),
        'os-ism-policies': fromFixture('opensearch/ism-policies.json'),
      }),
    );
    expect(s['products.api.tls-verified']).toBe('warn');
    expect(s['products.api.cert-lifetime']).toBe('not-applicable');
    expect(s['products.es.cluster-health']).toBe('fail');
    expect(s['products.es.retention']).toBe('warn');
  });

  it('decides a Splunk indexer', () => {
    const s = statuses(
      outputsFor('splunk', {
        'api-root': answered(fixture('splunk/root.xml'), { tls: 'none' }),
        'splunk-health': fromFixture('splunk/health-red.json'),
        'splunk-indexes': fromFixture('splunk/indexes.json'),
        'splunk-license-messages': fromFixture('splunk/license-messages.json'),
      }),
    );
    expect(s).toMatchObject({
      'products.api.tls-verified': 'fail',
      'products.splunk.health': 'fail',
      'products.splunk.retention': 'warn',
      'products.splunk.size-cap': 'fail',
      'products.splunk.ingest-current': 'pass',
      'products.splunk.indexes-reporting': 'fail',
      'products.splunk.license': 'warn',
      'products.es.cluster-health': 'not-applicable',
      'products.wazuh.agents-connected': 'not-applicable',
    });
  });

  it('decides a Wazuh manager', () => {
    const s = statuses(
      outputsFor('wazuh', {
        'api-root': fromFixture('wazuh/root.json', { tls: 'verified TLSv1.3 not_after=2026-11-28T17:00:00.000Z' }),
        'wazuh-agents-summary': fromFixture('wazuh/agents-summary.json'),
        'wazuh-manager-status': fromFixture('wazuh/manager-status-analysisd-stopped.json'),
      }),
    );
    expect(s).toMatchObject({
      'products.wazuh.agents-connected': 'fail',
      'products.wazuh.manager-daemons': 'fail',
      'products.splunk.health': 'not-applicable',
      'products.api.cert-lifetime': 'fail',
    });
    const healthy = statuses(
      outputsFor('wazuh', {
        'api-root': fromFixture('wazuh/root.json'),
        'wazuh-agents-summary': fromFixture('wazuh/agents-summary-all-connected.json'),
        'wazuh-manager-status': fromFixture('wazuh/manager-status.json'),
      }),
    );
    expect(healthy).toMatchObject({
      'products.wazuh.agents-connected': 'pass',
      'products.wazuh.manager-daemons': 'pass',
    });
  });

  it('is inconclusive, with the reason, when the API refused the credential', () => {
    const outputs = outputsFor('splunk', {
      'api-root': fromFixture('wazuh/root.json'),
      'splunk-health': failed('auth-failed', 'HTTP 401 Unauthorized'),
    });
    const check = checks.find((c) => c.id === 'products.splunk.health')!;
    const f = evaluateCheck(check, outputs, { targetId: 't', kind: 'siem' });
    expect(f.status).toBe('inconclusive');
    expect(f.reason).toMatch(/auth-failed: HTTP 401/);
  });
});
