// Gated live run of the SIEM connectors' product checks (issue 16) against real products: SOCREADY_TEST_ES_URL,
// SOCREADY_TEST_KIBANA_URL, SOCREADY_TEST_SPLUNK_URL, each with an optional SOCREADY_TEST_<NAME>_TOKEN. The same
// checks the contract tests decide (alert counts, field mappings, rules, rule actions, canary-style search) must be
// decided or inconclusive with a reason, never an error, and every request must be a GET or HEAD. Skipped when unset.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { ApiProbeSource } from '../../src/collect/api-source.js';
import { assessTarget } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import type { Target } from '../../src/model.js';

const LIVE = [
  { name: 'Elasticsearch', product: 'elasticsearch', url: 'SOCREADY_TEST_ES_URL', token: 'SOCREADY_TEST_ES_TOKEN' },
  { name: 'Kibana', product: 'kibana', url: 'SOCREADY_TEST_KIBANA_URL', token: 'SOCREADY_TEST_KIBANA_TOKEN' },
  { name: 'Splunk', product: 'splunk', url: 'SOCREADY_TEST_SPLUNK_URL', token: 'SOCREADY_TEST_SPLUNK_TOKEN' },
];

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
        api: { url: url!, product: live.product, ...(process.env[live.token] ? { token_env: live.token } : {}) },
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
      expect(a.evidence.filter((e) => e.kind === 'http' && !/^(GET|HEAD) /.test(e.what))).toEqual([]);
    }, 300_000);
  });
}
