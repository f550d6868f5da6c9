// SQL Server on a Windows host, through the real PowerShell transport: `socready scan` starts PowerShell once for
// the host (a stand-in executable here, test/fixtures/pwsh/fake-pwsh.mjs: no PowerShell on this machine), sends one
// read-only collection script with the catalog queries (Invoke-Sqlcmd or sqlcmd.exe, Windows authentication) and the
// registry read, and the answers (documented catalog-view output, test/fixtures/pwsh/mssql-host.json) are decided by
// the catalog. Then the offline path: collect-script --platform windows --database mssql, and scan --evidence. Then
// the canary with --active on a host whose audit writes to the Application log and whose eventlog.collector names a
// Windows Event Collector (also the stand-in): the marked SELECT is read back as event 33205 on the host and followed
// into the WEC's ForwardedEvents (eventLogTailScript's one-event-per-line rendering). Nothing ran on real Windows.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Report } from '../../src/model.js';
import type { DbCanaryDocument } from '../../src/parsers/database/canary.js';
import { exitViolation, readOnlyViolation } from '../../src/transport/pwsh-script.js';
import { runCli } from '../helpers/cli.js';
import { FIXTURES_DIR } from '../helpers/paths.js';

const FAKE = join(FIXTURES_DIR, 'pwsh', 'fake-pwsh.mjs');
const FIXTURE = join(FIXTURES_DIR, 'pwsh', 'mssql-host.json');

const statusOf = (r: Report, target: string) =>
  Object.fromEntries(r.findings.filter((f) => f.target === target).map((f) => [f.check, f.status]));

describe('SQL Server read through PowerShell on its Windows host (stand-in PowerShell, documented outputs)', () => {
  let report: Report;
  let log: string;
  beforeAll(async () => {
    chmodSync(FAKE, 0o755);
    const dir = mkdtempSync(join(tmpdir(), 'socready-mssql-win-'));
    const logFile = join(dir, 'pwsh.log');
    writeFileSync(
      join(dir, 'inventory.yaml'),
      `version: 1
targets:
  - id: win-sql
    kind: windows
    address: localhost
    transport: powershell
  - id: sql01
    kind: database
    address: localhost
    database: { product: mssql, host: win-sql }
`,
    );
    const r = await runCli(
      [
        'scan',
        '-i',
        join(dir, 'inventory.yaml'),
        '-o',
        join(dir, 'reports'),
        '--only',
        'database.mssql.*',
        '--json',
        '--hosts-only',
        '--no-html',
      ],
      { env: { NODE_POWERSHELL: FAKE, FAKE_PWSH_FIXTURE: FIXTURE, FAKE_PWSH_LOG: logFile }, timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8')) as Report;
    log = readFileSync(logFile, 'utf8');
  }, 90_000);

  it('decides the audit, action-group, target and login-auditing checks from one PowerShell batch', () => {
    expect(statusOf(report, 'sql01')).toMatchObject({
      'database.mssql.server-audit-running': 'pass',
      'database.mssql.audit-action-groups': 'pass',
      'database.mssql.audit-target-collected': 'pass',
      'database.mssql.login-auditing': 'warn',
    });
    const login = report.findings.find((f) => f.check === 'database.mssql.login-auditing')!;
    expect(login.reason).toContain('AuditLevel = 2, failed logins only');
    // No canary without --active.
    expect(report.findings.some((f) => f.check === 'database.mssql.canary-logged')).toBe(false);
  });

  it('sends the SELECTs through Invoke-Sqlcmd/sqlcmd.exe, Windows authentication, read-only, no exit', () => {
    // One collection script for the database (the host's own batch asks no probe under --only database.mssql.*).
    const batches = log.split('\n').filter((l) => l.startsWith('# socready-probes:') && l.includes('mssql'));
    expect(batches).toEqual([
      '# socready-probes: ["mssql-server-audits","mssql-audit-specifications","mssql-login-audit-level"]',
    ]);
    const ev = report.evidence.filter((e) => e.target === 'sql01');
    const audits = ev.find((e) => e.probe === 'mssql-server-audits')!;
    expect(audits.what).toMatch(/^\$srQuery = 'SELECT a\.name, a\.type_desc/);
    expect(audits.what).toContain('Invoke-Sqlcmd @srArgs');
    expect(audits.what).toContain('sqlcmd.exe -S $srServer -E');
    for (const e of ev) {
      expect(readOnlyViolation(e.what), e.probe).toBeUndefined();
      expect(exitViolation(e.what), e.probe).toBeUndefined();
    }
    expect(ev.find((e) => e.probe === 'mssql-login-audit-level')!.what).toContain("$srInstance = 'MSSQLSERVER'");
  });
});

describe('offline: collect-script --platform windows --database mssql, then scan --evidence', () => {
  it('the script carries the SQL Server probes and the evidence file is evaluated as a live scan', async () => {
    const script = await runCli(['collect-script', '--platform', 'windows', '--database', 'mssql']);
    expect(script.code, script.stderr).toBe(0);
    for (const id of ['mssql-server-audits', 'mssql-audit-specifications', 'mssql-login-audit-level'])
      expect(script.stdout).toContain(`$socreadyProbes['${id}']`);
    expect(script.stdout).toContain('"databases":["mssql"]');
    expect(script.stdout).not.toContain('db-canary');
    // What the script writes on the host (its collection document as the stand-in answers), evaluated offline.
    const dir = mkdtempSync(join(tmpdir(), 'socready-mssql-offline-'));
    const fixture = JSON.parse(readFileSync(FIXTURE, 'utf8'));
    writeFileSync(
      join(dir, 'win-sql01.json'),
      JSON.stringify({
        format: 'socready-evidence',
        version: 1,
        platform: 'windows',
        tool_version: 'test',
        databases: ['mssql'],
        collected_at: '2026-12-03T10:00:00.000Z',
        collection: fixture,
      }),
    );
    const r = await runCli(
      [
        'scan',
        '--evidence',
        dir,
        '-o',
        join(dir, 'reports'),
        '--only',
        'database.mssql.*',
        '--json',
        '--no-html',
        '--hosts-only',
      ],
      { timeoutMs: 60_000 },
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(JSON.parse(r.stdout).run_dir, 'report.json'), 'utf8')) as Report;
    const db = report.targets.find((t) => t.kind === 'database')!;
    expect(statusOf(report, db.id)).toMatchObject({
      'database.mssql.server-audit-running': 'pass',
      'database.mssql.audit-action-groups': 'pass',
      'database.mssql.login-auditing': 'warn',
    });
  });
});

describe('the SQL Server canary on a Windows host followed to its Windows Event Collector (stand-in pwsh)', () => {
  async function scanActive(fixture: string): Promise<{ report: Report; doc: DbCanaryDocument; log: string }> {
    chmodSync(FAKE, 0o755);
    const dir = mkdtempSync(join(tmpdir(), 'socready-mssql-wec-'));
    const logFile = join(dir, 'pwsh.log');
    writeFileSync(
      join(dir, 'inventory.yaml'),
      `version: 1
targets:
  - id: win-sql
    kind: windows
    address: localhost
    transport: powershell
    eventlog: { collector: wec, max_wait: 2 }
  - id: wec
    kind: windows
    address: localhost
    transport: powershell
    collector: { event_logs: [ForwardedEvents] }
  - id: sql01
    kind: database
    address: localhost
    database: { product: mssql, host: win-sql }
`,
    );
    const r = await runCli(
      [
        'scan',
        '-i',
        join(dir, 'inventory.yaml'),
        '-o',
        join(dir, 'reports'),
        '--only',
        'database.mssql.canary-*',
        '--active',
        '--json',
        '--hosts-only',
        '--no-html',
      ],
      {
        env: { NODE_POWERSHELL: FAKE, FAKE_PWSH_FIXTURE: join(FIXTURES_DIR, 'pwsh', fixture), FAKE_PWSH_LOG: logFile },
        timeoutMs: 90_000,
      },
    );
    expect(r.code, r.stderr).toBe(0);
    const runDir = JSON.parse(r.stdout).run_dir as string;
    const report = JSON.parse(readFileSync(join(runDir, 'report.json'), 'utf8')) as Report;
    const doc = JSON.parse(
      readFileSync(join(runDir, 'evidence', 'sql01', 'db-canary.txt'), 'utf8'),
    ) as DbCanaryDocument;
    return { report, doc, log: readFileSync(logFile, 'utf8') };
  }

  it('arrived: written as event 33205 on the host, then in the WEC ForwardedEvents, with its latency', async () => {
    const { report, doc, log } = await scanActive('mssql-canary-wec.json');
    expect(statusOf(report, 'sql01')).toMatchObject({
      'database.mssql.canary-logged': 'pass',
      'database.mssql.canary-arrived': 'pass',
    });
    expect(doc).toMatchObject({
      sent: true,
      found: true,
      where: 'Windows Application log, event 33205 [socready_audit]',
    });
    expect(doc.arrival).toMatchObject({
      collector: 'wec',
      collector_paths: ['ForwardedEvents'],
      arrived: true,
      where: 'ForwardedEvents',
      errors: [],
    });
    expect(doc.arrival!.line).toContain(`statement:SELECT '${doc.marker}'`);
    expect(doc.arrival!.latency_ms).toBeGreaterThanOrEqual(0);
    const arrived = report.findings.find((f) => f.target === 'sql01' && f.check === 'database.mssql.canary-arrived')!;
    expect(arrived.reason).toMatch(
      new RegExp(
        `^${doc.marker} written in Windows Application log, event 33205 \\[socready_audit\\] after \\d+ ms; ` +
          'arrived on wec in ForwardedEvents after \\d+ ms$',
      ),
    );
    // The WEC was read with the Windows host canary's own read of its forwarded-events logs, nothing else.
    // (The log holds the script as sent, quoted once per wrapping script block: its quotes are doubled.)
    expect(log).toMatch(/foreach \(\$socreadyLog in @\('+ForwardedEvents'+\)\)/);
  }, 120_000);

  it('not forwarded: in the host Application log, not in the WEC ForwardedEvents within the stated wait', async () => {
    const { report, doc } = await scanActive('mssql-canary-wec-lost.json');
    expect(statusOf(report, 'sql01')).toMatchObject({
      'database.mssql.canary-logged': 'pass',
      'database.mssql.canary-arrived': 'fail',
    });
    expect(doc.arrival).toMatchObject({ collector: 'wec', arrived: false, max_wait_ms: 2000 });
    expect(doc.arrival!.reads).toBeGreaterThan(1);
    const arrived = report.findings.find((f) => f.target === 'sql01' && f.check === 'database.mssql.canary-arrived')!;
    expect(arrived.reason).toMatch(/did not arrive on wec within 2 s \(\d+ reads of ForwardedEvents\)/);
  }, 120_000);
});
