// Real PostgreSQL 15 + pgaudit and MariaDB 10.11 + server_audit on loopback, each in a good and trap configurations,
// assessed through the one per-target path (openSource + assessTarget) with the host read through the local
// transport; the canaries sent for real. The servers' own statement logs prove only SELECT/SHOW left socready.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/checks/catalog.js';
import { assessTarget, type TargetAssessment } from '../../src/collect/assess-target.js';
import { EvidenceStore } from '../../src/collect/evidence-store.js';
import { DatabaseProbeSource } from '../../src/database/source.js';
import type { DatabaseSettings, Finding, Target } from '../../src/model.js';
import { createLocalTransport } from '../../src/transport/local.js';
import {
  haveDatabases,
  type MariaInstance,
  type PgInstance,
  RO_PASSWORD,
  startMariadb,
  startPostgres,
} from '../helpers/databases.js';

const catalog = loadCatalog();
const ENV = { SR_DB_PASSWORD: RO_PASSWORD };

async function scan(id: string, database: DatabaseSettings, active: boolean): Promise<TargetAssessment> {
  const target: Target = { id, kind: 'database', address: '127.0.0.1', tags: [], transport: 'local', database };
  const source = new DatabaseProbeSource(target, {
    hostTransport: createLocalTransport(),
    active,
    runId: 'itest',
    logWaitMs: 3000,
    pollMs: 200,
    env: ENV,
  });
  return assessTarget(target, source, catalog, { store: new EvidenceStore(undefined) });
}

const status = (a: TargetAssessment, check: string): Finding['status'] | undefined =>
  a.findings.find((f) => f.check === check)?.status;
const finding = (a: TargetAssessment, check: string): Finding => {
  const f = a.findings.find((x) => x.check === check);
  if (!f) throw new Error(`no finding ${check}: ${a.findings.map((x) => x.check).join(', ')}`);
  return f;
};

describe.skipIf(!haveDatabases())('PostgreSQL 15 + pgaudit (real throwaway clusters)', () => {
  const GOOD = {
    shared_preload_libraries: `'pgaudit'`,
    'pgaudit.log': `'ddl,role,read,write,misc_set'`,
    'pgaudit.log_relation': 'on',
    log_connections: 'on',
    log_disconnections: 'on',
    log_line_prefix: `'%m [%p] %u@%d %h %c '`,
    log_file_mode: '0600',
    log_min_duration_statement: '1000',
    log_rotation_age: `'1d'`,
  };
  let good: PgInstance;
  let trap: PgInstance;
  const conn = (pg: PgInstance, extra: Partial<DatabaseSettings> = {}): DatabaseSettings => ({
    product: 'postgresql',
    host: 'db-host',
    user: 'socready_ro',
    password_env: 'SR_DB_PASSWORD',
    port: pg.port,
    dbname: 'postgres',
    ...extra,
  });

  beforeAll(async () => {
    good = await startPostgres(GOOD);
    trap = await startPostgres({ ...GOOD, 'pgaudit.log': `'none'` });
  }, 60_000);
  afterAll(() => {
    good?.stop();
    trap?.stop();
  });

  it('good configuration: every setting passes from the live server and the marked query is found in the ' +
    'pgaudit log', async () => {
    const a = await scan('pg-good', conn(good, { failed_login_canary: true }), true);
    for (const id of [
      'pgaudit-loaded',
      'pgaudit-log-classes',
      'pgaudit-role-overrides',
      'pgaudit-log-relation',
      'log-connections',
      'log-line-prefix',
      'log-statement',
      'log-file-mode',
      'log-rotation',
      'log-local-retention',
      'log-min-duration-statement',
      'pgaudit-log-parameter',
    ]) {
      expect(status(a, `database.postgresql.${id}`), id).toBe('pass');
    }
    expect(finding(a, 'database.postgresql.pgaudit-loaded').reason).toContain('live server');
    const canary = finding(a, 'database.postgresql.canary-logged');
    expect(canary.status).toBe('pass');
    expect(canary.reason).toMatch(
      new RegExp(
        String.raw`socready-canary-itest-pg-good-[0-9a-f]{8} found in .*postgresql\.log after \d+ ms: .*AUDIT: SE` +
          String.raw`SSION,\d+,\d+,READ,SELECT`,
      ),
    );
    const login = finding(a, 'database.postgresql.failed-login-logged');
    expect(login.status).toBe('pass');
    expect(login.reason).toMatch(/password authentication failed for user "socready_fl_itest_pg_good_/);
    // Session logging records every READ and WRITE: object auditing is not needed.
    expect(status(a, 'database.postgresql.pgaudit-object-role')).toBe('not-applicable');
    // Written to a local file that no shipper reads.
    expect(status(a, 'database.postgresql.log-forwarded')).toBe('fail');
    expect(finding(a, 'database.postgresql.log-forwarded').reason).toContain(good.logDir);
    // The password is in no evidence and no finding.
    expect(JSON.stringify(a)).not.toContain(RO_PASSWORD);
  }, 60_000);

  it('trap pgaudit.log = none: loaded but silent, the class check fails and the canary is not found', async () => {
    const a = await scan('pg-none', conn(trap), true);
    expect(status(a, 'database.postgresql.pgaudit-loaded')).toBe('pass');
    expect(status(a, 'database.postgresql.pgaudit-log-classes')).toBe('fail');
    expect(finding(a, 'database.postgresql.pgaudit-log-classes').reason).toContain("pgaudit.log = 'none'");
    const canary = finding(a, 'database.postgresql.canary-logged');
    expect(canary.status).toBe('fail');
    expect(canary.reason).toMatch(/not found after \d+ ms in .*\/log\/\*/);
  }, 60_000);

  it('trap per-role pgaudit.log = none: the server-wide setting passes, pg_db_role_setting shows the override, ' +
    'the canary is not found', async () => {
    good.superuser(`ALTER ROLE socready_ro SET pgaudit.log = 'none';`);
    try {
      const a = await scan('pg-role-none', conn(good), true);
      expect(status(a, 'database.postgresql.pgaudit-loaded')).toBe('pass');
      expect(status(a, 'database.postgresql.pgaudit-role-overrides')).toBe('fail');
      expect(finding(a, 'database.postgresql.pgaudit-role-overrides').reason).toContain('socready_ro');
      expect(status(a, 'database.postgresql.canary-logged')).toBe('fail');
    } finally {
      good.superuser('ALTER ROLE socready_ro RESET pgaudit.log;');
    }
  }, 60_000);

  it('live traps: truncated log, no slow-statement log, log_parameter on, object audit gaps', async () => {
    trap.superuser(`ALTER SYSTEM SET log_truncate_on_rotation = on; ALTER SYSTEM SET log_rotation_age = '1h';
ALTER SYSTEM SET pgaudit.log_parameter = on; ALTER SYSTEM SET pgaudit.role = 'auditor';
ALTER SYSTEM SET log_min_duration_statement = -1;
CREATE ROLE auditor NOLOGIN; GRANT SELECT, UPDATE ON t_secret TO auditor;`);
    trap.reload();
    try {
      const a = await scan('pg-traps', conn(trap), false);
      expect(finding(a, 'database.postgresql.log-local-retention').reason).toMatch(/overwritten after about 1 h/);
      expect(status(a, 'database.postgresql.log-local-retention')).toBe('fail');
      expect(status(a, 'database.postgresql.log-rotation')).toBe('pass');
      expect(status(a, 'database.postgresql.log-min-duration-statement')).toBe('fail');
      expect(status(a, 'database.postgresql.pgaudit-log-parameter')).toBe('warn');
      const covered = finding(a, 'database.postgresql.pgaudit-object-role');
      expect(covered.status, covered.reason).toBe('pass');
      expect(covered.reason).toContain("pgaudit.role = 'auditor' holds privileges on public.t_secret");
      trap.superuser('CREATE TABLE customers(id int, email text);');
      const b = await scan('pg-traps', conn(trap), false);
      const gap = finding(b, 'database.postgresql.pgaudit-object-role');
      expect(gap.status).toBe('fail');
      expect(gap.reason).toContain('not covered: public.customers');
    } finally {
      trap.superuser('ALTER SYSTEM RESET ALL; DROP TABLE IF EXISTS customers;');
      trap.reload();
    }
  }, 60_000);

  it('without a connection the settings come from postgresql.conf and its include, and say so; no canary is ' +
    'planned', async () => {
    const a = await scan(
      'pg-files',
      { product: 'postgresql', host: 'db-host', config_path: `${good.dir}/data/postgresql.conf` },
      true,
    );
    expect(status(a, 'database.postgresql.pgaudit-loaded')).toBe('pass');
    expect(finding(a, 'database.postgresql.pgaudit-loaded').reason).toContain('configuration files');
    expect(status(a, 'database.postgresql.pgaudit-log-classes')).toBe('pass');
    expect(status(a, 'database.postgresql.pgaudit-role-overrides')).toBe('inconclusive');
    expect(a.findings.some((f) => f.check === 'database.postgresql.canary-logged')).toBe(false);
  }, 60_000);

  it("only SELECT statements leave socready (the server's own log with log_statement = all for its role)", async () => {
    good.superuser(`ALTER ROLE socready_ro SET log_statement = 'all';`);
    try {
      await scan('pg-statements', conn(good, { failed_login_canary: true }), true);
    } finally {
      good.superuser('ALTER ROLE socready_ro RESET log_statement;');
    }
    const statements = readFileSync(`${good.logDir}/postgresql.log`, 'utf8')
      .split('\n')
      .filter((l) => / socready_ro@postgres .* LOG: {2}statement: /.test(l))
      .map((l) => l.slice(l.indexOf('statement: ') + 11));
    expect(statements.length).toBeGreaterThanOrEqual(3);
    for (const s of statements) expect(s).toMatch(/^(SELECT|SHOW) /);
  }, 60_000);
});

describe.skipIf(!haveDatabases())('MariaDB 10.11 + server_audit (real throwaway servers)', () => {
  const GOOD = { server_audit_logging: 'ON', server_audit_events: 'CONNECT,QUERY_DDL,QUERY_DCL,QUERY_DML,TABLE' };
  let good: MariaInstance;
  let off: MariaInstance;
  const conn = (m: MariaInstance, extra: Partial<DatabaseSettings> = {}): DatabaseSettings => ({
    product: 'mariadb',
    host: 'db-host',
    user: 'socready_ro',
    password_env: 'SR_DB_PASSWORD',
    port: m.port,
    ...extra,
  });

  beforeAll(async () => {
    good = await startMariadb(GOOD);
    off = await startMariadb({ ...GOOD, server_audit_logging: 'OFF' });
  }, 60_000);
  afterAll(async () => {
    await good?.stop();
    await off?.stop();
  });

  it('good configuration: plugin, logging and events pass, the marked query and the failed login are in the ' +
    'audit file', async () => {
    const a = await scan('maria-good', conn(good, { failed_login_canary: true }), true);
    for (const id of [
      'audit-plugin-loaded',
      'audit-logging-on',
      'audit-events',
      'audit-file-rotation',
      'general-log-off',
      'failed-logins-logged',
    ]) {
      expect(status(a, `database.mariadb.${id}`), id).toBe('pass');
    }
    const canary = finding(a, 'database.mariadb.canary-logged');
    expect(canary.status).toBe('pass');
    expect(canary.reason).toContain(`found in the server's own log ${good.auditLog}`);
    expect(canary.reason).toMatch(
      /,socready_ro,127\.0\.0\.1,\d+,\d+,QUERY,,'SELECT \\'socready-canary-itest-maria-good-/,
    );
    const login = finding(a, 'database.mariadb.failed-login-logged');
    expect(login.status).toBe('pass');
    expect(login.reason).toMatch(/FAILED_CONNECT/);
    expect(status(a, 'database.mariadb.audit-forwarded')).toBe('fail');
    expect(JSON.stringify(a)).not.toContain(RO_PASSWORD);
  }, 60_000);

  it('trap server_audit_logging = OFF: the plugin is ACTIVE but logging fails and the canary ' +
    'is not found', async () => {
    const a = await scan('maria-off', conn(off), true);
    expect(status(a, 'database.mariadb.audit-plugin-loaded')).toBe('pass');
    expect(status(a, 'database.mariadb.audit-logging-on')).toBe('fail');
    expect(status(a, 'database.mariadb.canary-logged')).toBe('fail');
  }, 60_000);

  it('trap events narrowed silently by SET GLOBAL (no QUERY_DML): the events check still passes, only the ' +
    'canary shows the gap', async () => {
    good.root(`SET GLOBAL server_audit_events = 'CONNECT,QUERY_DDL,QUERY_DCL,TABLE'`);
    try {
      const a = await scan('maria-narrow', conn(good), true);
      expect(status(a, 'database.mariadb.audit-events')).toBe('pass');
      expect(status(a, 'database.mariadb.canary-logged')).toBe('fail');
    } finally {
      good.root(`SET GLOBAL server_audit_events = '${GOOD.server_audit_events}'`);
    }
  }, 60_000);

  it('trap server_audit_file_rotations = 0 (set live): rotation keeps no older file', async () => {
    good.root('SET GLOBAL server_audit_file_rotations = 0');
    try {
      const a = await scan('maria-rotate', conn(good), false);
      expect(status(a, 'database.mariadb.audit-file-rotation')).toBe('fail');
    } finally {
      good.root('SET GLOBAL server_audit_file_rotations = 9');
    }
  }, 60_000);

  it('without a connection the settings come from the option files (my_print_defaults) and say so', async () => {
    const a = await scan(
      'maria-files',
      { product: 'mariadb', host: 'db-host', config_path: `${off.dir}/my.cnf` },
      false,
    );
    expect(status(a, 'database.mariadb.audit-plugin-loaded')).toBe('pass');
    expect(finding(a, 'database.mariadb.audit-plugin-loaded').reason).toContain('option files');
    expect(status(a, 'database.mariadb.audit-logging-on')).toBe('fail');
  }, 60_000);

  it("only SELECT and SHOW statements leave socready (the server's general log)", async () => {
    const log = `${good.dir}/general.log`;
    good.root(`SET GLOBAL general_log_file = '${log}'; SET GLOBAL general_log = ON`);
    try {
      await scan('maria-statements', conn(good, { failed_login_canary: true }), true);
    } finally {
      good.root('SET GLOBAL general_log = OFF');
    }
    const lines = readFileSync(log, 'utf8').split('\n');
    const ours = new Set(
      lines.flatMap((l) => /^\s*(?:\d{6}\s+[\d:]+\s+)?(\d+) Connect\tsocready_ro@/.exec(l)?.[1] ?? []),
    );
    const queries = lines.flatMap((l) => {
      const m = /^\s*(?:\d{6}\s+[\d:]+\s+)?(\d+) Query\t(.*)$/.exec(l);
      return m && ours.has(m[1]!) ? [m[2]!] : [];
    });
    expect(ours.size).toBeGreaterThanOrEqual(3);
    expect(queries.length).toBeGreaterThanOrEqual(3);
    for (const q of queries) expect(q).toMatch(/^(SELECT|SHOW|select) /);
  }, 60_000);
});
