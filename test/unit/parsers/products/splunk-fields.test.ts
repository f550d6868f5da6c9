import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { sourcetypeFieldCounts } from '../../../../src/parsers/products/splunk-fields.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { answered, fromFixture } from './helpers.js';

const catalog = loadCatalog();
const CHECK = 'products.splunk.detection-fields-parsed';

function decide(answer: ProbeResult) {
  const def = catalog.checks.find((c) => c.id === CHECK)!;
  return evaluateCheck(
    def,
    { 'api-root': fromFixture('splunk/root.xml'), 'splunk-field-summary': answer },
    { targetId: 'splunk', kind: 'siem', evidenceIds: {} },
    new Map(),
  );
}

/** The export answer: one `result` row per sampled sourcetype with its events and the events carrying each field. */
const rows = (...r: [string, number, Record<string, number>][]) =>
  r
    .map(([sourcetype, events, fields]) =>
      JSON.stringify({ preview: false, result: { sourcetype, events: String(events), ...fields } }),
    )
    .join('\n');

describe('Splunk field extraction judged per sampled source family', () => {
  it('reads the per-sourcetype counts; a FATAL message is the search failing', () => {
    const counts = sourcetypeFieldCounts(rows(['linux_audit', 10, { acct: 4, proctitle: 0 }]));
    expect([...counts.get('linux_audit')!]).toEqual([
      ['events', 10],
      ['acct', 4],
      ['proctitle', 0],
    ]);
    expect(() => sourcetypeFieldCounts('{"messages":[{"type":"FATAL","text":"bad"}]}')).toThrow(/search failed: bad/);
  });

  it('a Windows-only estate with user, source IP and CommandLine extracted passes', () => {
    const r = decide(
      answered(
        rows(
          ['XmlWinEventLog:Security', 2000, { TargetUserName: 1900, IpAddress: 800, CommandLine: 0 }],
          ['XmlWinEventLog:Microsoft-Windows-Sysmon/Operational', 2000, { User: 2000, CommandLine: 1500 }],
        ),
      ),
    );
    expect(r.status).toBe('pass');
  });

  it('a web access-only estate is not failed for a missing request body or command line', () => {
    expect(decide(answered(rows(['access_combined', 2000, { user: 2000, clientip: 2000 }]))).status).toBe('pass');
    // Its own groups are still required: no source IP extracted fails.
    const noSrc = decide(answered(rows(['access_combined', 2000, { user: 2000, clientip: 0 }])));
    expect(noSrc.status).toBe('fail');
    expect(noSrc.reason).toMatch(/web access source IP \(none of src, src_ip, clientip/);
  });

  it('a ModSecurity audit sample requires a request body; Linux audit requires a command line', () => {
    const r = decide(
      answered(rows(['modsec_audit', 40, { src: 40, request_body: 0 }], ['linux_audit', 500, { acct: 400, src: 20 }])),
    );
    expect(r.status).toBe('fail');
    expect(r.reason).toMatch(/Linux audit command line \(none of .*WAF request body \(none of /);
  });

  it('a family with no event, or only sourcetypes of no family, leaves nothing to judge: inconclusive', () => {
    const r = decide(answered(rows(['access_combined', 0, { user: 0 }], ['cisco:asa', 900, { src: 900 }])));
    expect(r.status).toBe('inconclusive');
  });
});
