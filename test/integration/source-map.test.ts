// Issue 13, "Done when": the log-source map decides log-collection scope and the SOAR gate. Offline evidence of the
// hardened Linux fixture host (forwarding, audit plugin, fresh auth log: every Linux check passes) is scanned with an
// estate that also has web servers, a WAF, databases, Windows with EDR and an IdP.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { loadInventory } from '../../src/inventory/load.js';
import type { Report } from '../../src/model.js';
import { renderHtml } from '../../src/report/html.js';
import { runScan } from '../../src/scan.js';
import { terminalSummary } from '../../src/summary.js';
import { fixtureHost } from '../fixtures/linux/hosts.js';
import { evidenceProbes } from '../helpers/evidence-estate.js';

function hardenedEvidence(dir: string): string {
  const catalog = loadCatalog();
  const outputs = fixtureHost('hardened', catalog.probes.values());
  // This estate's EDR is CrowdStrike on the Windows hosts: the Linux host runs no EDR agent. (The hardened fixture also
  // carries a healthy mdatp for the EDR checks; here it would measure the EDR class from a host the estate excludes.)
  delete outputs['linux-edr-status'];
  delete outputs['linux-agent-status']; // its Wazuh agent and osquery, for the same reason
  const probes = evidenceProbes(outputs, catalog);
  const file = join(dir, 'linux01.json');
  writeFileSync(
    file,
    JSON.stringify({
      format: 'socready-evidence',
      version: 1,
      platform: 'linux',
      collected_at: '2026-11-20T10:00:00Z',
      host: { hostname: 'linux01' },
      probes,
    }),
  );
  return file;
}

const QUESTIONNAIRE = `version: 1
answers:
  staffing.analysts: 6
  staffing.analysts_per_shift: 2
  triage.alerts_per_analyst_per_shift: 40
  staffing.detection_engineers: 2
  oncall.coverage: 24x7
  oncall.escalation_documented: true
  tuning.cadence: weekly
  tuning.fp_tracked: true
  procedures.reviewed: quarterly
  automation.blocking_risk_assessed: true
  automation.approval_defined: true
`;

function inventory(dir: string, estate: string): ReturnType<typeof loadInventory> {
  writeFileSync(join(dir, 'answers.yaml'), QUESTIONNAIRE);
  const file = join(dir, `inventory-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, `version: 1\norganization: Example\ntargets: []\nquestionnaire: answers.yaml\n${estate}`);
  return loadInventory(file);
}

const ESTATE = `estate:
  sources:
    linux-os-audit: { count: 1 }
    web-request-body: { count: 2, products: [nginx] }
    web-response-body: { count: 2, products: [nginx] }
    waf: { count: 1, products: [ModSecurity] }
    database-audit: { count: 3, products: [PostgreSQL] }
    edr: { products: [CrowdStrike], scope: all Windows }
    identity: { products: [Entra ID], collected: true }
    ndr: false
  use_cases:
    detect: [sql-injection, credential-stuffing, web-shell, lateral-movement-ssh, kernel-backdoor]
    automate: [sql-injection, lateral-movement-ssh]
`;

describe('source map: Linux-only evidence with perfect forwarding', () => {
  let dir: string;
  let report: Report;
  let bare: Report;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'socready-sources-'));
    const evidence = hardenedEvidence(dir);
    report = (
      await runScan({
        inventory: inventory(dir, ESTATE),
        outDir: join(dir, 'out'),
        evidencePath: evidence,
        hostsOnly: true,
      })
    ).report;
    bare = (
      await runScan({
        inventory: inventory(dir, ''),
        outDir: join(dir, 'out-bare'),
        evidencePath: evidence,
        hostsOnly: true,
      })
    ).report;
  }, 120_000);

  it('starts from perfect Linux forwarding: every forwarding check passes and Linux OS audit is measured', () => {
    const fwd = report.findings.filter((f) => f.check.startsWith('linux.logfwd.'));
    expect(fwd.length).toBe(3);
    for (const f of fwd) expect(f.status, f.check).toBe('pass');
    expect(report.analyses.sources!.details.classes.find((c) => c.id === 'linux-os-audit')).toMatchObject({
      status: 'measured',
      proof: 'collected',
    });
  });

  it('does not meet log-collection scope: the classes the declared use-cases need are named as missing', () => {
    const lc = report.score!.areas.find((a) => a.area === 'log-collection')!;
    expect(lc.level).toBeLessThan(3);
    const unmet = lc.criteria.filter((c) => !c.met).map((c) => c.text.en);
    expect(unmet.join('\n')).toMatch(/Every required log source is measured \(not yet: .*Web request bodies.*\)/);
    const status = Object.fromEntries(report.analyses.sources!.details.classes.map((c) => [c.id, c.status]));
    expect(status).toMatchObject({
      'web-request-body': 'missing',
      waf: 'missing',
      'database-audit': 'missing',
      edr: 'missing',
      identity: 'declared',
      ndr: 'not-in-estate',
    });
    expect(report.analyses.sources!.details.next.map((n) => n.class).sort()).toEqual([
      'database-audit',
      'edr',
      'identity',
      'waf',
      'web-request-body',
    ]);
  });

  it('does not reach "ready": automated SQL injection response is blind, SSH lateral movement is not', () => {
    const soar = report.score!.soar;
    expect(soar.verdict).not.toBe('ready');
    expect(soar.use_cases).toEqual([
      { id: 'sql-injection', ready: false, missing: ['web-request-body', 'waf', 'database-audit'] },
      { id: 'lateral-movement-ssh', ready: true, missing: [] },
    ]);
    const gap = soar.gaps.find((g) => g.text.en.includes('automated response to'))!;
    expect(gap.area).toBe('log-collection');
    expect(gap.text.en).toContain('SQL injection');
    for (const name of ['Web request bodies', 'Web application firewall', 'Database audit'])
      expect(gap.text.en).toContain(name);
    expect(gap.text.ja).toContain('データベース監査ログ');
  });

  it('without an estate, every class no target shows is unknown and the scope cannot reach level 3', () => {
    const s = bare.analyses.sources!;
    expect(s.summary.estate_declared).toBe(false);
    expect(s.details.classes.find((c) => c.id === 'database-audit')!.status).toBe('unknown');
    expect(s.details.classes.find((c) => c.id === 'linux-os-audit')!.status).toBe('measured');
    expect(bare.score!.areas.find((a) => a.area === 'log-collection')!.level).toBeLessThan(3);
    expect(bare.score!.soar.verdict).not.toBe('ready');
  });

  it(
    'shows the map on the executive page in both languages, the missing classes in the checklist row, a ' +
      'terminal line',
    () => {
      const en = renderHtml(report, { lang: 'en' });
      const exec = en.slice(
        en.indexOf('id="sec-executive"'),
        en.indexOf('</section>', en.indexOf('class="block source-map"')),
      );
      expect(exec).toContain('Log sources the SOC needs');
      expect(exec).toMatch(/badge st-pass"[^>]*>Linux OS audit: measured/);
      expect(exec).toMatch(/badge st-fail"[^>]*>Database audit: missing/);
      expect(exec).toContain(
        '<li><strong>Web request bodies</strong>: blinds SQL injection, Credential stuffing, Web shell</li>',
      );
      expect(exec).toMatch(/badge st-fail"[^>]*>Web request bodies: missing \(3\)/);
      expect(en).toContain('Not collected or not proven: ');
      expect(en).toContain('Log-source map');
      // Without an estate the unknown classes fold into one chip so the executive page stays one page. The hardened
      // host
      // proves two of the 18 classes: Linux OS audit and, from its nftables ruleset that logs drops, firewall.
      expect(renderHtml(bare, { lang: 'en' })).toMatch(/badge st-inconclusive"[^>]*>unknown: 16 classes</);
      const ja = renderHtml(report, { lang: 'ja' });
      expect(ja).toContain('SOC に必要なログソース');
      expect(ja).toMatch(/データベース監査ログ: 未収集/);
      expect(ja).toContain('未収集または未確認: ');
      const line = terminalSummary(report, {}, false, 'en')
        .split('\n')
        .find((l) => l.startsWith('Log sources:'))!;
      expect(line).toMatch(
        /^Log sources: 1 of 6 required classes measured \(27% weighted\), 2\/5 use-cases visible; connect next: /,
      );
      expect(terminalSummary(report, {}, false, 'ja')).toContain('ログソース: 必要な 6 種中 1 種を実測');
    },
  );
});
