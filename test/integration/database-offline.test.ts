// Offline: `collect-script --platform linux --database postgresql,mariadb` run as root on the database host reads the
// servers over their own sockets (no password anywhere) and `scan --evidence` evaluates its file as a live scan
// would, one database target per product. Real throwaway PostgreSQL + pgaudit and MariaDB + server_audit (OFF).
import { execFileSync } from 'node:child_process';
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
  startMariadb,
  startPostgres,
} from '../helpers/databases.js';

describe.skipIf(!haveDatabases())('offline database collection (collect-script --database, scan --evidence)', () => {
  let pg: PgInstance;
  let maria: MariaInstance;
  let report: Report;
  let evidence: { databases?: string[]; probes: Record<string, { what: string; exit_code: number }> };

  beforeAll(async () => {
    [pg, maria] = await Promise.all([
      startPostgres({ shared_preload_libraries: `'pgaudit'`, 'pgaudit.log': `'none'`, log_connections: 'on' }),
      startMariadb({ server_audit_logging: 'OFF', server_audit_events: 'CONNECT,QUERY_DDL,QUERY_DCL' }),
    ]);
    const dir = mkdtempSync(join(tmpdir(), 'socready-db-offline-'));
    const script = await runCli(['collect-script', '--platform', 'linux', '--database', 'postgresql,mariadb']);
    expect(script.code).toBe(0);
    writeFileSync(join(dir, 'collect.sh'), script.stdout);
    // The client's defaults point at the throwaway servers, as the default cluster's socket would on a real host.
    execFileSync('sh', [join(dir, 'collect.sh'), join(dir, 'db-host.json')], {
      env: { ...process.env, PGHOST: `${pg.dir}/sock`, PGPORT: String(pg.port), MYSQL_UNIX_PORT: maria.socket },
      stdio: 'ignore',
      timeout: 120_000,
    });
    evidence = JSON.parse(readFileSync(join(dir, 'db-host.json'), 'utf8'));
    const r = await runCli([
      'scan',
      '--evidence',
      join(dir, 'db-host.json'),
      '-o',
      join(dir, 'reports'),
      '--only',
      'database.*',
      '--json',
      '--hosts-only',
      '--no-html',
    ]);
    report = JSON.parse(
      readFileSync(join((JSON.parse(r.stdout) as { run_dir: string }).run_dir, 'report.json'), 'utf8'),
    ) as Report;
  }, 180_000);

  afterAll(async () => {
    pg?.stop();
    await maria?.stop();
  });

  it('writes the database probes, its queries run as plain SELECT/SHOW through the local clients', () => {
    expect(evidence.databases).toEqual(['postgresql', 'mariadb']);
    expect(evidence.probes['pg-settings']!.exit_code).toBe(0);
    expect(evidence.probes['mariadb-audit-variables']!.exit_code).toBe(0);
    expect(evidence.probes['db-canary']).toBeUndefined();
  });

  it('evaluates one database target per product from the evidence, with the live verdicts', () => {
    const v = (t: string, c: string) => report.findings.find((f) => f.target === t && f.check === c)?.status;
    const host = report.targets.find((t) => t.kind === 'linux')!.id;
    expect(v(`${host}-postgresql`, 'database.postgresql.pgaudit-loaded')).toBe('pass');
    expect(v(`${host}-postgresql`, 'database.postgresql.pgaudit-log-classes')).toBe('fail');
    expect(v(`${host}-mariadb`, 'database.mariadb.audit-plugin-loaded')).toBe('pass');
    expect(v(`${host}-mariadb`, 'database.mariadb.audit-logging-on')).toBe('fail');
    // No MariaDB check on the PostgreSQL target and the other way round.
    expect(
      report.findings.filter((f) => f.target === `${host}-postgresql` && f.check.startsWith('database.mariadb.')),
    ).toEqual([]);
    expect(
      report.findings.filter((f) => f.target === `${host}-mariadb` && f.check.startsWith('database.postgresql.')),
    ).toEqual([]);
  });
});
