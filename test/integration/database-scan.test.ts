// `socready scan --active` end to end on an inventory with real PostgreSQL + pgaudit and MariaDB + server_audit,
// good and trap configurations, the database host reached over a real SSH transport (the read-only password goes
// to psql/mariadb through the remote command's stdin, never its command line), verdicts read from report.json.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { type SshdHandle, startSshd } from '../helpers/sshd.js';

const PG_GOOD = {
  shared_preload_libraries: `'pgaudit'`,
  'pgaudit.log': `'ddl,role,read,write,misc_set'`,
  log_connections: 'on',
  log_disconnections: 'on',
  log_line_prefix: `'%m [%p] %u@%d %h %c '`,
};
const MARIA_GOOD = { server_audit_logging: 'ON', server_audit_events: 'CONNECT,QUERY_DDL,QUERY_DCL,QUERY_DML' };

describe.skipIf(!haveDatabases())('socready scan --active with real databases behind an SSH host', () => {
  let sshd: SshdHandle;
  let pgGood: PgInstance;
  let pgTrap: PgInstance;
  let mGood: MariaInstance;
  let mTrap: MariaInstance;
  let report: Report;
  let stdout = '';

  beforeAll(async () => {
    [sshd, pgGood, pgTrap, mGood, mTrap] = await Promise.all([
      startSshd({ sudo: 'nopasswd' }),
      startPostgres(PG_GOOD),
      startPostgres({ ...PG_GOOD, 'pgaudit.log': `'none'` }),
      startMariadb(MARIA_GOOD),
      startMariadb({ ...MARIA_GOOD, server_audit_logging: 'OFF' }),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'socready-db-scan-'));
    const db = (id: string, product: string, port: number) =>
      `  - id: ${id}\n    kind: database\n    database: { product: ${product}, host: db-host, user: ` +
      `socready_ro, password_env: SR_DB_PW, port: ${port}, failed_login_canary: true }\n`;
    writeFileSync(
      join(dir, 'inventory.yaml'),
      `version: 1
targets:
  - id: db-host
    kind: linux
    address: 127.0.0.1
    port: ${sshd.port}
    ssh: { user: ${sshd.user}, key: ${sshd.clientKeyPath}, host_key: "${sshd.hostKeyFingerprint}", sudo: true }
${db('pg-good', 'postgresql', pgGood.port)}${db('pg-trap', 'postgresql', pgTrap.port)}` +
        `${db('maria-good', 'mariadb', mGood.port)}${db('maria-trap', 'mariadb', mTrap.port)}`,
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
        '--hosts-only',
        '--no-html',
      ],
      {
        env: { SR_DB_PW: RO_PASSWORD },
        timeoutMs: 170_000,
      },
    );
    stdout = r.stdout + r.stderr;
    const summary = JSON.parse(r.stdout) as { run_dir: string };
    report = JSON.parse(readFileSync(join(summary.run_dir, 'report.json'), 'utf8')) as Report;
  }, 180_000);

  afterAll(async () => {
    pgGood?.stop();
    pgTrap?.stop();
    await Promise.all([mGood?.stop(), mTrap?.stop(), sshd?.stop()]);
  });

  const verdict = (target: string, check: string) =>
    report.findings.find((f) => f.target === target && f.check === check)?.status;

  it('gives the right verdict on each good and trap configuration', () => {
    expect(verdict('pg-good', 'database.postgresql.pgaudit-log-classes')).toBe('pass');
    expect(verdict('pg-good', 'database.postgresql.canary-logged')).toBe('pass');
    expect(verdict('pg-good', 'database.postgresql.failed-login-logged')).toBe('pass');
    expect(verdict('pg-trap', 'database.postgresql.pgaudit-loaded')).toBe('pass');
    expect(verdict('pg-trap', 'database.postgresql.pgaudit-log-classes')).toBe('fail');
    expect(verdict('pg-trap', 'database.postgresql.canary-logged')).toBe('fail');
    expect(verdict('maria-good', 'database.mariadb.audit-logging-on')).toBe('pass');
    expect(verdict('maria-good', 'database.mariadb.canary-logged')).toBe('pass');
    expect(verdict('maria-good', 'database.mariadb.failed-login-logged')).toBe('pass');
    expect(verdict('maria-trap', 'database.mariadb.audit-logging-on')).toBe('fail');
    expect(verdict('maria-trap', 'database.mariadb.canary-logged')).toBe('fail');
  });

  it("shows database audit measured by the good databases' canaries only", () => {
    const cls = report.analyses.sources!.details.classes.find((c) => c.id === 'database-audit')!;
    expect(cls.status).toBe('measured');
    expect(cls.proof).toBe('arrived');
    expect(cls.evidence.every((e) => /@(pg-good|maria-good)$/.test(e))).toBe(true);
    expect(cls.evidence.length).toBeGreaterThan(0);
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
