// PostgreSQL audit facts from psql answers (live) and from postgresql.conf dumps (files), on realistic outputs.
import { describe, expect, it } from 'vitest';
import { pgauditClasses, postgresqlFacts } from '../../../../src/parsers/database/postgresql.js';
import type { ProbeResult } from '../../../../src/transport/types.js';

const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const failed = (message: string): ProbeResult => ({
  stdout: '',
  stderr: '',
  exitCode: null,
  truncated: false,
  durationMs: 0,
  error: { kind: 'unsupported', message },
});

const LIVE = `data_directory|/var/lib/postgresql/15/main|override
log_connections|on|configuration file
log_destination|stderr|default
log_directory|log|default
log_disconnections|off|default
log_file_mode|0644|configuration file
log_filename|postgresql-%Y-%m-%d_%H%M%S.log|default
log_line_prefix|%m [%p] %q%u@%d |configuration file
log_statement|all|configuration file
logging_collector|on|configuration file
pgaudit.log|ddl,role,write|configuration file
shared_preload_libraries|pgaudit|configuration file
`;

describe('postgresql-audit facts', () => {
  it('reads the live settings and names them as live', () => {
    const f = postgresqlFacts({ 'pg-settings': ok(LIVE), 'pg-role-settings': ok(''), 'db-shipper-configs': ok('') });
    expect(f).toMatchObject({
      origin: 'live',
      pgaudit_loaded: true,
      pgaudit_ddl: true,
      pgaudit_write: true,
      pgaudit_read: false,
      pgaudit_misc_set: false,
    });
    expect(f).toMatchObject({
      log_connections: true,
      log_disconnections: false,
      prefix_user: true,
      prefix_client: false,
      prefix_session: false,
      log_statement: 'all',
    });
    expect(f.log_file_mode_private).toBe(false);
    expect(f.log_files).toEqual(['/var/lib/postgresql/15/main/log/*']);
    expect((f.why as { loaded: string }).loaded).toContain('live server');
  });

  it('without pg_read_all_settings the preload row is missing: unknown, not "not loaded"', () => {
    const f = postgresqlFacts({
      'pg-settings': ok(LIVE.replace(/^shared_preload_libraries.*\n/m, '')),
      'pg-role-settings': ok(''),
    });
    expect(f.pgaudit_known).toBe(false);
    expect((f.why as { loaded: string }).loaded).toContain('pg_read_all_settings');
  });

  it('finds a role whose pgaudit.log is none in pg_db_role_setting', () => {
    const roles = ok('app_rw|*|pgaudit.log=none\napp_rw|*|search_path=app\nreporting|shop|pgaudit.log=read\n');
    const f = postgresqlFacts({ 'pg-settings': ok(LIVE), 'pg-role-settings': ok(roles.stdout) });
    expect(f.roles_audit_off).toEqual(['app_rw@*']);
    expect(f.roles_known).toBe(true);
  });

  it('falls back to postgresql.conf and its includes, later values winning, defaults for what is unset', () => {
    const dump = `==> /etc/postgresql/15/main/postgresql.conf <==
data_directory = '/var/lib/postgresql/15/main'
log_line_prefix = '%m [%p] %q%u@%d '   # default Debian
include_dir = 'conf.d'
pgaudit.log = 'none'
==> /etc/postgresql/15/main/conf.d/50-audit.conf <==
shared_preload_libraries = 'pg_stat_statements,pgaudit'
pgaudit.log = 'all, -misc'
log_line_prefix = '%m [%p] %u@%d %r %c '
`;
    const f = postgresqlFacts({
      'pg-settings': failed('no connection declared'),
      'pg-config-files': ok(dump),
      'db-shipper-configs': ok(''),
    });
    expect(f.origin).toBe('config');
    expect(f.pgaudit_loaded).toBe(true);
    expect(f.pgaudit_classes).toEqual(['ddl', 'function', 'read', 'role', 'write']);
    expect(f).toMatchObject({
      prefix_client: true,
      prefix_session: true,
      log_connections: false,
      logging_collector: false,
      roles_known: false,
    });
    expect((f.why as { classes: string }).classes).toContain('conf.d/50-audit.conf');
  });

  it('is inconclusive with neither a live answer nor a configuration file', () => {
    expect(() =>
      postgresqlFacts({
        'pg-settings': failed('no connection declared'),
        'pg-config-files': { ...ok(''), exitCode: 3, stderr: 'postgresql.conf not found' },
      }),
    ).toThrow(/not read/);
  });

  it('sees the log picked up when a shipper reads the log directory, and not when only another path is read', () => {
    const shipper = (paths: string) =>
      ok(`==> /etc/filebeat/filebeat.yml <==\nfilebeat.inputs:\n  - type: filestream\n    paths: [${paths}]\n`);
    const read = postgresqlFacts({
      'pg-settings': ok(LIVE),
      'db-shipper-configs': shipper('/var/lib/postgresql/15/main/log/*.log'),
    });
    expect(read).toMatchObject({ forwarded: true, forwarded_by: ['/etc/filebeat/filebeat.yml'] });
    const other = postgresqlFacts({ 'pg-settings': ok(LIVE), 'db-shipper-configs': shipper('/var/log/nginx/*.log') });
    expect(other.forwarded).toBe(false);
    const unread = postgresqlFacts({ 'pg-settings': ok(LIVE), 'db-shipper-configs': failed('permission denied') });
    expect(unread.forwarded).toBe(null);
  });

  it('sees syslog output forwarded only when rsyslog has a network action', () => {
    const syslog = LIVE.replace('log_destination|stderr|default', 'log_destination|syslog|configuration file');
    const fwd = postgresqlFacts({
      'pg-settings': ok(syslog),
      'db-shipper-configs': ok('==> /etc/rsyslog.d/60-siem.conf <==\n*.* @@siem.example:6514\n'),
    });
    expect(fwd.forwarded).toBe(true);
    const local = postgresqlFacts({
      'pg-settings': ok(syslog),
      'db-shipper-configs': ok('==> /etc/rsyslog.conf <==\n# *.* @@siem:514\nlocal0.* /var/log/postgresql.log\n'),
    });
    expect(local.forwarded).toBe(false);
  });
});

describe('pgaudit.log classes', () => {
  it.each([
    ['none', []],
    ['ddl, role', ['ddl', 'role']],
    ['all', ['ddl', 'function', 'misc', 'misc_set', 'read', 'role', 'write']],
    ['all,-read', ['ddl', 'function', 'misc', 'misc_set', 'role', 'write']],
    ['misc', ['misc', 'misc_set']],
  ])('%s', (value, classes) => {
    expect(pgauditClasses(value)).toEqual(classes);
  });
});
