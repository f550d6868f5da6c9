// PostgreSQL audit settings as facts, from the live server (pg_settings, pg_db_role_setting) when a read-only
// connection answered, else from the configuration files read through the host (postgresql.conf and its includes).
import { InconclusiveError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { splitSections } from '../../util/file-sections.js';
import { defineParser } from '../define.js';
import { shipperFacts } from './forwarding.js';

/** The settings the checks read; pg_settings is asked for exactly these. */
export const PG_SETTINGS = [
  'shared_preload_libraries',
  'pgaudit.log',
  'pgaudit.log_parameter',
  'pgaudit.log_relation',
  'pgaudit.role',
  'log_connections',
  'log_disconnections',
  'log_line_prefix',
  'log_statement',
  'log_min_duration_statement',
  'log_destination',
  'logging_collector',
  'log_directory',
  'log_filename',
  'log_file_mode',
  'log_rotation_age',
  'log_rotation_size',
  'log_truncate_on_rotation',
  'syslog_ident',
  'data_directory',
] as const;

/** PostgreSQL's defaults for what a configuration file may leave unset (PostgreSQL 15). */
const DEFAULTS: Record<string, string> = {
  shared_preload_libraries: '',
  'pgaudit.log': 'none',
  log_connections: 'off',
  log_disconnections: 'off',
  log_line_prefix: '%m [%p] ',
  log_statement: 'none',
  log_min_duration_statement: '-1',
  log_destination: 'stderr',
  logging_collector: 'off',
  log_directory: 'log',
  log_filename: 'postgresql-%Y-%m-%d_%H%M%S.log',
  log_file_mode: '0600',
  log_rotation_age: '1d',
  log_rotation_size: '10MB',
  log_truncate_on_rotation: 'off',
};

export interface PgSettings {
  origin: 'live' | 'config';
  values: Record<string, string>;
  /** Where each value came from (pg_settings.source, or the file that set it). */
  sources: Record<string, string>;
  /** Per-role / per-database overrides from pg_db_role_setting (live only). */
  overrides: { role: string; database: string; name: string; value: string }[];
}

function on(v: string | undefined): boolean {
  return /^(on|true|yes|1)$/i.test((v ?? '').trim());
}

/** `name = value` lines of postgresql.conf (later ones win, as in PostgreSQL). */
function parseConf(files: { path: string; text: string }[]): {
  values: Record<string, string>;
  sources: Record<string, string>;
} {
  const values: Record<string, string> = {};
  const sources: Record<string, string> = {};
  for (const f of files) {
    for (const raw of f.text.split('\n')) {
      const m = /^\s*([A-Za-z_][\w.]*)\s*=?\s*('(?:[^'\\]|''|\\.)*'|[^#\s]+)/.exec(raw);
      if (!m || /^include/.test(m[1]!)) continue;
      let v = m[2]!;
      if (v.startsWith("'")) v = v.slice(1, -1).replace(/''/g, "'");
      values[m[1]!.toLowerCase()] = v;
      sources[m[1]!.toLowerCase()] = f.path;
    }
  }
  return { values, sources };
}

/** `name|setting|source` rows of psql -A -t -F'|'. */
function parseRows(stdout: string, width: number): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      const parts = l.split('|');
      // The last column may itself hold '|' (log_line_prefix): join the rest back.
      return [...parts.slice(0, width - 1), parts.slice(width - 1).join('|')];
    });
}

const answered = (r: ProbeResult | undefined): boolean => Boolean(r && !r.error && r.exitCode === 0);

/** The settings: live when pg-settings answered, else the configuration files, else inconclusive. */
export function pgSettings(outputs: Record<string, ProbeResult>): PgSettings {
  const live = outputs['pg-settings'];
  if (answered(live)) {
    const values: Record<string, string> = {};
    const sources: Record<string, string> = {};
    for (const [name, setting, source] of parseRows(live.stdout, 3)) {
      values[name!] = setting ?? '';
      sources[name!] = source ?? '';
    }
    const roles = outputs['pg-role-settings'];
    const overrides = answered(roles)
      ? parseRows(roles.stdout, 3).flatMap(([role, database, setting]) => {
          const eq = (setting ?? '').indexOf('=');
          return eq > 0
            ? [{ role: role!, database: database!, name: setting!.slice(0, eq), value: setting!.slice(eq + 1) }]
            : [];
        })
      : [];
    return { origin: 'live', values, sources, overrides };
  }
  const conf = outputs['pg-config-files'];
  if (answered(conf) && conf.stdout.trim() !== '') {
    const files = splitSections(conf.stdout).files;
    const { values, sources } = parseConf(files);
    for (const [k, v] of Object.entries(DEFAULTS)) {
      if (!(k in values)) {
        values[k] = v;
        sources[k] = 'default';
      }
    }
    return { origin: 'config', values, sources, overrides: [] };
  }
  const why = [live?.error?.message ?? live?.stderr.trim(), conf?.error?.message ?? conf?.stderr.trim()]
    .filter(Boolean)
    .join('; ');
  throw new InconclusiveError(
    `PostgreSQL settings not read: no live answer and no configuration file (${why || 'not collected'})`,
  );
}

const PGAUDIT_CLASSES = ['read', 'write', 'function', 'role', 'ddl', 'misc', 'misc_set', 'all'];

/** pgaudit.log as the set of classes it enables ("all, -misc" style subtraction included). */
export function pgauditClasses(value: string): string[] {
  const set = new Set<string>();
  for (const item of value.split(',').map((s) => s.trim().toLowerCase())) {
    if (!item || item === 'none') continue;
    const minus = item.startsWith('-');
    const name = minus ? item.slice(1) : item;
    const expand =
      name === 'all' ? PGAUDIT_CLASSES.filter((c) => c !== 'all') : name === 'misc' ? ['misc', 'misc_set'] : [name];
    for (const c of expand) minus ? set.delete(c) : set.add(c);
  }
  return [...set].sort();
}

function splitList(v: string | undefined): string[] {
  return (v ?? '')
    .split(',')
    .map((s) => s.trim().replace(/^"|"$/g, '').toLowerCase())
    .filter(Boolean);
}

const TIME_UNITS_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, min: 60_000, h: 3_600_000, d: 86_400_000 };

/** A PostgreSQL time setting in ms ('1d', '250ms', or a bare number in the setting's own unit); NaN when unreadable. */
export function pgDurationMs(value: string | undefined, bareUnit: 'ms' | 'min'): number {
  const m = /^\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|min|h|d)?\s*$/.exec(value ?? '');
  if (!m) return Number.NaN;
  const n = Number(m[1]);
  return n < 0 ? n : n * TIME_UNITS_MS[m[2] ?? bareUnit]!;
}

/** A PostgreSQL size setting in kB ('10MB', or a bare number in kB as pg_settings gives it); NaN when unreadable. */
export function pgSizeKb(value: string | undefined): number {
  const m = /^\s*(\d+)\s*(B|kB|MB|GB|TB)?\s*$/.exec(value ?? '');
  if (!m) return Number.NaN;
  const factor = { B: 1 / 1024, kB: 1, MB: 1024, GB: 1024 ** 2, TB: 1024 ** 3 }[m[2] ?? 'kB']!;
  return Number(m[1]) * factor;
}

/**
 * How long a record stays in the server's own log files before a time-based rotation truncates the file it is in
 * (log_truncate_on_rotation reuses a name once log_filename's strftime escapes come round again), in hours;
 * null: never overwritten (nothing in PostgreSQL deletes old files).
 */
export function pgLocalRetentionHours(filename: string, truncate: boolean, rotationAgeMs: number): number | null {
  if (!truncate) return null;
  const has = (escapes: string) => new RegExp(`%[${escapes}]`).test(filename);
  if (has('YGgscxDF')) return null; // the year (or epoch seconds) is in the name: it never comes round again
  if (has('mbBhjUVW')) return 365 * 24;
  if (has('de')) return 28 * 24; // day of month: the shortest month
  if (has('aAuw')) return 7 * 24;
  if (has('HIkl')) return 24;
  if (has('M')) return 1;
  // A fixed name: every time-based rotation truncates the one file.
  return rotationAgeMs > 0 ? rotationAgeMs / 3_600_000 : null;
}

/** The facts of every PostgreSQL check. */
export function postgresqlFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const s = pgSettings(outputs);
  const v = s.values;
  const preload = v.shared_preload_libraries;
  // A read-only role without pg_read_all_settings does not see shared_preload_libraries at all.
  const preloadKnown = preload !== undefined;
  const classes = pgauditClasses(v['pgaudit.log'] ?? 'none');
  const offRoles = s.overrides.filter((o) => o.name === 'pgaudit.log' && pgauditClasses(o.value).length === 0);
  const prefix = v.log_line_prefix ?? '';
  const destinations = splitList(v.log_destination);
  const collector = on(v.logging_collector);
  const mode = v.log_file_mode ?? '';
  const origin =
    s.origin === 'live'
      ? 'read from the live server (pg_settings)'
      : 'read from the configuration files (no live connection)';
  const files = logFiles(s);
  const minDuration = pgDurationMs(v.log_min_duration_statement ?? '-1', 'ms');
  const rotationAgeMs = pgDurationMs(v.log_rotation_age ?? '1d', 'min');
  const rotationSizeKb = pgSizeKb(v.log_rotation_size ?? '10MB');
  const rotates = rotationAgeMs > 0 || rotationSizeKb > 0;
  const truncate = on(v.log_truncate_on_rotation);
  const retention = pgLocalRetentionHours(v.log_filename ?? '', truncate, rotationAgeMs);
  const shipping = shipperFacts(
    outputs['db-shipper-configs'],
    destinations.includes('syslog'),
    files.filter((f) => f.endsWith('/*')).map((f) => f.slice(0, -1)),
  );
  return {
    origin: s.origin,
    settings: v,
    pgaudit_known: preloadKnown,
    pgaudit_loaded: splitList(preload).includes('pgaudit'),
    pgaudit_classes: classes,
    pgaudit_ddl: classes.includes('ddl'),
    pgaudit_role: classes.includes('role'),
    pgaudit_write: classes.includes('write'),
    pgaudit_read: classes.includes('read'),
    pgaudit_misc_set: classes.includes('misc_set'),
    pgaudit_log_relation: on(v['pgaudit.log_relation']),
    pgaudit_log_parameter: on(v['pgaudit.log_parameter']),
    pgaudit_object_role: v['pgaudit.role'] ?? '',
    roles_known: s.origin === 'live' && answered(outputs['pg-role-settings']),
    roles_audit_off: offRoles.map((o) => `${o.role}@${o.database}`),
    log_connections: on(v.log_connections),
    log_disconnections: on(v.log_disconnections),
    log_line_prefix: prefix,
    prefix_user: prefix.includes('%u'),
    prefix_database: prefix.includes('%d'),
    prefix_client: /%[hr]/.test(prefix),
    prefix_session: prefix.includes('%c'),
    log_statement: (v.log_statement ?? 'none').toLowerCase(),
    log_min_duration_statement: minDuration,
    log_rotation_age_min: rotationAgeMs / 60_000,
    log_rotation_size_kb: rotationSizeKb,
    log_rotates: rotates,
    log_truncate_on_rotation: truncate,
    local_retention_hours: retention,
    destinations,
    logging_collector: collector,
    log_files: files,
    log_file_mode: mode,
    log_file_mode_private: /^0?[0-7]{3}$/.test(mode) && (Number.parseInt(mode, 8) & 0o007) === 0,
    forwarded: shipping.forwarded,
    forwarded_by: shipping.by,
    why: {
      origin,
      loaded: !preloadKnown
        ? 'shared_preload_libraries is not visible to this role: GRANT pg_read_all_settings to it'
        : `shared_preload_libraries = '${preload}' (${origin})`,
      classes:
        `pgaudit.log = '${v['pgaudit.log'] ?? 'none'}' ` +
        `(${origin}${s.sources['pgaudit.log'] ? `, source: ${s.sources['pgaudit.log']}` : ''})`,
      roles:
        s.origin !== 'live'
          ? 'per-role settings are only visible over a live connection (pg_db_role_setting)'
          : offRoles.length > 0
            ? `pgaudit.log = none for ${offRoles.map((o) => `${o.role} (database ${o.database})`).join(', ')}`
            : 'no role or database switches pgaudit.log off',
      prefix: `log_line_prefix = '${prefix}' (${origin})`,
      destination:
        `log_destination = '${v.log_destination ?? ''}', logging_collector = ${v.logging_collector ?? '?'}; ` +
        `${shipping.why}`,
      statement: `log_statement = '${v.log_statement ?? 'none'}'`,
      mode: `log_file_mode = ${mode || '(unknown)'}`,
      rotation:
        `log_rotation_age = ${v.log_rotation_age ?? '?'}, log_rotation_size = ${v.log_rotation_size ?? '?'}` +
        `, log_truncate_on_rotation = ${v.log_truncate_on_rotation ?? 'off'}` +
        `, log_filename = '${v.log_filename ?? ''}'` +
        (retention === null
          ? ': old files are never overwritten by PostgreSQL (their deletion is up to the host)'
          : `: a record is overwritten after about ${retention} h (log_filename comes round again and is truncated)`),
      min_duration:
        `log_min_duration_statement = ${v.log_min_duration_statement ?? '-1'}` +
        (minDuration === 0
          ? ': every statement is logged with its text and duration (volume, literals)'
          : minDuration < 0
            ? ': no statement is logged for its duration (a pg_sleep() time-based injection leaves no duration line)'
            : ` (${minDuration} ms)`),
      parameter:
        `pgaudit.log_parameter = ${v['pgaudit.log_parameter'] ?? 'off'}` +
        (on(v['pgaudit.log_parameter'])
          ? ': bind parameter values (passwords, personal data an application passes as parameters)' +
            ' are written to the audit log'
          : ': parameter values are not logged (<not logged>); the statement text still is'),
    },
  };
}

/** Where the server writes its log: the collector's directory (relative to data_directory) or syslog. */
export function logFiles(s: Pick<PgSettings, 'values'>): string[] {
  const v = s.values;
  const out: string[] = [];
  const destinations = splitList(v.log_destination);
  if (on(v.logging_collector) && v.log_directory) {
    const dir = v.log_directory.startsWith('/')
      ? v.log_directory
      : v.data_directory
        ? `${v.data_directory}/${v.log_directory}`
        : '';
    if (dir) out.push(`${dir.replace(/\/+$/, '')}/*`);
  }
  if (destinations.includes('syslog')) out.push('/var/log/syslog', '/var/log/messages');
  // Debian's pg_ctlcluster sends stderr to /var/log/postgresql when the collector is off.
  if (!on(v.logging_collector)) out.push('/var/log/postgresql/*');
  return out;
}

export const postgresqlParser = defineParser({
  name: 'postgresql-audit',
  probes: ['pg-settings', 'pg-role-settings', 'pg-config-files', 'db-shipper-configs'],
  facts: [
    'origin',
    'settings',
    'pgaudit_known',
    'pgaudit_loaded',
    'pgaudit_classes',
    'pgaudit_ddl',
    'pgaudit_role',
    'pgaudit_write',
    'pgaudit_read',
    'pgaudit_misc_set',
    'pgaudit_log_relation',
    'pgaudit_log_parameter',
    'pgaudit_object_role',
    'roles_known',
    'roles_audit_off',
    'log_connections',
    'log_disconnections',
    'log_line_prefix',
    'prefix_user',
    'prefix_database',
    'prefix_client',
    'prefix_session',
    'log_statement',
    'log_min_duration_statement',
    'log_rotation_age_min',
    'log_rotation_size_kb',
    'log_rotates',
    'log_truncate_on_rotation',
    'local_retention_hours',
    'destinations',
    'logging_collector',
    'log_files',
    'log_file_mode',
    'log_file_mode_private',
    'forwarded',
    'forwarded_by',
    'why',
  ],
  parse: (outputs) => postgresqlFacts(outputs),
});

/** Table names that usually hold what an attacker is after; object auditing should cover them. */
const SENSITIVE_TABLE = new RegExp(
  'user|account|customer|client|member|employee|patient|passw|credential|secret|token|session|card|payment|' +
    'billing|invoice|order|salary|payroll|ssn|pii|personal|email|phone',
  'i',
);

/**
 * pgaudit object auditing (pgaudit.role): `schema|table|privileges the audit role holds` rows of the pg-object-audit
 * query, for the database the connection names. Sensitive tables are recognised by name.
 */
export function postgresqlObjectAuditFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const base = postgresqlFacts(outputs);
  const role = String(base.pgaudit_object_role ?? '').trim();
  const r = outputs['pg-object-audit'];
  if (!answered(r))
    throw new InconclusiveError(
      `pg-object-audit: ${r?.error?.message ?? (r?.stderr.trim() || 'not collected')} ` +
        '(the tables and the audit role grants are read over a live connection only)',
    );
  const tables = parseRows(r!.stdout, 3).map(([schema, table, privileges]) => ({
    name: `${schema}.${table}`,
    privileges: (privileges ?? '').split(',').filter(Boolean),
  }));
  const covered = tables.filter((t) => t.privileges.length > 0).map((t) => t.name);
  const sensitive = tables
    .filter((t) => SENSITIVE_TABLE.test(t.name.slice(t.name.indexOf('.') + 1)))
    .map((t) => t.name);
  const uncovered = sensitive.filter((t) => !covered.includes(t));
  const session = base.pgaudit_read === true && base.pgaudit_write === true;
  return {
    pgaudit_loaded: base.pgaudit_loaded,
    session_read_write: session,
    object_role: role,
    tables: tables.length,
    covered,
    sensitive,
    uncovered,
    why:
      (role === ''
        ? 'pgaudit.role is not set: no object audit'
        : `pgaudit.role = '${role}' holds privileges on ${covered.length > 0 ? covered.join(', ') : 'no table'}`) +
      `; ${sensitive.length} table(s) named like sensitive data of ${tables.length}` +
      (uncovered.length > 0 ? `, not covered: ${uncovered.slice(0, 20).join(', ')}` : '') +
      (session ? '; session logging already records every READ and WRITE' : ''),
  };
}

export const postgresqlObjectAuditParser = defineParser({
  name: 'postgresql-object-audit',
  probes: ['pg-settings', 'pg-role-settings', 'pg-config-files', 'db-shipper-configs', 'pg-object-audit'],
  facts: ['pgaudit_loaded', 'session_read_write', 'object_role', 'tables', 'covered', 'sensitive', 'uncovered', 'why'],
  parse: (outputs) => postgresqlObjectAuditFacts(outputs),
});
