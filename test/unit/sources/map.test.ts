import { describe, expect, it } from 'vitest';
import type { Estate, Finding, FindingStatus, Report, TargetKind, TargetResult } from '../../../src/model.js';
import { sourceMapStep } from '../../../src/sources/index.js';
import { shippedSourceCatalog } from '../../../src/sources/catalog.js';
import { buildSourceMap } from '../../../src/sources/map.js';

const catalog = shippedSourceCatalog();
const LINUX_PROOF = ['linux.auditd.running', 'linux.audit.rules.execve', 'linux.logfwd.audit-events'];

function target(id: string, kind: TargetKind, status: TargetResult['status'] = 'ok'): TargetResult {
  return { id, kind, address: id, transport: 'ssh', status, duration_ms: 1, checks_run: 1 };
}

function f(check: string, target: string, status: FindingStatus = 'pass'): Finding {
  return {
    check,
    target,
    status,
    area: 'log-collection',
    severity: 'high',
    weight: 1,
    title: { en: check, ja: check },
    evidence: [],
    maps: {},
  };
}

const cls = (m: ReturnType<typeof buildSourceMap>, id: string) => m.details.classes.find((c) => c.id === id)!;
const uc = (m: ReturnType<typeof buildSourceMap>, id: string) => m.details.use_cases.find((u) => u.id === id)!;

describe('status per source class', () => {
  it('measures a class only when every check of one proof passes on the same reached target', () => {
    const m = buildSourceMap({
      catalog,
      targets: [target('h1', 'linux')],
      findings: LINUX_PROOF.map((c) => f(c, 'h1')),
    });
    expect(cls(m, 'linux-os-audit')).toMatchObject({
      status: 'measured',
      proof: 'collected',
      evidence: LINUX_PROOF.map((c) => `finding:${c}@h1`),
    });
    // The same passes split over two hosts prove nothing on either.
    const split = buildSourceMap({
      catalog,
      targets: [target('h1', 'linux'), target('h2', 'linux')],
      findings: [f(LINUX_PROOF[0]!, 'h1'), f(LINUX_PROOF[1]!, 'h1'), f(LINUX_PROOF[2]!, 'h2')],
    });
    expect(cls(split, 'linux-os-audit').status).toBe('missing');
  });

  it('lets a target that was not reached prove nothing', () => {
    const m = buildSourceMap({
      catalog,
      targets: [target('h1', 'linux', 'unreachable')],
      findings: LINUX_PROOF.map((c) => f(c, 'h1')),
    });
    expect(cls(m, 'linux-os-audit').status).toBe('missing');
    expect(cls(m, 'linux-os-audit').evidence).toEqual([]);
  });

  it('prefers a marker that arrived over configuration that collects', () => {
    const m = buildSourceMap({
      catalog,
      targets: [target('w1', 'web'), target('w2', 'web')],
      findings: [f('web.nginx.request-body-logged', 'w1'), f('web.active.body-canary', 'w2')],
    });
    expect(cls(m, 'web-request-body')).toMatchObject({
      status: 'measured',
      proof: 'arrived',
      evidence: ['finding:web.active.body-canary@w2'],
    });
  });

  it(
    'says missing, with the failing checks, when the proof fails; never collected because nothing contradicted ' + 'it',
    () => {
      const m = buildSourceMap({
        catalog,
        targets: [target('h1', 'linux')],
        findings: [
          f('linux.auditd.running', 'h1'),
          f('linux.audit.rules.execve', 'h1', 'fail'),
          f('linux.logfwd.audit-events', 'h1'),
        ],
        estate: { sources: { 'linux-os-audit': { count: 1, collected: true } } },
      });
      expect(cls(m, 'linux-os-audit')).toMatchObject({
        status: 'missing',
        evidence: ['finding:linux.audit.rules.execve@h1'],
      });
      // No checks at all: declared collected stays declared, an existing class without a claim is missing.
      const quiet = buildSourceMap({
        catalog,
        targets: [],
        findings: [],
        estate: {
          sources: {
            'database-audit': { count: 3, products: ['PostgreSQL'], collected: true },
            firewall: { count: 1, products: ['FortiGate'] },
          },
        },
      });
      expect(cls(quiet, 'database-audit').status).toBe('declared');
      expect(cls(quiet, 'firewall').status).toBe('missing');
    },
  );

  it('separates "not in the estate" (declared absent) from "unknown" (the inventory says nothing)', () => {
    const estate: Estate = { sources: { 'email-gateway': false, saas: { count: 0 } } };
    const m = buildSourceMap({ catalog, targets: [], findings: [], estate });
    expect(cls(m, 'email-gateway').status).toBe('not-in-estate');
    expect(cls(m, 'saas').status).toBe('not-in-estate');
    expect(cls(m, 'dns').status).toBe('unknown');
    // A class declared absent is not needed: phishing then needs only EDR.
    expect(uc(m, 'phishing').needs).toEqual(['edr']);
    expect(cls(m, 'email-gateway').required).toBe(false);
  });

  it('infers existence from the inventory targets: a Linux target without proof is missing, not unknown', () => {
    const m = buildSourceMap({ catalog, targets: [target('h1', 'linux')], findings: [] });
    expect(cls(m, 'linux-os-audit').status).toBe('missing');
    expect(cls(m, 'windows-os-audit').status).toBe('unknown');
  });
});

describe('use-cases and weights', () => {
  const estate: Estate = {
    sources: {
      'linux-os-audit': { count: 2 },
      ndr: false,
      'web-request-body': { count: 1 },
      waf: { count: 1 },
      'database-audit': false,
      edr: false,
    },
    use_cases: {
      detect: ['lateral-movement-ssh', 'kernel-backdoor', 'sql-injection'],
      automate: [{ use_case: 'sql-injection', playbooks: ['waf-block'] }],
    },
  };
  const findings = [...LINUX_PROOF.map((c) => f(c, 'h1')), f('web.active.waf-detection', 'w1')];
  const m = buildSourceMap({ catalog, targets: [target('h1', 'linux'), target('w1', 'web')], findings, estate });

  it('weights each required class by the required use-cases that need it', () => {
    // linux-os-audit: 2 use-cases (ssh lateral movement, BPFDoor: NDR is declared absent); web-request-body and
    // WAF: 1 each (SQL injection; database audit declared absent). Measured: linux (2) + WAF (1) of 4.
    expect(cls(m, 'linux-os-audit').needed_by).toEqual(['kernel-backdoor', 'lateral-movement-ssh']);
    expect(m.summary).toMatchObject({
      classes_required: 3,
      classes_measured: 2,
      classes_missing: 1,
      classes_unknown: 0,
      use_cases_required: 3,
      use_cases_visible: 2,
    });
    expect(m.summary.weighted_share).toBeCloseTo(3 / 4);
  });

  it('marks a use-case visible only when every class it needs is measured, and names what is missing', () => {
    expect(uc(m, 'lateral-movement-ssh')).toMatchObject({ visible: true, missing: [] });
    expect(uc(m, 'sql-injection')).toMatchObject({
      visible: false,
      missing: ['web-request-body'],
      automate: true,
      playbooks: [{ id: 'waf-block', inferred: false }],
    });
    expect(uc(m, 'ransomware').detect).toBe(false);
  });

  it('orders "what to connect next" by the use-cases connecting it alone would make visible', () => {
    expect(m.details.next).toEqual([
      { class: 'web-request-body', gains: ['sql-injection'], blinds: ['sql-injection'] },
    ]);
    const none = buildSourceMap({ catalog, targets: [], findings: [] });
    const first = none.details.next[0]!;
    // With nothing measured, identity unblocks the most use-cases that need only one more class.
    expect(first.gains.length).toBeGreaterThanOrEqual(none.details.next[1]!.gains.length);
    expect(none.details.next.every((n, i, a) => i === 0 || a[i - 1]!.gains.length >= n.gains.length)).toBe(true);
  });

  it('infers the use-cases an organisation playbook handles from its name when the estate does not say', () => {
    const inferred = buildSourceMap({
      catalog,
      targets: [],
      findings: [],
      playbooks: [{ id: 'pb-1', name: 'Contain ransomware: isolate host' }],
    });
    expect(uc(inferred, 'ransomware')).toMatchObject({ automate: true, playbooks: [{ id: 'pb-1', inferred: true }] });
    expect(uc(inferred, 'sql-injection').automate).toBe(false);
    // Whole words: an EC2 playbook is about the cloud, not command-and-control.
    const ec2 = buildSourceMap({
      catalog,
      targets: [],
      findings: [],
      playbooks: [{ id: 'pb-2', name: 'Snapshot and isolate an AWS EC2 instance' }],
    });
    expect(uc(ec2, 'c2-beaconing').automate).toBe(false);
    expect(uc(ec2, 'cloud-account-abuse').automate).toBe(true);
  });

  it("infers from the integrations a playbook calls, and never from socready's built-in playbooks", () => {
    const details = {
      results: [
        {
          playbook: { id: 'block-attacker', name: 'Block attacker', format: 'native', source: 'x' },
          integrations: [{ id: 'waf', type: 'http-api', product: 'ModSecurity', used_by: [], status: 'not-checked' }],
        },
      ],
      alerts: [],
    };
    const r = {
      findings: [],
      targets: [],
      analyses: { playbooks: { summary: {}, details, problems: [], content: 'organisation' } },
    } as unknown as Report;
    const step = sourceMapStep(r, undefined) as Exclude<ReturnType<typeof sourceMapStep>, { problem: unknown }>;
    expect(step.details.use_cases.find((u) => u.id === 'sql-injection')).toMatchObject({
      automate: true,
      playbooks: [{ id: 'block-attacker', inferred: true }],
    });
    const builtIn = {
      ...r,
      analyses: { playbooks: { ...r.analyses.playbooks!, content: 'built-in' as const } },
    } as Report;
    const none = sourceMapStep(builtIn, undefined) as typeof step;
    expect(none.details.use_cases.every((u) => u.playbooks.length === 0)).toBe(true);
  });
});

describe('database audit (database targets)', () => {
  it('a canary written in the server log alone measures nothing; at the collector it measures "arrived"', () => {
    const written = buildSourceMap({
      catalog,
      targets: [target('pg', 'database')],
      findings: [f('database.postgresql.canary-logged', 'pg'), f('database.postgresql.canary-arrived', 'pg', 'fail')],
    });
    expect(cls(written, 'database-audit').status).toBe('missing');
    const arrived = buildSourceMap({
      catalog,
      targets: [target('pg', 'database')],
      findings: [f('database.postgresql.canary-logged', 'pg'), f('database.postgresql.canary-arrived', 'pg')],
    });
    expect(cls(arrived, 'database-audit')).toMatchObject({
      status: 'measured',
      proof: 'arrived',
      evidence: ['finding:database.postgresql.canary-arrived@pg'],
    });
    const trap = buildSourceMap({
      catalog,
      targets: [target('maria', 'database')],
      findings: [f('database.mariadb.canary-logged', 'maria', 'fail')],
    });
    expect(cls(trap, 'database-audit').status).not.toBe('measured');
  });

  it('a canary written in the server log and a shipper reading that log measure "collected", not "arrived"', () => {
    const m = buildSourceMap({
      catalog,
      targets: [target('pg', 'database')],
      findings: [f('database.postgresql.canary-logged', 'pg'), f('database.postgresql.log-forwarded', 'pg')],
    });
    expect(cls(m, 'database-audit')).toMatchObject({ status: 'measured', proof: 'collected' });
  });

  it('is measured as collected when the audit settings pass and a shipper reads the log', () => {
    const ids = [
      'database.mariadb.audit-plugin-loaded',
      'database.mariadb.audit-logging-on',
      'database.mariadb.audit-events',
      'database.mariadb.audit-forwarded',
    ];
    const m = buildSourceMap({
      catalog,
      targets: [target('maria', 'database')],
      findings: ids.map((c) => f(c, 'maria')),
    });
    expect(cls(m, 'database-audit')).toMatchObject({ status: 'measured', proof: 'collected' });
    const local = buildSourceMap({
      catalog,
      targets: [target('maria', 'database')],
      findings: ids.map((c) => f(c, 'maria', c.endsWith('forwarded') ? 'fail' : 'pass')),
    });
    expect(cls(local, 'database-audit').status).not.toBe('measured');
  });
});
