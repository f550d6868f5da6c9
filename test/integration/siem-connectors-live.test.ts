// Gated live run of the SIEM connectors' product checks (issue 16) against real products: SOCREADY_TEST_ES_URL,
// SOCREADY_TEST_KIBANA_URL, SOCREADY_TEST_SPLUNK_URL, SOCREADY_TEST_WAZUH_URL (the manager API, a JWT in the token),
// SOCREADY_TEST_OPENSEARCH_URL (a cluster with Security Analytics, or a Wazuh indexer), SOCREADY_TEST_SENTINEL_URL
// (https://api.loganalytics.io/v1/workspaces/<id>, with SOCREADY_TEST_SENTINEL_MANAGEMENT_URL, the workspace's Azure
// Resource Manager URL, and SOCREADY_TEST_SENTINEL_MANAGEMENT_TOKEN), each with an optional
// SOCREADY_TEST_<NAME>_TOKEN. The same checks the contract tests decide (alert counts, field mappings, rules, rule
// actions, canary-style search) must be decided or inconclusive with a reason, never an error, and every request must
// be a GET or HEAD, or a POST to one of the product's read-only searches. Skipped, saying which variable is unset.
// On OpenSearch, the Security Analytics findings are also counted per enabled detector (GET pages only).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource, searchAllowed } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import { findingsWindow } from '../../src/collect/sa-findings.js';
import type { Target } from '../../src/model.js';
import type { SaFindingsDocument } from '../../src/rules/siem-alerts.js';

const LIVE = [
  { name: 'Elasticsearch', product: 'elasticsearch', url: 'SOCREADY_TEST_ES_URL', token: 'SOCREADY_TEST_ES_TOKEN' },
  { name: 'Kibana', product: 'kibana', url: 'SOCREADY_TEST_KIBANA_URL', token: 'SOCREADY_TEST_KIBANA_TOKEN' },
  { name: 'Splunk', product: 'splunk', url: 'SOCREADY_TEST_SPLUNK_URL', token: 'SOCREADY_TEST_SPLUNK_TOKEN' },
  { name: 'Wazuh', product: 'wazuh', url: 'SOCREADY_TEST_WAZUH_URL', token: 'SOCREADY_TEST_WAZUH_TOKEN' },
  {
    name: 'OpenSearch',
    product: 'opensearch',
    url: 'SOCREADY_TEST_OPENSEARCH_URL',
    token: 'SOCREADY_TEST_OPENSEARCH_TOKEN',
  },
  {
    name: 'Microsoft Sentinel',
    product: 'sentinel',
    url: 'SOCREADY_TEST_SENTINEL_URL',
    token: 'SOCREADY_TEST_SENTINEL_TOKEN',
    management: 'SOCREADY_TEST_SENTINEL_MANAGEMENT_URL',
    managementToken: 'SOCREADY_TEST_SENTINEL_MANAGEMENT_TOKEN',
  },
];

/** A request line of the evidence (`METHOD url`) that reads only; a POST's path is taken below the api.url. */
function readOnly(product: string, base: string, what: string): boolean {
  const m = /^(GET|HEAD|POST) (\S+)/.exec(what);
  if (!m) return false;
  const prefix = new URL(base).pathname.replace(/\/+$/, '');
  return m[1] !== 'POST' || searchAllowed(product, new URL(m[2]!).pathname.slice(prefix.length));
}

for (const live of LIVE) {
  const url = process.env[live.url];
  describe.skipIf(!url)(`${live.name} connector live${url ? '' : ` (skipped: ${live.url} is not set)`}`, () => {
    it('decides every product check or says why not, with read-only requests only', async () => {
      const target: Target = {
        id: 'siem',
        kind: 'siem',
        address: 'live',
        tags: [],
        transport: 'http',
        api: {
          url: url!,
          product: live.product,
          ...(process.env[live.token] ? { token_env: live.token } : {}),
          ...(live.management && process.env[live.management]
            ? { management_url: process.env[live.management]!, management_token_env: live.managementToken! }
            : {}),
        },
      };
      const a = await assessTarget(target, new ApiProbeSource(target), loadCatalog(), {
        store: new EvidenceStore(mkdtempSync(join(tmpdir(), 'socready-live-'))),
        only: ['products.*'],
      });
      expect(a.findings.length).toBeGreaterThan(0);
      for (const f of a.findings) {
        expect(f.status, `${f.check}: ${f.reason}`).not.toBe('error');
        if (f.status === 'inconclusive') expect(f.reason, f.check).toBeTruthy();
      }
      expect(a.evidence.filter((e) => e.kind === 'http' && !readOnly(live.product, url!, e.what))).toEqual([]);
    }, 300_000);

    it.skipIf(live.product !== 'opensearch')(
      'counts Security Analytics findings per enabled detector over the 30 days before the clock, GET only',
      async () => {
        // The clock is injected (read once): the window is checked against it, never against a fixed date.
        const clock = new Date();
        const target: Target = {
          id: 'siem',
          kind: 'siem',
          address: 'live',
          tags: [],
          transport: 'http',
          api: { url: url!, product: 'opensearch', ...(process.env[live.token] ? { token_env: live.token } : {}) },
        };
        const dir = mkdtempSync(join(tmpdir(), 'socready-live-sa-'));
        const a = await assessTarget(target, new ApiProbeSource(target, { now: () => clock }), loadCatalog(), {
          store: new EvidenceStore(dir),
          only: ['products.siem.alert-volume'],
        });
        const f = a.findings.find((x) => x.check === 'products.siem.alert-volume')!;
        expect(f.status, f.reason).not.toBe('error');
        const e = a.evidence.find((x) => x.probe === 'os-sa-finding-counts');
        if (!e || e.error) return; // no Security Analytics there (or denied): the finding says why
        const doc = JSON.parse(readFileSync(join(dir, e.file!), 'utf8')) as SaFindingsDocument;
        const w = findingsWindow(clock);
        expect(doc.security_analytics_findings.window).toEqual({
          start: w.start.toISOString(),
          end: w.end.toISOString(),
          days: 30,
        });
        for (const d of doc.security_analytics_findings.detectors) {
          expect(d.request).toMatch(/^GET \S+\/_plugins\/_security_analytics\/findings\/_search\?detector_id=/);
          if (d.status !== 'counted') expect(d.reason, d.name).toBeTruthy();
        }
      },
      300_000,
    );
  });
}
