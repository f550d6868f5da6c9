// Issue 15's "Done when", end to end: `socready scan --active` on an inventory with real PostgreSQL + pgaudit and
// MariaDB + server_audit behind a real SSH host, good and trap configurations. The host's rsyslog (a real sender,
// imfile on the good servers' audit files) forwards to a real collector on loopback; the canaries are followed there.
// Verdicts, the source map and the web + database SQL injection sample detection are read from report.json.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetectionDetails } from '../../src/detect/sample.js';
import type { Report } from '../../src/model.js';
import { runCli } from '../helpers/cli.js';
import {
  haveDatabases,
  type MariaInstance,
  type PgInstance,
  RO_PASSWORD,
  startMariadb,
  startPostgres,
} from '../helpers/databases.js';
import { type RsyslogPair, rsyslogAvailable, startRsyslogPair } from '../helpers/rsyslog.js';
import { type SshdHandle, startSshd } from '../helpers/sshd.js';

const PG_GOOD = {
  shared_preload_libraries: `'pgaudit'`,
  'pgaudit.log': `'ddl,role,read,write,misc_set'`,
  log_connections: 'on',
  log_disconnections: 'on',
  log_line_prefix: `'%m [%p] %u@%d %h %c '`,
};
const MARIA_GOOD = { server_audit_logging: 'ON', server_audit_events: 'CONNECT,QUERY_DDL,QUERY_DCL,QUERY_DML' };

describe.skipIf(!haveDatabases() || !rsyslogAvailable)('socready scan --active with real databases (Done when)', () => {
  let sshd: SshdHandle;
  let pgGood: PgInstance;
  let pgTrap: PgInstance;
  let pgLocal: PgInstance;
  let mGood: MariaInstance;
  let mTrap: MariaInstance;
  let pair: RsyslogPair;
  let report: Report;
  let trapsOnly: Report;
  let stdout = '';

  async function scan(dbs: string, full: boolean): Promise<{ report: Report; out: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'socready-db-scan-'));
    writeFileSync(
      join(dir, 'inventory.yaml'),
      `version: 1
targets:
  - id: db-host
    kind: linux
    address: 127.0.0.1
    port: ${sshd.port}
    ssh: { user: ${sshd.user}, key: ${sshd.clientKeyPath}, host_key: "${sshd.hostKeyFingerprint}", sudo: true }
    syslog: { collector: collector, logger_socket: ${pair.socket}, max_wait: 8 }
  - id: collector
    kind: linux
    address: localhost
    transport: local
    collector: { paths: [${pair.collectorLog}] }
${dbs}`,
    );
    const r = await runCli(
      [
        'scan',
        '--active',
        '-i',
        join(dir, 'inventory.yaml'),
        '-o',
        join(dir, 'reports'),
        '--only',
        'database.*',
        '--json',
        '--no-html',
        ...(full ? [] : ['--hosts-only']),
      ],
      { env: { SR_DB_PW: RO_PASSWORD }, timeoutMs: 170_000 },
    );
    const summary = JSON.parse(r.stdout) as { run_dir: string };
    return {
      report: JSON.parse(readFileSync(join(summary.run_dir, 'report.json'), 'utf8')) as Report,
      out: r.stdout + r.stderr,
    };
  }
  const db = (id: string, product: string, port: number) =>
    `  - id: ${id}\n    kind: database\n    database: { product: ${product}, host: db-host, user: socready_ro, ` +
    `password_env: SR_DB_PW, port: ${port}, failed_login_canary: true }\n`;

  beforeAll(async () => {
    [sshd, pgGood, pgTrap, pgLocal, mGood, mTrap] = await Promise.all([
      startSshd({ sudo: 'nopasswd' }),
      startPostgres(PG_GOOD),
      startPostgres({ ...PG_GOOD, 'pgaudit.log': `'none'` }),
      startPostgres(PG_GOOD),
      startMariadb(MARIA_GOOD),
      startMariadb({ ...MARIA_GOOD, server_audit_logging: 'OFF' }),
    ]);
    // The host ships the good servers' audit files; pg-local's log stays on the host (audit on, nothing forwards).
    pair = await startRsyslogPair({
      files: [
        { path: `${pgGood.logDir}/postgresql.log`, tag: 'postgres:' },
        { path: mGood.auditLog, tag: 'mariadb-audit:' },
      ],
    });
    const all =
      db('pg-good', 'postgresql', pgGood.port) +
      db('pg-trap', 'postgresql', pgTrap.port) +
      db('pg-local', 'postgresql', pgLocal.port) +
      db('maria-good', 'mariadb', mGood.port) +
      db('maria-trap', 'mariadb', mTrap.port);
    const full = await scan(all, true);
    report = full.report;
    stdout = full.out;
    trapsOnly = (
      await scan(db('pg-trap', 'postgresql', pgTrap.port) + db('pg-local', 'postgresql', pgLocal.port), true)
    ).report;
  }, 360_000);

  afterAll(async () => {
    pgGood?.stop();
    pgTrap?.stop();
    pgLocal?.stop();
    await Promise.all([mGood?.stop(), mTrap?.stop(), sshd?.stop(), pair?.stop()]);
  });

  const verdict = (r: Report, target: string, check: string) =>
    r.findings.find((f) => f.target === target && f.check === check);

  it('gives the right verdict on each good and trap configuration', () => {
    const v = (target: string, check: string) => verdict(report, target, check)?.status;
    expect(v('pg-good', 'database.postgresql.pgaudit-log-classes')).toBe('pass');
    expect(v('pg-good', 'database.postgresql.canary-logged')).toBe('pass');
    expect(v('pg-good', 'database.postgresql.canary-arrived')).toBe('pass');
    expect(v('pg-good', 'database.postgresql.failed-login-logged')).toBe('pass');
    expect(v('pg-trap', 'database.postgresql.pgaudit-loaded')).toBe('pass');
    expect(v('pg-trap', 'database.postgresql.pgaudit-log-classes')).toBe('fail');
    expect(v('pg-trap', 'database.postgresql.canary-logged')).toBe('fail');
    expect(v('pg-trap', 'database.postgresql.canary-arrived')).toBe('fail');
    // Audit on and written, but nothing forwards the file: written, not arrived.
    expect(v('pg-local', 'database.postgresql.canary-logged')).toBe('pass');
    expect(v('pg-local', 'database.postgresql.canary-arrived')).toBe('fail');
    expect(v('maria-good', 'database.mariadb.audit-logging-on')).toBe('pass');
    expect(v('maria-good', 'database.mariadb.canary-logged')).toBe('pass');
    expect(v('maria-good', 'database.mariadb.canary-arrived')).toBe('pass');
    expect(v('maria-good', 'database.mariadb.failed-login-logged')).toBe('pass');
    expect(v('maria-trap', 'database.mariadb.audit-logging-on')).toBe('fail');
    expect(v('maria-trap', 'database.mariadb.canary-logged')).toBe('fail');
    expect(v('maria-trap', 'database.mariadb.canary-arrived')).toBe('fail');
  });

  it('says where each canary was written and where it arrived, with the latency of each', () => {
    const arrived = verdict(report, 'pg-good', 'database.postgresql.canary-arrived')!;
    expect(arrived.reason).toMatch(
      new RegExp(
        '^socready-canary-\\S+-pg-good-[0-9a-f]{8} written in .*postgresql\\.log after \\d+ ms; ' +
          'arrived on collector in .*remote\\.log after \\d+ ms$',
      ),
    );
    expect(verdict(report, 'maria-good', 'database.mariadb.canary-arrived')!.reason).toMatch(
      /written in .*audit\.log after \d+ ms; arrived on collector in .*remote\.log after \d+ ms/,
    );
    expect(verdict(report, 'pg-local', 'database.postgresql.canary-arrived')!.reason).toMatch(
      new RegExp(
        'written in .*postgresql\\.log after \\d+ ms; ' +
          'did not arrive on collector within 8 s \\(\\d+ reads of .*remote\\.log\\)',
      ),
    );
    expect(verdict(report, 'pg-trap', 'database.postgresql.canary-arrived')!.reason).toMatch(
      /not written in the server's own log; not followed to collector: the marker was not written/,
    );
    expect(verdict(report, 'pg-good', 'database.postgresql.canary-logged')!.reason).toMatch(
      /^written: socready-canary-\S+ found in the server's own log /,
    );
  });

  it('shows database audit measured (arrived) by the good databases only', () => {
    const cls = report.analyses.sources!.details.classes.find((c) => c.id === 'database-audit')!;
    expect(cls.status).toBe('measured');
    expect(cls.proof).toBe('arrived');
    expect(cls.evidence.length).toBeGreaterThan(0);
    expect(cls.evidence.every((e) => /canary-arrived@(pg-good|maria-good)$/.test(e))).toBe(true);
    const traps = trapsOnly.analyses.sources!.details.classes.find((c) => c.id === 'database-audit')!;
    expect(traps.status).toBe('missing');
    expect(traps.evidence).toEqual(
      expect.arrayContaining([
        'finding:database.postgresql.canary-arrived@pg-trap',
        'finding:database.postgresql.canary-arrived@pg-local',
      ]),
    );
  });

  it('the sample detection shows the web + database SQLi pair, and names the database half when missing', () => {
    const scenario = (r: Report) =>
      (r.analyses.detections!.details as DetectionDetails).scenarios.find((s) => s.id === 'sqli-web-and-database')!;
    const good = scenario(report);
    expect(good.detected).toBe(true);
    expect(good.blind_by).toEqual([]);
    expect(good.rules.find((r) => r.rule_id.startsWith('4da2950a'))).toMatchObject({
      fired_on_attack: true,
      blinded: false,
    });
    const traps = scenario(trapsOnly);
    expect(traps.blind_by).toEqual([{ product: 'postgresql' }]);
    expect(traps.rules.find((r) => r.rule_id.startsWith('4da2950a'))).toMatchObject({ blinded: true });
    // The web half still fires alone.
    expect(traps.rules.find((r) => r.rule_id.startsWith('a20e4464'))).toMatchObject({
      fired_on_attack: true,
      blinded: false,
    });
  });

  it('records the targets as database targets read through the host, and never the password', () => {
    const t = report.targets.find((x) => x.id === 'pg-good')!;
    expect(t.kind).toBe('database');
    expect(t.transport).toBe('ssh');
    expect(t.host?.os).toMatch(/Debian/);
    const text = JSON.stringify(report);
    expect(text).not.toContain(RO_PASSWORD);
    expect(stdout).not.toContain(RO_PASSWORD);
    const evidence = report.evidence.filter((e) => e.target === 'pg-good' && e.probe === 'pg-settings')[0]!;
    expect(evidence.what).toMatch(/^psql -X -w .* -c 'SELECT name, setting, source FROM pg_settings/);
  });
});
