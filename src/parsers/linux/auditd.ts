// auditctl -s (status of the kernel audit subsystem), auditd.conf and the kernel command line.
import { InconclusiveError, ParseError } from '../../checks/types.js';
import type { ProbeResult } from '../../transport/types.js';
import { parseKeyValue, permissionProblem } from './util.js';

export interface AuditStatus {
  enabled: number;
  failure?: number;
  pid?: number;
  rate_limit?: number;
  backlog_limit?: number;
  lost?: number;
  backlog?: number;
  backlog_wait_time?: number;
  loginuid_immutable?: number;
}

/**
 * Parses `auditctl -s`: audit 3.x prints `name value` lines, audit 2.x one `AUDIT_STATUS: enabled=1 flag=1 ...` line.
 */
export function parseAuditStatus(text: string): AuditStatus {
  const values: Record<string, number> = {};
  const legacy = /AUDIT_STATUS:(.*)$/m.exec(text);
  if (legacy) {
    for (const m of legacy[1]!.matchAll(/(\w+)=(-?\d+)/g)) values[m[1] === 'flag' ? 'failure' : m[1]!] = Number(m[2]);
  } else {
    for (const raw of text.split('\n')) {
      const m = /^([a-z_]+)\s+(-?\d+)\b/.exec(raw.trim());
      if (m) values[m[1]!] = Number(m[2]);
    }
  }
  if (values.enabled === undefined) throw new ParseError('auditctl -s: no "enabled" value in the output');
  return values as unknown as AuditStatus;
}

/** Reasons auditctl could not talk to the kernel that say nothing about the host's configuration. */
const SANDBOX_RE = new RegExp(
  String.raw`Error (opening|sending).*\((Protocol not supported|Connection refused|` +
    String.raw`Operation not permitted)\)|Cannot open netlink audit socket`,
  'i',
);

/** auditctl -s / -l results: undefined when the tool is missing; InconclusiveError when not allowed to ask. */
export function auditctlText(result: ProbeResult | undefined, what: string): string | undefined {
  if (!result) throw new InconclusiveError(`${what}: not collected`);
  if (result.error) {
    if (result.error.kind === 'offline')
      throw new InconclusiveError(`${what}: the kernel cannot be asked on an offline image`);
    throw new InconclusiveError(`${what}: ${result.error.kind}: ${result.error.message}`);
  }
  const perm = permissionProblem(result);
  if (perm)
    throw new InconclusiveError(
      `${what}: not permitted (${perm}); give the audit account sudo for auditctl or scan as root`,
    );
  if (result.exitCode === 127 || /auditctl: (command )?not found/.test(result.stderr)) return undefined;
  if (SANDBOX_RE.test(result.stderr)) {
    throw new InconclusiveError(
      `${what}: the kernel audit API is not reachable from here (${result.stderr.trim().split('\n')[0]}): ` +
        'container or sandbox',
    );
  }
  return result.stdout;
}

/** auditd.conf keys lower-cased; values lower-cased where auditd treats them case-insensitively (actions). */
export function parseAuditdConf(text: string): Record<string, string> {
  const kv = parseKeyValue(text);
  for (const k of Object.keys(kv))
    if (/_action$|^flush$|^log_format$|^write_logs$|^local_events$/.test(k)) kv[k] = kv[k]!.toLowerCase();
  return kv;
}

export interface CmdlineFacts {
  /** Value of audit= (undefined when absent). */
  audit?: string;
  audit_backlog_limit?: number;
  source: 'proc' | 'grub';
}

export function parseCmdline(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(?:^|\s)([\w.-]+)(?:=("[^"]*"|\S*))?/g)) {
    if (m[1] === '--') break;
    out[m[1]!] = (m[2] ?? '').replace(/^"|"$/g, '');
  }
  return out;
}

/** audit= and audit_backlog_limit= from GRUB_CMDLINE_LINUX(_DEFAULT) in /etc/default/grub (offline images). */
export function grubCmdline(text: string): string {
  const parts: string[] = [];
  // Leading blanks: spaces and tabs only. `^\s*` may run over many empty lines from every line start (quadratic).
  for (const m of text.matchAll(/^[^\S\n\r\u2028\u2029]*GRUB_CMDLINE_LINUX(?:_DEFAULT)?\s*=\s*(["']?)(.*)\1\s*$/gm))
    parts.push(m[2]!);
  return parts.join(' ');
}
