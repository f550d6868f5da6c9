// Security Analytics findings counted per rule and day (src/collect/sa-findings.ts) and read into the alert-count shape
// of the SOAR gate (src/rules/siem-alerts.ts): the documented answer, the window from an injected clock, a finding
// naming two rules, findings outside the window, and a cut chain that is inconclusive, never a zero.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { collectSaFindings, countDetector, findingsWindow, saFindingsProbe } from '../../../src/collect/sa-findings.js';
import { readAlertCounts, type SaFindingsDocument, siemAlertSection } from '../../../src/rules/siem-alerts.js';
import type { ProbeResult } from '../../../src/transport/types.js';
import { FIXTURES_DIR } from '../../helpers/paths.js';
import { saFindingsDoc } from '../../helpers/sa-findings-doc.js';

const fixture = (p: string) => readFileSync(join(FIXTURES_DIR, 'products', p), 'utf8');
const ok = (body: unknown): ProbeResult => ({
  stdout: typeof body === 'string' ? body : JSON.stringify(body),
  stderr: 'HTTP 200 OK',
  exitCode: 200,
  truncated: false,
  durationMs: 1,
});
const probe = loadCatalog().probes.get('os-sa-finding-counts')!;
const detector = { id: 'd1', name: 'windows-endpoints', enabled: true };

describe('Security Analytics findings per rule and day', () => {
  it('counts the documented answer per rule id (queries[].id) and day, when the window holds its timestamps', () => {
    // The example's findings were raised on 2022-09-28 (1664401088804 ms): a scan on 2022-10-05 counts them.
    const window = findingsWindow(new Date('2022-10-05T12:00:00Z'));
    const c = countDetector(
      detector,
      'GET x',
      ok(fixture('opensearch/sa-findings-search.json')),
      window,
      new Map(),
      100,
    );
    expect(c).toMatchObject({ status: 'counted', total_findings: 2, findings_read: 2, findings_counted: 2 });
    expect(c.rules).toEqual([
      { id: 'f1bff160-587b-4500-b60c-ab22c7abc652', name: '3', findings: 2, days: { '2022-09-28': 2 } },
    ]);
  });

  it('counts nothing outside the 30 whole days before the scan day (versions that ignore startTime/endTime)', () => {
    // On 2022-09-28 itself the window ends at that day's 00:00 UTC: the day of the scan is not whole yet.
    const c = countDetector(
      detector,
      'GET x',
      ok(fixture('opensearch/sa-findings-search.json')),
      findingsWindow(new Date('2022-09-28T23:00:00Z')),
      new Map(),
      100,
    );
    expect(c).toMatchObject({ status: 'counted', findings_counted: 0, rules: [] });
  });

  it('a finding naming two rules counts for each; the rules searches name them', () => {
    const window = findingsWindow(new Date('2026-11-30T09:00:00Z'));
    const t = Date.parse('2026-11-12T10:00:00Z');
    const answer = {
      total_findings: 2,
      findings: [
        {
          detectorId: 'd1',
          id: 'f1',
          timestamp: t,
          queries: [
            { id: 'r1', name: 'r1' },
            { id: 'r2', name: 'r2' },
          ],
        },
        { detectorId: 'd1', id: 'f2', timestamp: t + 1, queries: [{ id: 'r1', name: 'r1' }] },
      ],
    };
    const c = countDetector(
      detector,
      'GET x',
      ok(answer),
      window,
      new Map([['r1', 'Brute force on the VPN portal']]),
      100,
    );
    expect(c.findings_counted).toBe(2);
    expect(c.rules.map((r) => [r.id, r.name, r.findings, r.days])).toEqual([
      ['r1', 'Brute force on the VPN portal', 2, { '2026-11-12': 2 }],
      ['r2', 'r2', 1, { '2026-11-12': 1 }],
    ]);
  });

  it('pages that repeat findings (a startIndex the server ignores) are not counted twice: the chain is capped', () => {
    const window = findingsWindow(new Date('2026-11-30T09:00:00Z'));
    const t = Date.parse('2026-11-12T10:00:00Z');
    const page = [
      { id: 'f1', timestamp: t, queries: [{ id: 'r1', name: 'r1' }] },
      { id: 'f2', timestamp: t, queries: [{ id: 'r1', name: 'r1' }] },
    ];
    // total_findings 4: the joined chain holds 4 findings, but only 2 distinct ones (page 1 answered twice).
    const c = countDetector(
      detector,
      'GET x',
      ok({ total_findings: 4, findings: [...page, ...page] }),
      window,
      new Map(),
      100,
    );
    expect(c).toMatchObject({ status: 'capped', total_findings: 4, findings_read: 2, rules: [] });
    expect(c.reason).toMatch(/2 findings repeated/);
  });

  it('a chain cut before total_findings is capped, a failed page failed: neither counts a rule', () => {
    const window = findingsWindow(new Date('2026-11-30T09:00:00Z'));
    const cut = countDetector(
      detector,
      'GET x',
      ok({ total_findings: 900, findings: [{ queries: [] }] }),
      window,
      new Map(),
      100,
    );
    expect(cut).toMatchObject({ status: 'capped', total_findings: 900, findings_read: 1, rules: [] });
    expect(cut.reason).toMatch(/^1 of 900 findings read \(at most 100 pages of 500\)/);
    const failed = countDetector(
      detector,
      'GET x',
      { ...ok(''), error: { kind: 'auth-failed', message: 'HTTP 401 Unauthorized' } },
      window,
      new Map(),
      100,
    );
    expect(failed).toMatchObject({ status: 'failed', reason: 'auth-failed: HTTP 401 Unauthorized', rules: [] });
  });

  it("builds one GET per enabled detector over the injected clock's window; disabled ones are only named", async () => {
    const detectors = {
      hits: {
        hits: [
          { _id: 'on-1', _source: { name: 'windows-endpoints', enabled: true } },
          { _id: 'off-1', _source: { name: 'linux-servers', enabled: false } },
        ],
      },
    };
    const sent: string[] = [];
    const r = await collectSaFindings(probe, {
      answered: (id) => (id === 'os-sa-detectors' ? ok(detectors) : undefined),
      now: new Date('2026-11-30T09:00:00Z'),
      send: async (p) => {
        sent.push(`${p.method} ${p.path} ${p.paging}`);
        return ok({ total_findings: 0, findings: [] });
      },
      describe: (p) => `GET ${p.path}`,
      maxPages: 100,
    });
    expect(sent).toEqual([
      'GET /_plugins/_security_analytics/findings/_search?detector_id=on-1&startTime=1793404800000' +
        '&endTime=1795996800000&sortOrder=asc&size=500&startIndex=0 start-index',
    ]);
    expect(new Date(1793404800000).toISOString()).toBe('2026-10-31T00:00:00.000Z');
    const doc = JSON.parse(r.stdout) as SaFindingsDocument;
    expect(doc.security_analytics_findings.window).toEqual({
      start: '2026-10-31T00:00:00.000Z',
      end: '2026-11-30T00:00:00.000Z',
      days: 30,
    });
    expect(doc.security_analytics_findings.disabled_detectors).toEqual(['linux-servers']);
    // Counted and empty is a real zero: the check passes on it.
    expect(readAlertCounts('os-sa-finding-counts', r.stdout)).toMatchObject({ total: 0, rules: [] });
  });

  it('detectors the search did not return are reported not counted, never taken as raising nothing', async () => {
    const detectors = {
      hits: { total: { value: 3, relation: 'eq' }, hits: [{ _id: 'on-1', _source: { enabled: true } }] },
    };
    const r = await collectSaFindings(probe, {
      answered: (id) => (id === 'os-sa-detectors' ? ok(detectors) : undefined),
      now: new Date('2026-11-30T09:00:00Z'),
      send: async () => ok({ total_findings: 0, findings: [] }),
      describe: () => 'GET findings',
      maxPages: 100,
    });
    const c = readAlertCounts('os-sa-finding-counts', r.stdout);
    expect(c.inconclusive).toEqual([
      'detector 2 more (*) capped: the detectors search returned 1 of 3 detectors: the rest were not asked',
    ]);
  });

  it('the detectors search failing is the probe failing (not-found: no Security Analytics here)', async () => {
    const r = await collectSaFindings(probe, {
      answered: () => ({ ...ok(''), error: { kind: 'not-found', message: 'HTTP 404 Not Found' } }),
      now: new Date('2026-11-30T09:00:00Z'),
      send: async () => ok(''),
      describe: () => '',
      maxPages: 100,
    });
    expect(r.error).toEqual({ kind: 'not-found', message: 'os-sa-detectors: HTTP 404 Not Found' });
  });

  it('reads the document into the alert-count shape: counted detectors summed, the cut one inconclusive', () => {
    const doc = saFindingsDoc([
      {
        id: 'd1',
        name: 'windows',
        request: 'GET x',
        status: 'counted',
        findings_counted: 90,
        rules: [
          { id: 'r1', name: 'VPN brute force', findings: 60, days: { '2026-11-01': 10, '2026-11-02': 50 } },
          { id: 'r2', name: 'r2', findings: 31, days: { '2026-11-03': 31 } },
        ],
      },
      {
        id: 'd2',
        name: 'linux',
        request: 'GET y',
        status: 'capped',
        reason: '1 of 900 findings read',
        rules: [],
      },
    ]);
    const c = readAlertCounts('os-sa-finding-counts', JSON.stringify(doc));
    expect(c).toEqual({
      source: 'OpenSearch Security Analytics findings',
      window_days: 30,
      total: 90,
      per_day: 3,
      rules: [
        { rule: 'r1 VPN brute force', alerts: 60, per_day: 2, busiest_day: { day: '2026-11-02', alerts: 50 } },
        { rule: 'r2', alerts: 31, per_day: 1.03, busiest_day: { day: '2026-11-03', alerts: 31 } },
      ],
      other_alerts: 0,
      inconclusive: ['detector linux (d2) capped: 1 of 900 findings read'],
    });
    const section = siemAlertSection([{ target: 'os', probe: 'os-sa-finding-counts', text: JSON.stringify(doc) }]);
    expect(section.details).toHaveLength(1);
    expect(section.problems).toEqual([
      { path: 'os/os-sa-finding-counts', error: 'detector linux (d2) capped: 1 of 900 findings read' },
    ]);
    // No detector counted at all: nothing is reported as measured.
    doc.security_analytics_findings.detectors.shift();
    expect(() => readAlertCounts('os-sa-finding-counts', JSON.stringify(doc))).toThrow(
      /no detector's findings could be counted: detector linux \(d2\) capped/,
    );
  });

  it('the built page probe keeps the catalog probe settings but is a plain paged GET (no fan-out, no needs)', () => {
    const p = saFindingsProbe(probe, 'a b/c', findingsWindow(new Date('2026-11-30T09:00:00Z')));
    expect(p).toMatchObject({
      id: 'os-sa-finding-counts',
      method: 'GET',
      paging: 'start-index',
      products: ['opensearch'],
    });
    expect(p.fan_out).toBeUndefined();
    expect(p.needs).toBeUndefined();
    expect(p.path).toContain('detector_id=a+b%2Fc&');
  });
});
