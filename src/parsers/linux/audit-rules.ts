// Audit rules in both forms they are met in: files under /etc/audit/rules.d (what an admin wrote: comments, -k or
// -F key=, `unset`, -F path= rules, arch-less rules) and `auditctl -l` (what the kernel holds, as auditctl prints it).
// Both are parsed into one normalised rule model so coverage and "disk equals loaded" can be decided on either.
import { joinContinued } from './util.js';

export type Arch = 'b64' | 'b32';

export interface AuditField {
  name: string;
  op: string;
  value: string;
}

export interface AuditRule {
  type: 'watch' | 'syscall' | 'control';
  /** The rule as written, trimmed (one logical line). */
  text: string;
  /** exit, task, user, exclude, filesystem, io_uring (syscall rules). */
  list?: string;
  /** always, never (syscall rules). */
  action?: string;
  /** -A: inserted at the top of the list. */
  prepend?: boolean;
  /** undefined when the rule gave no -F arch= (the kernel's native arch). */
  arch?: Arch;
  syscalls: string[];
  /** Watched path (-w, -F path=, -F dir=), trailing slashes removed. */
  path?: string;
  /** The rule is a directory watch (-F dir=, or a -w path written with a trailing slash). */
  dir?: boolean;
  /** r, w, x, a in canonical order. */
  perm?: string;
  keys: string[];
  /** Every -F / -C other than arch, key, path, dir and perm. */
  fields: AuditField[];
  /** Control options (-D, -b 8192, -e 2, -f 1, --backlog_wait_time ...). */
  control?: { option: string; value?: string };
  file?: string;
  line?: number;
}

const ARCH_ALIASES: Record<string, Arch> = {
  b64: 'b64',
  b32: 'b32',
  x86_64: 'b64',
  aarch64: 'b64',
  ppc64: 'b64',
  ppc64le: 'b64',
  s390x: 'b64',
  riscv64: 'b64',
  i386: 'b32',
  i486: 'b32',
  i586: 'b32',
  i686: 'b32',
  arm: 'b32',
  armeb: 'b32',
  ppc: 'b32',
  s390: 'b32',
};

const ID_FIELDS = new Set([
  'auid',
  'uid',
  'euid',
  'suid',
  'fsuid',
  'loginuid',
  'obj_uid',
  'ouid',
  'gid',
  'egid',
  'sgid',
  'fsgid',
  'obj_gid',
]);
const FIELD_RE = /^([A-Za-z0-9_]+)(!=|>=|<=|&=|=|>|<|&)(.*)$/;

/** Canonical permission string: the letters of r, w, x, a that are present, in that order. */
export function canonicalPerm(perm: string): string {
  return ['r', 'w', 'x', 'a'].filter((c) => perm.includes(c)).join('');
}

function stripSlash(path: string): string {
  return path.length > 1 ? path.replace(/\/+$/, '') : path;
}

/** Splits a rule line into words; double or single quotes group (keys with spaces). */
export function tokenize(line: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

function canonicalFieldValue(name: string, value: string): string {
  if (ID_FIELDS.has(name) && /^(unset|-1|4294967295)$/.test(value)) return '-1';
  if (/^a[0-3]$/.test(name) && /^(0x[0-9a-f]+|\d+)$/i.test(value)) return `0x${Number(value).toString(16)}`;
  return value;
}

/** Parses one logical rule line; undefined for blank lines and comments. Throws on words it cannot read. */
export function parseRuleLine(line: string, file?: string, lineNo?: number): AuditRule | undefined {
  const text = line.trim();
  if (!text || text.startsWith('#')) return undefined;
  const words = tokenize(text);
  const rule: AuditRule = { type: 'control', text, syscalls: [], keys: [], fields: [] };
  if (file) rule.file = file;
  if (lineNo) rule.line = lineNo;
  const next = (i: number): string => {
    const w = words[i + 1];
    if (w === undefined) throw new Error(`option ${words[i]} needs a value`);
    return w;
  };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    // Options may be glued to their value: -k key / -kkey, -F arch=b64 / -Farch=b64.
    const glued = /^-([awpkSFCA])(.+)$/.exec(w);
    const opt = glued ? `-${glued[1]}` : w;
    const value = glued ? glued[2]! : undefined;
    const take = (): string => {
      if (value !== undefined) return value;
      const v = next(i);
      i++;
      return v;
    };
    switch (opt) {
      case '-w':
        rule.type = 'watch';
        {
          const p = take();
          rule.path = stripSlash(p);
          if (p.endsWith('/') && p.length > 1) rule.dir = true;
        }
        break;
      case '-p':
        rule.perm = canonicalPerm(take());
        break;
      case '-k':
        rule.keys.push(take());
        break;
      case '-a':
      case '-A': {
        rule.type = 'syscall';
        if (opt === '-A') rule.prepend = true;
        const parts = take().split(',');
        for (const part of parts) {
          if (part === 'always' || part === 'never') rule.action = part;
          else rule.list = part === 'entry' ? 'exit' : part;
        }
        break;
      }
      case '-S':
        for (const s of take().split(',')) if (s) rule.syscalls.push(s);
        break;
      case '-F':
      case '-C': {
        const raw = take();
        const m = FIELD_RE.exec(raw);
        if (!m) throw new Error(`cannot read field "${raw}"`);
        const [, name, op, val] = m as unknown as [string, string, string, string];
        if (opt === '-C') {
          rule.fields.push({ name: 'C', op: '=', value: raw });
        } else if (name === 'arch' && op === '=') {
          const arch = ARCH_ALIASES[val.toLowerCase()];
          if (!arch) throw new Error(`unknown arch "${val}"`);
          rule.arch = arch;
        } else if (name === 'key' && op === '=') rule.keys.push(val);
        else if ((name === 'path' || name === 'dir') && op === '=') {
          rule.path = stripSlash(val);
          if (name === 'dir') rule.dir = true;
        } else if (name === 'perm' && op === '=') rule.perm = canonicalPerm(val);
        else rule.fields.push({ name, op, value: canonicalFieldValue(name, val) });
        break;
      }
      default:
        if (rule.type === 'control' && /^-/.test(w)) {
          // -D, -b N, -e N, -f N, -r N, --backlog_wait_time N, --loginuid-immutable, -i, -c, --reset-lost
          const takesValue = /^(-[befr]|--backlog_wait_time)$/.test(w) || /^-[befr]\d+$/.test(w);
          const gluedNum = /^(-[befr])(\d+)$/.exec(w);
          if (gluedNum) rule.control = { option: gluedNum[1]!, value: gluedNum[2]! };
          else if (takesValue) {
            rule.control = { option: w, value: next(i) };
            i++;
          } else rule.control = { option: w };
          break;
        }
        throw new Error(`unexpected word "${w}"`);
    }
  }
  if (rule.type === 'control' && !rule.control) throw new Error('not an audit rule');
  if (rule.type === 'watch' && !rule.perm) rule.perm = 'rwxa';
  return rule;
}

export interface ParsedRules {
  rules: AuditRule[];
  /** Lines that could not be read, with where they were. */
  problems: string[];
}

/** Parses a rules file or `auditctl -l` output: comments, blank lines and trailing-backslash continuations. */
export function parseAuditRules(text: string, file?: string): ParsedRules {
  const rules: AuditRule[] = [];
  const problems: string[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    const joined = joinContinued(lines, i);
    i = joined.last;
    const line = joined.line;
    const t = line.trim();
    if (t === 'No rules' || t === '') continue;
    try {
      const rule = parseRuleLine(line, file, start + 1);
      if (rule) rules.push(rule);
    } catch (e) {
      problems.push(`${file ?? 'rules'}:${start + 1}: ${(e as Error).message}`);
    }
  }
  return { rules, problems };
}

/** True when the rule watches a path for the kernel as an -w rule would (auditctl prints these back as -w). */
function isPlainWatch(rule: AuditRule): boolean {
  if (rule.type === 'watch') return true;
  return (
    rule.list === 'exit' &&
    rule.action === 'always' &&
    rule.path !== undefined &&
    rule.perm !== undefined &&
    rule.arch === undefined &&
    (rule.syscalls.length === 0 || (rule.syscalls.length === 1 && rule.syscalls[0] === 'all')) &&
    rule.fields.length === 0
  );
}

/**
 * One string per rule that is equal for a rule as written on disk and the same rule as `auditctl -l` prints it:
 * -F path/dir+perm without arch become -w, `unset`/4294967295 become -1, syscalls and fields are sorted, trailing
 * slashes dropped. Control lines have none (they are not rules the kernel lists).
 */
export function canonicalRule(rule: AuditRule): string | undefined {
  if (rule.type === 'control') return undefined;
  const keys = [...rule.keys].sort().join(',');
  if (isPlainWatch(rule)) return `-w ${rule.path} -p ${rule.perm ?? 'rwxa'}${keys ? ` -k ${keys}` : ''}`;
  const syscalls = rule.syscalls.length === 0 ? 'all' : [...new Set(rule.syscalls)].sort().join(',');
  const fields = rule.fields.map((f) => `${f.name}${f.op}${f.value}`).sort();
  const parts = [`-a ${rule.action ?? 'always'},${rule.list ?? 'exit'}`];
  if (rule.arch) parts.push(`arch=${rule.arch}`);
  if (rule.list === 'exit' || rule.list === undefined) parts.push(`-S ${syscalls}`);
  if (rule.path !== undefined) parts.push(`${rule.dir ? 'dir' : 'path'}=${rule.path}`);
  if (rule.perm) parts.push(`perm=${rule.perm}`);
  parts.push(...fields);
  if (keys) parts.push(`key=${keys}`);
  return parts.join(' ');
}

/** What the control lines of a rules set ask for (the last of each wins, as when auditctl -R reads them). */
export function controlSettings(rules: AuditRule[]): Record<string, string | true> {
  const out: Record<string, string | true> = {};
  for (const r of rules) if (r.control) out[r.control.option] = r.control.value ?? true;
  return out;
}
