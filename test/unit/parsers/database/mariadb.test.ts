// MariaDB / MySQL audit facts from `mariadb -N -B` answers (live) and my_print_defaults (option files).
import { describe, expect, it } from 'vitest';
import { auditEvents, auditLogFiles, mariadbFacts } from '../../../../src/parsers/database/mariadb.js';
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

// As MariaDB 10.11 answers (RECIPES §10), tab-separated.
const AUDIT = [
  'server_audit_events\tCONNECT,QUERY_DDL,QUERY_DCL,TABLE',
  'server_audit_file_path\tserver_audit.log',
  'server_audit_file_rotate_size\t1000000',
  'server_audit_file_rotations\t9',
  'server_audit_logging\tON',
  'server_audit_output_type\tfile',
].join('\n');
const LOGS = [
  'datadir\t/var/lib/mysql/',
  'general_log\tOFF',
  'log_error\t/var/log/mysql/error.log',
  'log_warnings\t2',
].join('\n');
const PLUGINS = 'SERVER_AUDIT\tACTIVE\tserver_audit.so\tON\n';

describe('mariadb-audit facts', () => {
  it('reads the live variables and plugins', () => {
    const f = mariadbFacts({
      'mariadb-audit-variables': ok(AUDIT),
      'mariadb-log-variables': ok(LOGS),
      'mariadb-plugins': ok(PLUGINS),
      'db-shipper-configs': ok(''),
    });
    expect(f).toMatchObject({
      origin: 'live',
      plugin: 'server_audit',
      logging: true,
      event_connect: true,
      event_ddl: true,
      event_dcl: true,
      event_dml: false,
      event_table: true,
    });
    expect(f.audit_files).toEqual(['/var/lib/mysql/server_audit.log']);
    expect(f).toMatchObject({ general_log: false, failed_logins_error_log: true, forwarded: false });
  });

  it('reads the rotation settings (zero rotations keeps no older file)', () => {
    const f = mariadbFacts({
      'mariadb-audit-variables': ok(AUDIT.replace('rotations\t9', 'rotations\t0')),
      'mariadb-log-variables': ok(LOGS),
      'mariadb-plugins': ok(PLUGINS),
    });
    expect(f).toMatchObject({ rotate_size: 1000000, rotations: 0 });
  });

  it('an ACTIVE plugin with logging OFF is loaded but not logging', () => {
    const f = mariadbFacts({
      'mariadb-audit-variables': ok(AUDIT.replace('logging\tON', 'logging\tOFF')),
      'mariadb-log-variables': ok(LOGS),
      'mariadb-plugins': ok(PLUGINS),
    });
    expect(f).toMatchObject({ plugin_loaded: true, logging: false });
  });

  it('recognises MySQL Enterprise / Percona audit_log and its policy', () => {
    const f = mariadbFacts({
      'mariadb-audit-variables': ok('audit_log_file\taudit.log\naudit_log_policy\tLOGINS\naudit_log_format\tJSON'),
      'mariadb-log-variables': ok('datadir\t/var/lib/mysql/\nlog_error_verbosity\t3'),
      'mariadb-plugins': ok('audit_log\tACTIVE\taudit_log.so\tON\n'),
    });
    expect(f).toMatchObject({ plugin: 'audit_log', logging: true, failed_logins_error_log: true });
    expect(f.audit_files).toEqual(['/var/lib/mysql/audit.log']);
  });

  it('falls back to the option files (my_print_defaults), loose_ prefixes and dashes normalised', () => {
    const f = mariadbFacts({
      'mariadb-audit-variables': failed('no connection declared'),
      'mariadb-config': ok(
        '--datadir=/var/lib/mysql\n--plugin-load-add=server_audit\n--loose-server-audit-logging=ON\n--server_' +
          'audit_events=CONNECT,QUERY\n--server_audit_output_type=syslog\n',
      ),
      'db-shipper-configs': ok(
        '==> /etc/rsyslog.d/90-forward.conf <==\naction(type="omfwd" target="siem" port="514" protocol="tcp")\n',
      ),
    });
    expect(f).toMatchObject({
      origin: 'config',
      plugin_loaded: true,
      logging: true,
      event_dml: true,
      output_type: 'syslog',
      forwarded: true,
    });
  });

  it('a file nothing ships is not forwarded; one a shipper reads is', () => {
    const base = {
      'mariadb-audit-variables': ok(AUDIT),
      'mariadb-log-variables': ok(LOGS),
      'mariadb-plugins': ok(PLUGINS),
    };
    expect(
      mariadbFacts({ ...base, 'db-shipper-configs': ok('==> /etc/rsyslog.conf <==\n*.* /var/log/syslog\n') }).forwarded,
    ).toBe(false);
    const imfile =
      '==> /etc/rsyslog.d/50-mariadb.conf <==\ninput(type="imfile" File="/var/lib/mysql/server_audit.log" ' +
      'Tag="mariadb-audit")\n';
    expect(mariadbFacts({ ...base, 'db-shipper-configs': ok(imfile) }).forwarded_by).toEqual([
      '/etc/rsyslog.d/50-mariadb.conf',
    ]);
  });
});

describe('server_audit events and files', () => {
  it('an empty event list means every event; QUERY covers the three query classes', () => {
    expect(auditEvents('')).toContain('QUERY_DML');
    expect(auditEvents('CONNECT,QUERY')).toEqual(['CONNECT', 'QUERY', 'QUERY_DCL', 'QUERY_DDL', 'QUERY_DML']);
  });
  it('a relative audit file is inside datadir, syslog output is searched in the syslog files', () => {
    expect(auditLogFiles({ server_audit_file_path: 'audit/', datadir: '/data/' })).toEqual([
      '/data/audit/server_audit.log',
    ]);
    expect(auditLogFiles({ server_audit_output_type: 'SYSLOG' })).toEqual(['/var/log/syslog', '/var/log/messages']);
  });
});
