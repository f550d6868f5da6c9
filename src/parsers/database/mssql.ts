// SQL Server audit facts from sqlcmd answers (`sqlcmd -h -1 -W -s "|"`: no header, '|' between columns) of the
// documented catalog views: sys.server_audits joined with sys.dm_server_audit_status, and the server audit
// specifications with sys.server_audit_specification_details. Tested on fixtures only (no SQL Server here).
import { InconclusiveError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { defineParser } from '../define.js';

/** The action groups an investigation needs (logins, schema and role membership changes). */
export const MSSQL_REQUIRED_GROUPS = [
  'FAILED_LOGIN_GROUP',
  'SUCCESSFUL_LOGIN_GROUP',
  'SCHEMA_OBJECT_CHANGE_GROUP',
  'DATABASE_ROLE_MEMBER_CHANGE_GROUP',
  'SERVER_ROLE_MEMBER_CHANGE_GROUP',
];

function rows(r: ProbeResult | undefined, probe: string): string[][] {
  if (!r || r.error || r.exitCode !== 0)
    throw new InconclusiveError(`${probe}: ${r?.error?.message ?? (r?.stderr.trim() || 'not collected')}`);
  return r.stdout
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !/^\(\d+ rows? affected\)$/.test(l))
    .map((l) => l.split('|').map((c) => c.trim()));
}

export function mssqlFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  // name | type_desc | on_failure_desc | is_state_enabled | status_desc | audit_file_path
  const audits = rows(outputs['mssql-server-audits'], 'mssql-server-audits').map(
    ([name, type, onFailure, enabled, status, path]) => ({
      name: name!,
      target: type ?? '',
      on_failure: onFailure ?? '',
      // sqlcmd prints a bit as 1/0; socready's Invoke-Sqlcmd rendering does too (True/False accepted as well).
      enabled: /^(1|true)$/i.test(enabled ?? ''),
      status: status === 'NULL' ? '' : (status ?? ''),
      file_path: path === 'NULL' ? '' : (path ?? ''),
    }),
  );
  const running = audits.filter((a) => a.enabled && a.status === 'STARTED');
  // specification | is_state_enabled | audit_action_name | audit name
  const specs = rows(outputs['mssql-audit-specifications'], 'mssql-audit-specifications').map(
    ([spec, enabled, action, audit]) => ({
      spec: spec!,
      enabled: /^(1|true)$/i.test(enabled ?? ''),
      group: (action ?? '').toUpperCase(),
      audit: audit ?? '',
    }),
  );
  const runningNames = new Set(running.map((a) => a.name));
  const groups = [...new Set(specs.filter((s) => s.enabled && runningNames.has(s.audit)).map((s) => s.group))].sort();
  const missing = MSSQL_REQUIRED_GROUPS.filter((g) => !groups.includes(g));
  const windowsLog = running.some((a) => a.target === 'SECURITY_LOG' || a.target === 'APPLICATION_LOG');
  return {
    audits,
    running: running.length,
    targets: [...new Set(running.map((a) => a.target))],
    to_windows_log: windowsLog,
    groups,
    missing_groups: missing,
    why: {
      audits:
        audits.length === 0
          ? 'sys.server_audits is empty: no server audit exists'
          : audits
              .map(
                (a) =>
                  `${a.name}: ${a.target}, ${a.enabled ? 'enabled' : 'disabled'}, ` +
                  `${a.status || 'not running'}${a.file_path ? ` (${a.file_path})` : ''}`,
              )
              .join('; '),
      groups:
        missing.length === 0
          ? `every required action group is audited by a running audit: ${groups.join(', ')}`
          : `not audited by any running audit: ${missing.join(', ')}`,
      target:
        running.length === 0
          ? 'no running audit'
          : 'running audits write to ' +
            (`${[...new Set(running.map((a) => a.target))].join(', ')}` +
              `${windowsLog ? '' : ': files only, which the Windows event pipeline does not collect'}`),
    },
  };
}

export const mssqlParser = defineParser({
  name: 'mssql-audit',
  probes: ['mssql-server-audits', 'mssql-audit-specifications'],
  facts: ['audits', 'running', 'targets', 'to_windows_log', 'groups', 'missing_groups', 'why'],
  parse: (outputs) => mssqlFacts(outputs),
});

const AUDIT_LEVELS = ['none', 'successful logins only', 'failed logins only', 'both failed and successful logins'];

/** Login auditing from the registry answer `INSTANCE|MSSQLnn.INSTANCE|AuditLevel` (mssql-login-audit-level). */
export function mssqlLoginAuditFacts(outputs: Record<string, ProbeResult>): Record<string, unknown> {
  const line = rows(outputs['mssql-login-audit-level'], 'mssql-login-audit-level').find((r) => r.length >= 3);
  if (!line) throw new InconclusiveError('mssql-login-audit-level: the registry answer names no instance');
  const [instance, id, raw] = line;
  const level = /^[0-3]$/.test(raw ?? '') ? Number(raw) : -1;
  return {
    instance: instance!,
    level,
    failed_logins: level === 2 || level === 3,
    successful_logins: level === 1 || level === 3,
    why:
      level < 0
        ? `AuditLevel of ${id} is not set or unreadable (${raw || 'empty'})`
        : `login auditing of ${instance} (${id}): AuditLevel = ${level}, ${AUDIT_LEVELS[level]}` +
          ' (written to the SQL Server error log and the Windows Application log, event 18456 for failures)',
  };
}

export const mssqlLoginAuditParser = defineParser({
  name: 'mssql-login-auditing',
  probes: ['mssql-login-audit-level'],
  facts: ['instance', 'level', 'failed_logins', 'successful_logins', 'why'],
  parse: (outputs) => mssqlLoginAuditFacts(outputs),
});
