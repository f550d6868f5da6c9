// What a set of audit rules actually records, topic by topic (execve, identity files, bpf ...). A topic is covered
// when every item it needs is recorded on every arch it needs; rules that only record some users (auid>=1000),
// only failures (success=0) or one program (exe=) count, but mark the topic `filtered`, because an attacker coming
// through a daemon (auid unset) or succeeding is exactly what they miss.
import type { Arch, AuditRule } from './audit-rules.js';

export interface TopicSpec {
  id: string;
  /** System calls that must be recorded, on each arch in `archs`. */
  syscalls?: string[];
  /** Files that must be watched for writes; each item lists equivalent paths (Debian vs RHEL layouts). */
  paths?: string[][];
  archs?: Arch[];
}

export interface TopicCoverage {
  covered: boolean;
  /** Some items are recorded, not all. */
  partial: boolean;
  /** Items not recorded, e.g. "execve (b32)" or "/etc/gshadow". */
  missing: string[];
  /** Some item is recorded only by rules that filter who or what (auid, uid, exe, success, exit). */
  filtered: boolean;
  /**
   * The rules that record (part of) the topic, where they were read: the finding's decisive lines; the parser adds
   * (with the probe) what none of the rules read records.
   */
  at: { file?: string; line?: number; command?: string; probe?: string; text: string }[];
  /** Audit keys of the rules that record the topic, for searching the events. */
  keys: string[];
}

const BOTH: Arch[] = ['b64', 'b32'];

/** The coverage topics of the catalog; paths are what a default Debian or RHEL host uses. */
export const TOPICS: TopicSpec[] = [
  { id: 'execve', syscalls: ['execve'], archs: BOTH },
  { id: 'identity', paths: [['/etc/passwd'], ['/etc/shadow'], ['/etc/group'], ['/etc/gshadow']] },
  { id: 'sudoers', paths: [['/etc/sudoers'], ['/etc/sudoers.d']] },
  { id: 'ssh', paths: [['/etc/ssh/sshd_config'], ['/root/.ssh/authorized_keys']] },
  { id: 'modules', syscalls: ['init_module', 'finit_module', 'delete_module'], archs: BOTH },
  { id: 'ptrace', syscalls: ['ptrace'], archs: BOTH },
  { id: 'bpf', syscalls: ['bpf'], archs: BOTH },
  { id: 'memfd', syscalls: ['memfd_create'], archs: BOTH },
  { id: 'time', syscalls: ['adjtimex', 'settimeofday', 'clock_settime'], archs: BOTH, paths: [['/etc/localtime']] },
  { id: 'mounts', syscalls: ['mount'], archs: BOTH },
  { id: 'cron', paths: [['/etc/crontab'], ['/etc/cron.d'], ['/var/spool/cron/crontabs', '/var/spool/cron']] },
  { id: 'ld_preload', paths: [['/etc/ld.so.preload']] },
];

/**
 * Fields that narrow a rule to some subjects or outcomes. a0..a3 narrow to an operation (ptrace POKETEXT), not a
 * subject.
 */
const SUBJECT_FILTERS =
  /^(auid|uid|euid|suid|fsuid|gid|egid|sgid|fsgid|loginuid|pid|ppid|sessionid|exe|exit|success|subj_\w+|C)$/;

function isFiltered(rule: AuditRule): boolean {
  return rule.fields.some((f) => SUBJECT_FILTERS.test(f.name));
}

function recordsSyscall(rule: AuditRule, syscall: string, arch: Arch): boolean {
  if (rule.type !== 'syscall' || rule.list !== 'exit' || rule.action !== 'always') return false;
  // A rule limited to a path records calls on that path only: it is a file watch, not syscall coverage.
  if (rule.path !== undefined) return false;
  // No arch: the kernel applies the rule to its native (64-bit on today's servers) table only.
  const ruleArch = rule.arch ?? 'b64';
  if (ruleArch !== arch) return false;
  return rule.syscalls.includes(syscall) || rule.syscalls.includes('all');
}

function watchesForWrite(rule: AuditRule, path: string): boolean {
  if (rule.path === undefined) return false;
  if (rule.type === 'syscall' && (rule.list !== 'exit' || rule.action !== 'always')) return false;
  const perm = rule.perm ?? (rule.type === 'watch' || rule.syscalls.includes('all') ? 'rwxa' : '');
  if (!perm.includes('w')) return false;
  if (rule.path === path) return true;
  // A watch on a directory records changes below it (auditctl -w on a directory is recursive).
  return rule.path === '/' || path.startsWith(`${rule.path}/`);
}

export function topicCoverage(rules: AuditRule[], spec: TopicSpec): TopicCoverage {
  const missing: string[] = [];
  const keys = new Set<string>();
  let coveredItems = 0;
  let filtered = false;
  const at = new Map<string, TopicCoverage['at'][number]>();
  const note = (covering: AuditRule[]): void => {
    for (const r of covering) for (const k of r.keys) keys.add(k);
    // Loaded rules are lines of `auditctl -l`'s output; rules on disk are lines of their file.
    for (const r of covering)
      at.set(
        `${r.file}:${r.line}:${r.text}`,
        r.file && !r.file.startsWith('auditctl')
          ? { file: r.file, ...(r.line ? { line: r.line } : {}), text: r.text }
          : { command: r.file ?? 'auditctl -l', text: r.text },
      );
    if (covering.length > 0 && covering.every(isFiltered)) filtered = true;
  };
  for (const syscall of spec.syscalls ?? []) {
    for (const arch of spec.archs ?? BOTH) {
      const covering = rules.filter((r) => recordsSyscall(r, syscall, arch));
      if (covering.length === 0) missing.push(`${syscall} (${arch})`);
      else coveredItems++;
      note(covering);
    }
  }
  for (const alternatives of spec.paths ?? []) {
    const covering = rules.filter((r) => alternatives.some((p) => watchesForWrite(r, p)));
    if (covering.length === 0) missing.push(alternatives.join(' or '));
    else coveredItems++;
    note(covering);
  }
  const covered = missing.length === 0;
  return {
    covered,
    partial: !covered && coveredItems > 0,
    missing,
    filtered,
    at: [...at.values()],
    keys: [...keys].sort(),
  };
}

export function allCoverage(rules: AuditRule[]): Record<string, TopicCoverage> {
  const out: Record<string, TopicCoverage> = {};
  for (const spec of TOPICS) out[spec.id] = topicCoverage(rules, spec);
  return out;
}
