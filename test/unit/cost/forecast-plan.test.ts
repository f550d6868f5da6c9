// The forecast of each recommended change and the staged plan, over findings whose volume checks carry known
// measurements: formulas with their inputs, ranges, prices, a budget that forces two phases, no price table, and a
// plan that does not depend on the order the findings arrived in.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/checks/catalog.js';
import { analyseCost, type WhatIfFn } from '../../../src/cost/index.js';
import { loadPriceTable, loadVolumeModels } from '../../../src/cost/tables.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Finding, PriceTable, Report, Severity, UseCaseResult } from '../../../src/model.js';
import { CHECKS_DIR } from '../../../src/paths.js';

function finding(
  check: string,
  target: string,
  status: Finding['status'],
  severity: Severity = 'high',
  observed?: Record<string, unknown>,
): Finding {
  return {
    check,
    target,
    status,
    area: 'log-collection',
    severity,
    weight: 3,
    title: { en: check, ja: check },
    evidence: [],
    maps: {},
    ...(observed ? { observed } : {}),
  };
}

const rate = (value: number | null, basis = 'measured') => ({ value, basis });

/** host1: 100,000 process starts a day, 20 MB of audit log a day; shop: 50,000 body requests a day of 800 bytes. */
function measured(): Finding[] {
  return [
    finding('linux.volume.measured', 'host1', 'pass', 'info', {
      volume: {
        sources: [
          {
            source: 'linux-audit',
            files: 2,
            paths: [],
            bytes: 30e6,
            first: null,
            last: null,
            span_hours: 36,
            bytes_per_day: 20e6,
            basis: 'sizes over 36 h',
          },
          {
            source: 'syslog',
            files: 1,
            paths: [],
            bytes: 0,
            first: null,
            last: null,
            span_hours: null,
            bytes_per_day: null,
            basis: 'no log file found',
          },
        ],
        process_starts_per_day: rate(100_000, '/proc/stat'),
        measured: 1,
      },
    }),
    finding('web.volume.measured', 'shop', 'pass', 'info', {
      volume: {
        logs: [],
        requests: {
          sampled: 2000,
          sample_span_seconds: 600,
          requests_per_day: rate(200_000),
          body_requests_per_day: rate(50_000),
          body_share: rate(0.25),
          mean_request_body_bytes: rate(800),
          mean_response_bytes: rate(4000),
          login_api_body_share: rate(0.2),
        },
        measured: 0,
      },
    }),
  ];
}

const RECOMMENDED = [
  finding('linux.audit.rules.execve', 'host1', 'fail', 'high'),
  finding('linux.logfwd.audit-events', 'host1', 'fail', 'high'),
  finding('web.nginx.request-body-logged', 'shop', 'fail', 'high'),
  finding('web.active.body-canary', 'shop', 'fail', 'high'),
  finding('web.nginx.response-body', 'shop', 'warn', 'medium'),
  finding('database.postgresql.pgaudit-log-classes', 'db1', 'fail', 'critical'),
  finding('linux.auditd.running', 'host1', 'pass', 'high'),
];

const useCase = (id: string, missing: string[], attack: string[]): UseCaseResult => ({
  id,
  name: { en: id, ja: id },
  attack,
  owasp: [],
  needs: missing,
  applicable: true,
  detect: true,
  automate: false,
  playbooks: [],
  missing,
  visible: missing.length === 0,
});

function report(findings: Finding[]): Report {
  return {
    findings,
    analyses: {
      sources: {
        summary: {} as never,
        details: {
          catalog: '',
          classes: [],
          next: [],
          use_cases: [
            useCase('sql-injection', ['web-request-body', 'database-audit'], ['T1190']),
            useCase('web-shell', ['web-request-body'], ['T1505.003']),
            useCase('lateral-movement-ssh', ['linux-os-audit'], ['T1021.004']),
            useCase('data-leakage', ['web-response-body', 'database-audit'], ['T1213']),
          ],
        },
        problems: [],
      },
    },
  } as unknown as Report;
}

const TARGETS = [
  { id: 'host1', kind: 'linux' as const, address: 'h', tags: [], transport: 'ssh' as const },
  {
    id: 'shop',
    kind: 'web' as const,
    address: 's',
    tags: [],
    transport: 'http' as const,
    web: { urls: [], host: 'host1' },
  },
  {
    id: 'db1',
    kind: 'database' as const,
    address: 'd',
    tags: [],
    transport: 'ssh' as const,
    database: { product: 'postgresql' as const, host: 'host1' },
  },
];

const PRICES: PriceTable = {
  source: 'test',
  currency: 'JPY',
  ingest_per_gb_day: 10_000,
  storage_per_gb_month: { hot: 10, warm: 1 },
  retention_days: { hot: 30, warm: 335 },
};

const cost = (
  findings: Finding[],
  extra: { costs?: PriceTable; budget?: { per_month?: number; gb_per_day?: number } } = {},
  whatIf?: WhatIfFn,
) => analyseCost(report(findings), { inventory: { targets: TARGETS, ...extra }, ...(whatIf ? { whatIf } : {}) });

describe('forecast of each recommended change', () => {
  const all = [...measured(), ...RECOMMENDED];

  it("today's volume is null, not 0 bytes a day, when no source was measured", () => {
    const s = cost(RECOMMENDED).summary;
    expect(s.sources_measured).toBe(0);
    expect(s.today_bytes_per_day).toBeNull();
    expect(cost(all).summary.today_bytes_per_day).toBeGreaterThan(0);
  });

  it('execve auditing: measured process starts × assumed record size, with every input listed', () => {
    const c = cost(all).details.changes.find((x) => x.id === 'linux-execve@host1')!;
    expect(c.bytes_per_day).toEqual({ low: 60e6, expected: 120e6, high: 250e6 });
    expect(c.events_per_day).toBe(100_000);
    expect(c.inputs.map((i) => i.source)).toEqual(['measured', 'assumed']);
    expect(c.inputs[0]!.basis.en).toContain('/proc/stat');
    expect(c.formula.en).toBe(
      'process starts per day × audit record bytes per execve (SYSCALL, EXECVE, CWD, PATH, PROCTITLE)',
    );
    expect(c.findings).toEqual(['finding:linux.audit.rules.execve@host1']);
  });

  it(
    'body logging: one change for both findings, measured on the web target (POST rate × body ' + 'size × overhead)',
    () => {
      const c = cost(all).details.changes.find((x) => x.model === 'web-request-body')!;
      expect(c.findings).toEqual(['finding:web.active.body-canary@shop', 'finding:web.nginx.request-body-logged@shop']);
      expect(c.bytes_per_day!.expected).toBeCloseTo(50_000 * 800 * 1.3, 3);
      expect(c.bytes_per_day!.low).toBeCloseTo(50_000 * 800 * 1.1, 3);
      expect(c.use_cases).toEqual(['sql-injection', 'web-shell']);
      expect(c.value).toBe(1.5);
    },
  );

  it(
    'forwarding the audit log: the host measured audit bytes per day, read through the ' +
      'web/database host mapping too',
    () => {
      const c = cost(all).details.changes.find((x) => x.id === 'linux-audit-forwarding@host1')!;
      expect(c.bytes_per_day!.expected).toBeCloseTo(20e6 * 1.1, 3);
    },
  );

  it(
    'a change whose rate is not measured has no figure (null, the reason), never 0, and is ' + 'kept out of the phases',
    () => {
      const r = cost(all);
      const c = r.details.changes.find((x) => x.id === 'database-statement-audit@db1')!;
      expect(c.bytes_per_day).toBeNull();
      expect(c.reason?.en).toMatch(/statements per day \(database.statements_per_day: not measured by this scan\)/);
      expect(r.details.unquantified).toEqual(['database-statement-audit@db1']);
      expect(r.details.phases.flatMap((p) => p.changes)).not.toContain('database-statement-audit@db1');
    },
  );

  it('statement auditing: the server-measured statements per day × assumed bytes per audit record', () => {
    const db = finding('database.postgresql.statement-volume-measured', 'db1', 'pass', 'info', {
      volume: { statements_per_day: rate(2_000_000, 'pg_stat_statements: 500000 calls over 6.0 h'), measured: 1 },
    });
    const r = cost([...all, db]);
    const c = r.details.changes.find((x) => x.id === 'database-statement-audit@db1')!;
    expect(c.bytes_per_day).toEqual({ low: 2e6 * 200, expected: 2e6 * 400, high: 2e6 * 1000 });
    expect(c.events_per_day).toBe(2_000_000);
    expect(c.inputs[0]!.source).toBe('measured');
    expect(c.inputs[0]!.basis.en).toContain('(pg_stat_statements: 500000 calls over 6.0 h)');
    expect(r.details.unquantified).not.toContain('database-statement-audit@db1');
  });

  it('without a price table: volumes only, no currency and no money anywhere', () => {
    const r = cost(all);
    expect(r.summary.currency).toBeNull();
    expect(r.summary.monthly_cost).toBeNull();
    expect(r.details.changes.every((c) => c.monthly_cost === null && c.stored_gb === null)).toBe(true);
    expect(r.details.phases.every((p) => p.monthly_cost === null)).toBe(true);
    expect(r.summary.added_bytes_per_day!.expected).toBeGreaterThan(0);
  });

  it('with a price table: ingest per GB/day plus hot and warm storage at retention, per month', () => {
    const c = cost(all, { costs: PRICES }).details.changes.find((x) => x.id === 'linux-execve@host1')!;
    const gb = 0.12;
    expect(c.stored_gb!.hot.expected).toBeCloseTo(gb * 30, 9);
    expect(c.stored_gb!.warm!.expected).toBeCloseTo(gb * 335, 9);
    expect(c.monthly_cost!.parts.ingest).toBeCloseTo(gb * 10_000, 6);
    expect(c.monthly_cost!.parts.storage).toBeCloseTo(gb * 30 * 10 + gb * 335 * 1, 6);
    expect(c.monthly_cost!.parts.eps).toBeNull();
    expect(c.monthly_cost!.expected).toBeCloseTo(gb * 10_000 + gb * 300 + gb * 335, 6);
  });

  it(
    'lists the ways to cut volume with their estimated saving (body logging only on login/API ' + 'paths, measured)',
    () => {
      const s = cost(all).details.savings;
      const login = s.find((x) => x.id === 'body-login-api-only')!;
      expect(login.fraction).toEqual([0.8, 0.8, 0.8]);
      expect(login.bytes_per_day.expected).toBeCloseTo(50_000 * 800 * 1.3 * 0.8, 3);
      expect(s.map((x) => x.id)).toEqual(expect.arrayContaining(['mask-secrets', 'audit-exclude-service-accounts']));
    },
  );
});

describe('unknown costs stay unknown (null), never 0', () => {
  const all = [...measured(), ...RECOMMENDED];
  const perEps: PriceTable = { ...PRICES, per_eps: 100 };

  it('a change priced per EPS whose event rate is unmeasured has no monthly cost, and the total is unknown', () => {
    const r = cost(all, { costs: perEps });
    const unmeasured = r.details.changes.filter((c) => c.bytes_per_day !== null && c.events_per_day === null);
    expect(unmeasured.length).toBeGreaterThan(0);
    for (const c of unmeasured) expect(c.monthly_cost, c.id).toBeNull();
    const measuredEps = r.details.changes.find((c) => c.events_per_day !== null && c.bytes_per_day !== null)!;
    expect(measuredEps.monthly_cost!.parts.eps).toBeGreaterThan(0);
    expect(r.summary.monthly_cost).toBeNull();
  });

  it('under a money budget, changes of unknown cost go to a last phase of their own, whose cost is unknown', () => {
    const r = cost(all, { costs: perEps, budget: { per_month: 1e12 } });
    const unknown = new Set(r.details.changes.filter((c) => c.monthly_cost === null).map((c) => c.id));
    const last = r.details.phases.at(-1)!;
    expect(r.details.phases.length).toBeGreaterThanOrEqual(2);
    expect(new Set(last.changes)).toEqual(new Set([...unknown].filter((id) => last.changes.includes(id))));
    expect(last.changes.every((id) => unknown.has(id))).toBe(true);
    expect(last.monthly_cost).toBeNull();
    for (const p of r.details.phases.slice(0, -1)) expect(p.changes.some((id) => unknown.has(id))).toBe(false);
  });
});

describe('the staged plan', () => {
  const all = [...measured(), ...RECOMMENDED];

  it('orders by detection value per added GB/day, critical findings first', () => {
    const ids = cost(all)
      .details.changes.filter((c) => c.bytes_per_day)
      .map((c) => c.id);
    // body logging: 1.5 use-cases / 0.052 GB; execve: 1 / 0.12 GB; forwarding: 1 / 0.022 GB; responses: 0.5 / 0.96 GB.
    expect(ids).toEqual([
      'linux-audit-forwarding@host1',
      'web-request-body@shop',
      'linux-execve@host1',
      'web-response-body@shop',
    ]);
  });

  it(
    'a budget of 0.1 GB/day forces more than one phase; each phase within it unless one change ' + 'alone exceeds it',
    () => {
      const r = cost(all, { budget: { gb_per_day: 0.1 } });
      expect(r.details.phases.length).toBeGreaterThanOrEqual(2);
      for (const p of r.details.phases) {
        expect(p.over_budget).toBe(p.bytes_per_day.expected / 1e9 > 0.1);
        if (p.over_budget) expect(p.changes).toHaveLength(1);
      }
      expect(r.details.phases[0]!.changes).toEqual(['linux-audit-forwarding@host1', 'web-request-body@shop']);
    },
  );

  it('a money budget splits by the monthly cost; without a price table it is a problem, not a guess', () => {
    const phases = cost(all, { costs: PRICES, budget: { per_month: 1500 } }).details.phases;
    expect(phases.length).toBeGreaterThanOrEqual(2);
    for (const p of phases) if (!p.over_budget) expect(p.monthly_cost!.expected).toBeLessThanOrEqual(1500);
    const r = cost(all, { budget: { per_month: 1500 } });
    expect(r.details.phases).toHaveLength(1);
    expect(r.problems[0]!.error).toMatch(/needs a price table/);
  });

  it(
    'says what each phase buys from the what-if score: use-cases that become visible, maturity ' + 'and SOAR change',
    () => {
      const whatIf: WhatIfFn = (passing) => {
        const body = passing.has('finding:web.nginx.request-body-logged@shop');
        return {
          overall: body ? 2 : 1,
          areas: { 'log-collection': body ? 3 : 1 },
          soar: body ? 'semi-automatic' : 'not-yet',
          soar_ready: body ? ['web-shell'] : [],
          use_cases_visible: body ? ['web-shell'] : [],
        };
      };
      const p = cost(all, { budget: { gb_per_day: 0.1 } }, whatIf).details.phases[0]!;
      expect(p.use_cases_gained).toEqual(['web-shell']);
      expect(p.techniques_gained).toEqual(['T1505.003']);
      expect(p.maturity).toEqual({ overall: [1, 2], areas: [{ area: 'log-collection', before: 1, after: 3 }] });
      expect(p.soar).toEqual({ verdict: ['not-yet', 'semi-automatic'], ready_gained: ['web-shell'] });
    },
  );

  it('is the same plan whatever order the findings arrive in', () => {
    const base = JSON.stringify(cost(all, { costs: PRICES, budget: { gb_per_day: 0.1 } }).details);
    let seed = 7;
    for (let n = 0; n < 10; n++) {
      const shuffled = [...all].sort(() => {
        seed = (seed * 16807) % 2147483647;
        return (seed % 3) - 1;
      });
      expect(JSON.stringify(cost(shuffled, { costs: PRICES, budget: { gb_per_day: 0.1 } }).details)).toBe(base);
    }
    expect(JSON.stringify(cost([...all].reverse(), { costs: PRICES, budget: { gb_per_day: 0.1 } }).details)).toBe(base);
  });
});

describe('the tables', () => {
  const dir = mkdtempSync(join(tmpdir(), 'socready-costs-'));

  it('the shipped volume models name only checks of the catalog, each in one model', () => {
    const ids = new Set(loadCatalog().checks.map((c) => c.id));
    expect(loadVolumeModels(undefined, ids).models.length).toBeGreaterThan(5);
  });

  it('a range out of order is an error at its line and field', () => {
    const file = join(dir, 'models.yaml');
    writeFileSync(
      file,
      'version: 1\nmodels:\n  - id: x\n    title: { en: x, ja: x }\n    class: waf\n' +
        '    checks: [web.modsecurity.engine-on]\n' +
        '    terms:\n      - { name: { en: a, ja: a }, assumed: [3, 2, 1] }\n',
    );
    expect(() => loadVolumeModels(file)).toThrow(
      /models\.yaml:8:.*models\.0\.terms\.0\.assumed.*\[low, expected, high\]/s,
    );
  });

  it('a price without a currency, or a mistyped key, is an error naming the line and field', () => {
    const a = join(dir, 'costs-a.yaml');
    writeFileSync(a, 'version: 1\ningest_per_gb_day: 100\n');
    expect(() => loadPriceTable(a)).toThrow(/costs-a\.yaml:2:.*ingest_per_gb_day.*currency/s);
    const b = join(dir, 'costs-b.yaml');
    writeFileSync(b, 'version: 1\ncurrency: JPY\nper_gb_ingest: 100\n');
    expect(() => loadPriceTable(b)).toThrow(/costs-b\.yaml:3:.*per_gb_ingest/s);
  });

  it('the inventory takes the table inline or as a file, and refuses a money budget without prices', () => {
    const inv = join(dir, 'inv.yaml');
    writeFileSync(inv, 'version: 1\ntargets: []\ncosts:\n  currency: JPY\n  per_eps: -1\n');
    expect(() => loadInventory(inv)).toThrow(/inv\.yaml:5:.*costs\.per_eps/s);
    writeFileSync(inv, 'version: 1\ntargets: []\nbudget: { per_month: 100 }\n');
    expect(() => loadInventory(inv)).toThrow(/inv\.yaml:3:.*budget\.per_month.*price table/s);
    writeFileSync(join(dir, 'costs.yaml'), 'version: 1\ncurrency: USD\nper_agent: 5\n');
    writeFileSync(inv, 'version: 1\ntargets: []\ncosts: costs.yaml\nbudget: { per_month: 100 }\n');
    expect(loadInventory(inv).costs).toMatchObject({ currency: 'USD', per_agent: 5 });
  });
});

describe('the shipped example price table', () => {
  it('validates, and holds only placeholder prices of 1', () => {
    const t = loadPriceTable(join(CHECKS_DIR, 'cost', 'costs.example.yaml'));
    expect(t.currency).toBe('JPY');
    expect([t.ingest_per_gb_day, t.per_eps, t.per_agent, t.storage_per_gb_month?.hot]).toEqual([1, 1, 1, 1]);
  });
});
