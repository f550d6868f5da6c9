// The PostgreSQL log rotation, local retention, slow-statement, log_parameter and object-audit checks, decided by
// the catalog on pg_settings answers (live units: minutes, kB, ms) and on postgresql.conf dumps (units written out).
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../../src/checks/catalog.js';
import { evaluateCheck } from '../../../../src/checks/evaluate.js';
import { pgDurationMs, pgLocalRetentionHours, pgSizeKb } from '../../../../src/parsers/database/postgresql.js';
import type { ProbeResult } from '../../../../src/transport/types.js';

const catalog = loadCatalog();
const ok = (stdout: string): ProbeResult => ({ stdout, stderr: '', exitCode: 0, truncated: false, durationMs: 1 });
const none: ProbeResult = {
  ...ok(''),
  exitCode: null,
  error: { kind: 'unsupported', message: 'no connection declared' },
};

/** pg_settings rows as psql -A -t -F'|' prints them; `over` replaces or adds settings. */
function live(over: Record<string, string> = {}): string {
  const base: Record<string, string> = {
    data_directory: '/var/lib/postgresql/15/main',
    log_destination: 'stderr',
    log_directory: 'log',
    log_filename: 'postgresql-%Y-%m-%d_%H%M%S.log',
    log_min_duration_statement: '1000',
    log_rotation_age: '1440',
    log_rotation_size: '10240',
    log_truncate_on_rotation: 'off',
    logging_collector: 'on',
    'pgaudit.log': 'ddl,role,write',
    'pgaudit.log_parameter': 'off',
    'pgaudit.role': '',
    shared_preload_libraries: 'pgaudit',
    ...over,
  };
  return Object.entries(base)
    .map(([k, v]) => `${k}|${v}|configuration file\n`)
    .join('');
}

function verdict(check: string, outputs: Record<string, ProbeResult>): string {
  const def = catalog.checks.find((c) => c.id === `database.postgresql.${check}`)!;
  const f = evaluateCheck(
    def,
    { 'pg-role-settings': ok(''), 'pg-config-files': ok(''), 'db-shipper-configs': ok(''), ...outputs },
    {
      targetId: 'db',
      kind: 'database',
    },
  );
  return `${f.status}: ${f.reason ?? ''}`;
}
const liveVerdict = (check: string, over: Record<string, string>, extra: Record<string, ProbeResult> = {}) =>
  verdict(check, { 'pg-settings': ok(live(over)), ...extra });

describe('PostgreSQL setting units', () => {
  it('reads times and sizes with and without units', () => {
    expect(pgDurationMs('1d', 'min')).toBe(86_400_000);
    expect(pgDurationMs('1440', 'min')).toBe(86_400_000);
    expect(pgDurationMs('250ms', 'ms')).toBe(250);
    expect(pgDurationMs('2s', 'ms')).toBe(2000);
    expect(pgDurationMs('-1', 'ms')).toBe(-1);
    expect(pgSizeKb('10MB')).toBe(10_240);
    expect(pgSizeKb('0')).toBe(0);
  });

  it('derives how long a record stays from log_filename when truncation is on', () => {
    expect(pgLocalRetentionHours('postgresql-%a.log', true, 86_400_000)).toBe(168);
    expect(pgLocalRetentionHours('postgresql-%H.log', true, 3_600_000)).toBe(24);
    expect(pgLocalRetentionHours('postgresql-%M.log', true, 60_000)).toBe(1);
    expect(pgLocalRetentionHours('postgresql.log', true, 3_600_000)).toBe(1);
    expect(pgLocalRetentionHours('postgresql-%Y-%m-%d.log', true, 86_400_000)).toBe(null);
    expect(pgLocalRetentionHours('postgresql-%H.log', false, 3_600_000)).toBe(null);
  });
});

describe('log rotation and local retention', () => {
  it('passes a daily rotation, and fails when neither age nor size rotates', () => {
    expect(liveVerdict('log-rotation', {})).toMatch(/^pass/);
    expect(liveVerdict('log-rotation', { log_rotation_age: '0', log_rotation_size: '0' })).toMatch(
      /^fail: log_rotation_age = 0, log_rotation_size = 0/,
    );
    expect(liveVerdict('log-rotation', { logging_collector: 'off' })).toMatch(/^not-applicable/);
  });

  it('passes a week of %a files, keeps 24 hours for an hourly ring, fails a fixed name truncated hourly', () => {
    expect(
      liveVerdict('log-local-retention', {
        log_filename: 'postgresql-%a.log',
        log_truncate_on_rotation: 'on',
      }),
    ).toMatch(/^pass: .*overwritten after about 168 h/);
    expect(
      liveVerdict('log-local-retention', {
        log_filename: 'postgresql-%H%M.log',
        log_truncate_on_rotation: 'on',
        log_rotation_age: '60',
      }),
    ).toMatch(/^pass: .*after about 24 h/);
    expect(
      liveVerdict('log-local-retention', {
        log_filename: 'postgresql.log',
        log_truncate_on_rotation: 'on',
        log_rotation_age: '60',
      }),
    ).toMatch(/^fail: .*overwritten after about 1 h/);
    expect(liveVerdict('log-local-retention', {})).toMatch(/^pass: .*never overwritten by PostgreSQL/);
  });

  it('reads the same from postgresql.conf with units written out, defaults filling the rest', () => {
    const conf = ok(
      "==> /etc/postgresql/15/main/postgresql.conf <==\nlogging_collector = on\nlog_filename = 'pg-%M.log'\n" +
        'log_truncate_on_rotation = on\nlog_rotation_age = 1min\nlog_min_duration_statement = 2s\n',
    );
    expect(verdict('log-local-retention', { 'pg-settings': none, 'pg-config-files': conf })).toMatch(
      /^fail: .*log_rotation_age = 1min.*about 1 h/,
    );
    expect(verdict('log-rotation', { 'pg-settings': none, 'pg-config-files': conf })).toMatch(/^pass/);
    expect(verdict('log-min-duration-statement', { 'pg-settings': none, 'pg-config-files': conf })).toMatch(
      /^pass: .*\(2000 ms\)/,
    );
  });
});

describe('log_min_duration_statement', () => {
  it('passes 1000 ms, warns at 0 (every statement), fails when off or above a pg_sleep(5)', () => {
    expect(liveVerdict('log-min-duration-statement', {})).toMatch(/^pass/);
    expect(liveVerdict('log-min-duration-statement', { log_min_duration_statement: '0' })).toMatch(
      /^warn: .*every statement/,
    );
    expect(liveVerdict('log-min-duration-statement', { log_min_duration_statement: '-1' })).toMatch(
      /^fail: .*pg_sleep/,
    );
    expect(liveVerdict('log-min-duration-statement', { log_min_duration_statement: '10000' })).toMatch(/^fail/);
  });
});

describe('pgaudit.log_parameter', () => {
  it('passes when off, warns (secrets in the log) when on, and does not apply without pgaudit', () => {
    expect(liveVerdict('pgaudit-log-parameter', {})).toMatch(/^pass/);
    expect(liveVerdict('pgaudit-log-parameter', { 'pgaudit.log_parameter': 'on' })).toMatch(
      /^warn: .*passwords, personal data/,
    );
    expect(liveVerdict('pgaudit-log-parameter', { shared_preload_libraries: '' })).toMatch(/^not-applicable/);
  });
});

describe('pgaudit object audit role', () => {
  const grants = (rows: string) => ({ 'pg-object-audit': ok(rows) });
  it('passes when the audit role holds privileges on every sensitive-named table', () => {
    const v = liveVerdict(
      'pgaudit-object-role',
      { 'pgaudit.role': 'auditor' },
      grants('public|customers|SELECT,UPDATE\npublic|payments|SELECT\npublic|countries|\n'),
    );
    expect(v).toMatch(/^pass: pgaudit.role = 'auditor' holds privileges on public.customers, public.payments/);
  });

  it('fails naming the sensitive tables it does not cover, and when no role is set', () => {
    expect(
      liveVerdict(
        'pgaudit-object-role',
        { 'pgaudit.role': 'auditor' },
        grants('billing|card_tokens|\npublic|customers|SELECT\npublic|user_accounts|\n'),
      ),
    ).toMatch(/^fail: .*not covered: billing.card_tokens, public.user_accounts/);
    expect(liveVerdict('pgaudit-object-role', {}, grants('public|customers|\n'))).toMatch(
      /^fail: pgaudit.role is not set/,
    );
  });

  it('is not applicable under session READ+WRITE logging, and inconclusive without a connection', () => {
    expect(
      liveVerdict('pgaudit-object-role', { 'pgaudit.log': 'read,write,ddl' }, grants('public|customers|\n')),
    ).toMatch(/^not-applicable/);
    expect(
      verdict('pgaudit-object-role', {
        'pg-settings': none,
        'pg-config-files': ok("==> /x/postgresql.conf <==\nshared_preload_libraries = 'pgaudit'\n"),
        'pg-object-audit': none,
      }),
    ).toMatch(/^inconclusive/);
  });
});
