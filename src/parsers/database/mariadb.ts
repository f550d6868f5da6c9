// MariaDB / MySQL audit settings as facts: the server_audit plugin (MariaDB; MySQL Enterprise and Percona's
// audit_log are recognised by name), general_log and failed-login logging, from the live server (SHOW GLOBAL
// VARIABLES, information_schema.PLUGINS) when the read-only login answered, else from the option files
// (my_print_defaults, which follows !include and !includedir as the server does).
import { InconclusiveError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { defineParser } from '../define.js';
import { shipperFacts } from './forwarding.js';

const answered = (r: ProbeResult | undefined): boolean => Boolean(r && !r.error && r.exitCode === 0);

/** `name<TAB>value` rows of `mariadb -N -B`. */
function rows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => l.split('\t'));
}

export interface MariadbSettings {
  origin: 'live' | 'config';
  values: Record<string, string>;
  /** Active audit plugins (PLUGIN_NAME lower-case), or the ones the option files load. */
  plugins: string[];
}

/** `--name=value` lines of my_print_defaults, with '-' and '_' equivalent as the server treats them. */
function parseOptions(stdout: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(line.trim());
    if (!m) continue;
    const name = m[1]!
      .replace(/-/g, '_')
      .toLowerCase()
      .replace(/^loose_/, '');
    const value = m[2] ?? 'ON';
    out[name] = name === 'plugin_load_add' && out[name] ? `${out[name]};${value}` : value;
  }
  return out;
}

export function mariadbSettings(outputs: Record<string, ProbeResult>): MariadbSettings {
  const audit = outputs['mariadb-audit-variables'];
  const logs = outputs['mariadb-log-variables'];
  if (answered(audit) || answered(logs)) {
    const values: Record<string, string> = {};
    for (const r of [audit, logs])
      if (answered(r)) for (const [k, v] of rows(r.stdout)) values[k!.toLowerCase()] = v ?? '';
    const plugins = answered(outputs['mariadb-plugins'])
      ? rows(outputs['mariadb-plugins'].stdout)
          .filter(([, status]) => status === 'ACTIVE')
          .map(([name]) => name!.toLowerCase())
      : [];
    return { origin: 'live', values, plugins };
  }
  const conf = outputs['mariadb-config'];
  if (answered(conf) && conf.stdout.trim() !== '') {
    const values = parseOptions(conf.stdout);
    const load = `${values.plugin_load_add ?? ''};${values.plugin_load ?? ''}`;
    const plugins = [...load.matchAll(/(server_audit|audit_log)/g)].map((m) => m[1]!);
    // server_audit's defaults when the option files leave a variable unset.
    values.server_audit_logging ??= 'OFF';
    values.server_audit_events ??= '';
    values.server_audit_output_type ??= 'file';
    values.server_audit_file_path ??= 'server_audit.log';
    values.general_log ??= 'OFF';
    return { origin: 'config', values, plugins: [...new Set(plugins)] };
  }
  const why = [audit?.error?.message ?? audit?.stderr.trim(), conf?.error?.message ?? conf?.stderr.trim()]
    .filter(Boolean)
    .join('; ');
  throw new InconclusiveError(
    `MariaDB/MySQL settings not read: no live answer and no option files (${why || 'not collected'})`,
  );
}

const on = (v: string | undefined) => /^(on|1|true|yes)$/i.test((v ?? '').trim());

/** server_audit_events as the event classes it logs; empty means every event (the plugin's documented default). */
export function auditEvents(value: string): string[] {
  const list = value
    .split(',')
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const all = ['CONNECT', 'QUERY', 'QUERY_DDL', 'QUERY_DML', 'QUERY_DML_NO_SELECT', 'QUERY_DCL', 'TABLE'];
  if (list.length === 0) return all;
  const set = new Set(list);
  if (set.has('QUERY')) for (const q of ['QUERY_DDL', 'QUERY_DML', 'QUERY_DCL']) set.add(q);
  return [...set].sort();
}

/** Where the audit records land: the audit file (relative to datadir) or syslog. */
export function auditLogFiles(values: Record<string, string>): string[] {
  const type = (values.server_audit_output_type ?? values.audit_log_handler ?? 'file').toLowerCase();
  if (type === 'syslog') return ['/var/log/syslog', '/var/log/messages'];
  let path = values.server_audit_file_path || values.audit_log_file || 'server_audit.log';
  const datadir = (values.datadir ?? '').replace(/\/+$/, '');
  // A path naming a directory gets the plugin's default file name inside it.
  if (path.endsWith('/')) path += 'server_audit.log';
  if (!path.startsWith('/')) path = datadir ? `${datadir}/${path}` : '';
  return path ? [path] : [];
}

export function mariadbFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const s = mariadbSettings(outputs);
  const v = s.values;
  const plugin = s.plugins.find((p) => p === 'server_audit' || p === 'audit_log') ?? '';
  const events = auditEvents(v.server_audit_events ?? '');
  const outputType = (v.server_audit_output_type ?? 'file').toLowerCase();
  const files = auditLogFiles(v);
  // Syslog output is judged by the syslog daemon's forwarding, not by who reads /var/log.
  const dirs = outputType === 'syslog' ? [] : files.map((f) => f.replace(/\/[^/]*$/, '/'));
  const shipping = shipperFacts(outputs['db-shipper-configs'], outputType === 'syslog', dirs);
  const warnings = Number(v.log_warnings ?? Number.NaN);
  const verbosity = Number(v.log_error_verbosity ?? Number.NaN);
  const origin =
    s.origin === 'live'
      ? 'read from the live server (SHOW GLOBAL VARIABLES, information_schema.PLUGINS)'
      : 'read from the option files (my_print_defaults; no live connection)';
  // MySQL Enterprise / Percona audit_log logs by policy rather than server_audit_logging.
  const logging =
    plugin === 'audit_log' ? (v.audit_log_policy ?? 'ALL').toUpperCase() !== 'NONE' : on(v.server_audit_logging);
  return {
    origin: s.origin,
    settings: v,
    plugin,
    plugin_loaded: plugin !== '',
    logging,
    events,
    event_connect: events.includes('CONNECT'),
    event_ddl: events.includes('QUERY_DDL'),
    event_dcl: events.includes('QUERY_DCL'),
    event_dml: events.includes('QUERY_DML'),
    event_table: events.includes('TABLE'),
    output_type: outputType,
    audit_files: files,
    rotate_size: Number(v.server_audit_file_rotate_size ?? 0),
    rotations: Number(v.server_audit_file_rotations ?? 0),
    general_log: on(v.general_log),
    // MariaDB writes "Access denied" to the error log when log_warnings >= 2 (default 2); MySQL 8 at verbosity 3.
    failed_logins_error_log:
      (Number.isFinite(warnings) && warnings >= 2) || (Number.isFinite(verbosity) && verbosity >= 3),
    failed_logins_known: Number.isFinite(warnings) || Number.isFinite(verbosity),
    forwarded: shipping.forwarded,
    forwarded_by: shipping.by,
    why: {
      origin,
      plugin: plugin
        ? `${plugin} is ${s.origin === 'live' ? 'ACTIVE' : 'loaded by the option files'} (${origin})`
        : 'no audit plugin ' +
          `${s.origin === 'live' ? 'is ACTIVE in information_schema.PLUGINS' : 'is loaded by the option files'}`,
      logging:
        plugin === 'audit_log'
          ? `audit_log_policy = ${v.audit_log_policy ?? 'ALL'}`
          : `server_audit_logging = ${v.server_audit_logging ?? '(unset)'} (${origin})`,
      events:
        'server_audit_events = ' +
        `'${v.server_audit_events ?? ''}'${(v.server_audit_events ?? '') === '' ? ' (empty: every event)' : ''}`,
      output:
        `server_audit_output_type = ${outputType}, records at ${files.join(', ') || '(unknown)'}; ` + `${shipping.why}`,
      general_log: `general_log = ${v.general_log ?? '(unknown)'}`,
      failed_logins:
        `log_warnings = ${v.log_warnings ?? '(unset)'}, log_error_verbosity = ` +
        `${v.log_error_verbosity ?? '(unset)'}`,
    },
  };
}

export const mariadbParser = defineParser({
  name: 'mariadb-audit',
  probes: [
    'mariadb-audit-variables',
    'mariadb-plugins',
    'mariadb-log-variables',
    'mariadb-config',
    'db-shipper-configs',
  ],
  facts: [
    'origin',
    'settings',
    'plugin',
    'plugin_loaded',
    'logging',
    'events',
    'event_connect',
    'event_ddl',
    'event_dcl',
    'event_dml',
    'event_table',
    'output_type',
    'audit_files',
    'rotate_size',
    'rotations',
    'general_log',
    'failed_logins_error_log',
    'failed_logins_known',
    'forwarded',
    'forwarded_by',
    'why',
  ],
  parse: (outputs) => mariadbFacts(outputs),
});
