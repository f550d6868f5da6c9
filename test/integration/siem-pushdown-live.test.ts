// Gated live check of `detect --siem` against a real cluster: SOCREADY_TEST_ES_URL (with SOCREADY_TEST_ES_TOKEN, e.g.
// "ApiKey ..." or "user:password") and SOCREADY_TEST_SPLUNK_URL (with SOCREADY_TEST_SPLUNK_TOKEN, "Splunk <token>").
// Skipped, with the reason, when they are not set. Only read-only searches are sent.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory } from '../../src/inventory/load.js';
import { runPushdown } from '../../src/pushdown/run.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const LIVE = [
  {
    name: 'Elasticsearch',
    url: process.env.SOCREADY_TEST_ES_URL,
    product: 'elasticsearch',
    env: 'SOCREADY_TEST_ES_TOKEN',
  },
  { name: 'Splunk', url: process.env.SOCREADY_TEST_SPLUNK_URL, product: 'splunk', env: 'SOCREADY_TEST_SPLUNK_TOKEN' },
];

for (const live of LIVE) {
  const reason = live.url
    ? ''
    : ` (skipped: ${live.name === 'Splunk' ? 'SOCREADY_TEST_SPLUNK_URL' : 'SOCREADY_TEST_ES_URL'} is not set)`;
  describe.skipIf(!live.url)(`detect --siem live against ${live.name}${reason}`, () => {
    it('counts the fixture rules per day over 7 days, or says per rule why not', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'socready-live-'));
      try {
        const inv = join(dir, 'inventory.yaml');
        const token = process.env[live.env] ? `, token_env: ${live.env}` : '';
        writeFileSync(
          inv,
          'version: 1\norganization: Live\ntargets:\n  - id: siem\n    kind: siem\n    address: live\n    ' +
            `api: { url: "${live.url}", product: ${live.product}${token} }\n`,
        );
        const out = await runPushdown({
          rulePaths: [join(FIXTURES_DIR, 'siem-search', 'rules')],
          inventory: loadInventory(inv),
          siem: 'siem',
          days: 7,
          now: new Date(),
          timeoutMs: 60_000,
        });
        for (const r of out.results.filter((x) => x.query)) expect(r.error ?? '').toBe('');
        expect(out.counted).toBeGreaterThan(0);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }, 300_000);
  });
}
