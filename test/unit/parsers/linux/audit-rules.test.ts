import { describe, expect, it } from 'vitest';
import { allCoverage, topicCoverage, TOPICS } from '../../../../src/parsers/linux/audit-coverage.js';
import {
  canonicalRule,
  controlSettings,
  parseAuditRules,
  parseRuleLine,
} from '../../../../src/parsers/linux/audit-rules.js';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import { InconclusiveError } from '../../../../src/checks/types.js';
import { fixture, ok } from '../../../fixtures/linux/hosts.js';

const ctx = { targetId: 't', kind: 'linux' as const };
const spec = (id: string) => TOPICS.find((t) => t.id === id)!;

describe('audit rule lines', () => {
  it('reads -w watches with perms and keys, dropping a trailing slash and marking the directory', () => {
    const r = parseRuleLine('-w /etc/sudoers.d/ -p aw -k actions')!;
    expect(r).toMatchObject({ type: 'watch', path: '/etc/sudoers.d', dir: true, perm: 'wa', keys: ['actions'] });
  });

  it('gives a watch without -p every permission, as auditctl -l prints it', () => {
    expect(parseRuleLine('-w /etc/ssh/sshd_config')!.perm).toBe('rwxa');
  });

  it('reads -a rules in either order of action and list, with arch aliases, repeated -S and -F key', () => {
    const r = parseRuleLine(
      '-a exit,always -F arch=x86_64 -S init_module -S finit_module,delete_module -F key=modules',
    )!;
    expect(r).toMatchObject({ type: 'syscall', list: 'exit', action: 'always', arch: 'b64', keys: ['modules'] });
    expect(r.syscalls).toEqual(['init_module', 'finit_module', 'delete_module']);
  });

  it('keeps subject filters as fields and normalises unset / 4294967295 / -1', () => {
    const a = parseRuleLine('-a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=unset -k mounts')!;
    const b = parseRuleLine('-a always,exit -F arch=b32 -S mount -F auid>=1000 -F auid!=-1 -F key=mounts')!;
    expect(a.fields).toEqual([
      { name: 'auid', op: '>=', value: '1000' },
      { name: 'auid', op: '!=', value: '-1' },
    ]);
    expect(canonicalRule(a)).toBe(canonicalRule(b));
  });

  it('reads control lines and keeps the last value of each', () => {
    const { rules } = parseAuditRules('-D\n-b 320\n-b 8192\n--backlog_wait_time 60000\n-f 1\n-e 2\n');
    expect(controlSettings(rules)).toEqual({
      '-D': true,
      '-b': '8192',
      '--backlog_wait_time': '60000',
      '-f': '1',
      '-e': '2',
    });
  });

  it('reports unreadable lines with file and line and keeps the rest', () => {
    const { rules, problems } = parseAuditRules('-w /etc/passwd -p wa\n-F\n-q bogus\n-w /etc/group -p wa\n', 'x.rules');
    expect(rules.map((r) => r.path)).toEqual(['/etc/passwd', '/etc/group']);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^x\.rules:2: /);
  });

  it('treats "No rules" from auditctl -l as an empty rule set', () => {
    expect(parseAuditRules('No rules\n')).toEqual({ rules: [], problems: [] });
  });

  it('tolerates a rule continued with a trailing backslash', () => {
    const { rules } = parseAuditRules('-a always,exit -F arch=b64 \\\n  -S bpf -k bpf\n');
    expect(rules[0]).toMatchObject({ arch: 'b64', syscalls: ['bpf'], keys: ['bpf'] });
  });
});

describe('disk rules versus auditctl -l (real captures)', () => {
  it('finds every rule of a messy RHEL rules file identical to what the kernel listed after loading it', () => {
    const disk = parseAuditRules(fixture('audit', 'rhel-stig-mixed.rules')).rules;
    const loaded = parseAuditRules(fixture('audit', 'rhel-stig-mixed.loaded.txt')).rules;
    const canon = (rs: typeof disk) => new Set(rs.map(canonicalRule).filter(Boolean));
    expect([...canon(disk)].sort()).toEqual([...canon(loaded)].sort());
    expect(canon(loaded).size).toBe(16);
  });

  it('treats -F path=/dir= with perm and no arch as the -w watch auditctl lists for it', () => {
    const disk = parseAuditRules(
      '-a always,exit -F path=/etc/shadow -F perm=wa -F key=identity\n-a always,exit -F dir=/etc/cron.d/ -F ' +
        'perm=wa -k cron',
    ).rules;
    const loaded = parseAuditRules('-w /etc/shadow -p wa -k identity\n-w /etc/cron.d/ -p wa -k cron').rules;
    expect(disk.map(canonicalRule)).toEqual(loaded.map(canonicalRule));
  });

  it('keeps path rules with an arch as syscall rules on both sides (-S all added by auditctl)', () => {
    const disk = parseRuleLine('-a always,exit -F arch=b64 -F path=/etc/passwd -F perm=wa -k id2')!;
    const loaded = parseRuleLine('-a always,exit -F arch=b64 -S all -F path=/etc/passwd -F perm=wa -F key=id2')!;
    expect(canonicalRule(disk)).toBe(canonicalRule(loaded));
    expect(canonicalRule(disk)).toMatch(/^-a always,exit arch=b64 -S all path=\/etc\/passwd perm=wa/);
  });
});

describe('coverage', () => {
  const hardened = parseAuditRules(fixture('hosts', 'hardened', 'commands', 'auditctl-rules.txt')).rules;
  const stig = parseAuditRules(fixture('audit', 'rhel-stig-mixed.loaded.txt')).rules;
  const partial = parseAuditRules(fixture('audit', 'auditctl-l-partial.txt')).rules;

  it('covers every topic on the hardened host, unfiltered execve included', () => {
    const cov = allCoverage(hardened);
    for (const [topic, c] of Object.entries(cov))
      expect({ topic, ...c }).toMatchObject({ topic, covered: true, missing: [] });
    expect(cov.execve!.filtered).toBe(false);
    expect(cov.mounts!.filtered).toBe(true);
    expect(cov.ptrace!.keys).toEqual(['code_injection', 'data_injection', 'register_injection']);
  });

  it('marks execve limited to auid>=1000 as filtered (daemons and web shells are missed)', () => {
    const c = topicCoverage(stig, spec('execve'));
    expect(c).toMatchObject({ covered: true, filtered: true, keys: ['user_exec'] });
  });

  it('names the missing arch and files on a partly covered host', () => {
    const cov = allCoverage(stig);
    expect(cov.modules).toMatchObject({ covered: false, partial: true });
    expect(cov.modules!.missing).toEqual(['init_module (b32)', 'finit_module (b32)', 'delete_module (b32)']);
    expect(cov.sudoers!.missing).toEqual(['/etc/sudoers.d']);
    expect(cov.bpf!.missing).toEqual(['bpf (b32)']);
    expect(cov.identity!.covered).toBe(true);
    expect(cov.cron!.covered).toBe(true); // /var/spool/cron also covers Debian's /var/spool/cron/crontabs
  });

  it('counts an arch-less rule for the native 64-bit table only', () => {
    const c = topicCoverage(stig, spec('time'));
    expect(c.missing).toEqual(
      expect.arrayContaining(['adjtimex (b32)', 'settimeofday (b32)', 'clock_settime (b64)', '/etc/localtime']),
    );
    expect(c.missing).not.toContain('adjtimex (b64)');
  });

  it('does not count a read-only watch as recording writes', () => {
    expect(topicCoverage(stig, spec('ld_preload')).covered).toBe(false);
  });

  it('does not count never rules, path-limited syscall rules or exclude rules as coverage', () => {
    const rules = parseAuditRules(
      '-a never,exit -F arch=b64 -S bpf\n-a always,exit -F arch=b64 -S bpf -F path=/x\n-a always,exclude -F ' +
        'msgtype=BPF',
    ).rules;
    expect(topicCoverage(rules, spec('bpf')).missing).toEqual(['bpf (b64)', 'bpf (b32)']);
  });

  it('counts a directory watch for the files below it', () => {
    const rules = parseAuditRules(
      '-w /etc/ssh/ -p wa -k ssh\n-a always,exit -F arch=b64 -S all -F dir=/root/.ssh -F perm=wa -F key=rootkey',
    ).rules;
    expect(topicCoverage(rules, spec('ssh'))).toMatchObject({ covered: true, keys: ['rootkey', 'ssh'] });
  });

  it('reads a real auditctl -l with success=0 catch-alls and a b32-only module rule', () => {
    const cov = allCoverage(partial);
    // b32 by its own rule; b64 only by `-S all -F success=0`, which records failed calls only: covered, but filtered
    expect(cov.modules).toMatchObject({ covered: true, filtered: true, keys: ['all1', 'all2', 'm'] });
    expect(cov.memfd).toMatchObject({ missing: ['memfd_create (b32)'], filtered: true });
    expect(cov.mounts!.covered).toBe(true);
  });
});

describe('auditd-rules parser', () => {
  it('reads the kernel rules and reports coverage', () => {
    const facts = linuxParsers['auditd-rules']!(
      { 'auditctl-rules': ok(fixture('audit', 'rhel-stig-mixed.loaded.txt')) },
      ctx,
    );
    expect(facts).toMatchObject({ source: 'kernel', rule_count: 16 });
    expect((facts.coverage as Record<string, { covered: boolean }>).identity!.covered).toBe(true);
  });

  it('is inconclusive, not failing, when auditctl is refused', () => {
    const refused = ok('', 4, 'You must be root to run this program.\n');
    expect(() => linuxParsers['auditd-rules']!({ 'auditctl-rules': refused }, ctx)).toThrow(InconclusiveError);
    const eperm = ok('', 255, 'Error sending rule list data request (Operation not permitted)\n');
    expect(() => linuxParsers['auditd-rules']!({ 'auditctl-rules': eperm }, ctx)).toThrow(/not permitted/);
  });

  it('reports no coverage when auditctl is not installed', () => {
    const facts = linuxParsers['auditd-rules']!({ 'auditctl-rules': ok('', 127, 'sh: 1: auditctl: not found\n') }, ctx);
    expect(facts).toMatchObject({ source: 'none', rule_count: 0 });
  });

  it('falls back to the rules on disk for an offline image', () => {
    const offline = {
      stdout: '',
      stderr: '',
      exitCode: null,
      truncated: false,
      durationMs: 0,
      error: { kind: 'offline' as const, message: 'image' },
    };
    const glob = ok(
      '==> /etc/audit/rules.d/30-bpf.rules <==\n-a always,exit -F arch=b64 -S bpf -k bpf\n-a always,exit -F ' +
        'arch=b32 -S bpf -k bpf\n',
    );
    const facts = linuxParsers['auditd-rules']!({ 'auditctl-rules': offline, 'audit-rules-d': glob }, ctx);
    expect(facts.source).toBe('/etc/audit/rules.d');
    expect((facts.coverage as Record<string, { covered: boolean }>).bpf!.covered).toBe(true);
  });
});

describe('auditd-rules-sync parser', () => {
  const disk = (text: string) => ok(`==> /etc/audit/rules.d/audit.rules <==\n${text}\n`);

  it('is in sync when the kernel lists exactly the rules on disk', () => {
    const facts = linuxParsers['auditd-rules-sync']!(
      {
        'auditctl-rules': ok(fixture('audit', 'rhel-stig-mixed.loaded.txt')),
        'audit-rules-d': disk(fixture('audit', 'rhel-stig-mixed.rules')),
        'augenrules-check': ok('/usr/sbin/augenrules: No change\n'),
      },
      ctx,
    );
    expect(facts).toMatchObject({
      in_sync: true,
      only_on_disk: [],
      only_loaded: [],
      immutable_on_disk: true,
      augenrules: 'no-change',
    });
  });

  it('lists rules that failed to load and rules added by hand', () => {
    const facts = linuxParsers['auditd-rules-sync']!(
      {
        'auditctl-rules': ok('-w /etc/passwd -p wa -k identity\n-a always,exit -F arch=b64 -S bpf -F key=manual\n'),
        'audit-rules-d': disk('-w /etc/passwd -p wa -k identity\n-w /root/.ssh/authorized_keys -p wa -k rootkey\n'),
        'augenrules-check': ok('/usr/sbin/augenrules: Rules have changed and should be updated\n'),
      },
      ctx,
    );
    expect(facts).toMatchObject({
      in_sync: false,
      only_on_disk: ['-w /root/.ssh/authorized_keys -p wa -k rootkey'],
      only_loaded: ['-a always,exit arch=b64 -S bpf key=manual'],
      augenrules: 'changed',
    });
  });

  it('uses /etc/audit/audit.rules when rules.d is empty (hosts without augenrules)', () => {
    const facts = linuxParsers['auditd-rules-sync']!(
      {
        'auditctl-rules': ok('No rules\n'),
        'audit-rules-d': ok(''),
        'audit-rules-file': ok('-D\n-b 8192\n-w /etc/shadow -p wa\n'),
      },
      ctx,
    );
    expect(facts).toMatchObject({
      disk_source: '/etc/audit/audit.rules',
      only_on_disk: ['-w /etc/shadow -p wa'],
      in_sync: false,
    });
  });
});
