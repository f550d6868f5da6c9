import { describe, expect, it } from 'vitest';
import { InconclusiveError, ParseError } from '../../../../src/checks/types.js';
import { grubCmdline, parseAuditdConf, parseAuditStatus, parseCmdline } from '../../../../src/parsers/linux/auditd.js';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import { daemonState, parseServiceState } from '../../../../src/parsers/linux/services.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { fixture, ok } from '../../../fixtures/linux/hosts.js';

const ctx = { targetId: 't', kind: 'linux' as const };
const failed = (kind: 'offline' | 'permission-denied' | 'not-found', message: string = kind): ProbeResult => ({
  stdout: '',
  stderr: '',
  exitCode: null,
  truncated: false,
  durationMs: 0,
  error: { kind, message },
});

describe('auditctl -s', () => {
  it('reads audit 3 name/value lines', () => {
    expect(parseAuditStatus(fixture('audit', 'auditctl-s-debian-running.txt'))).toMatchObject({
      enabled: 1,
      failure: 1,
      pid: 498,
      backlog_limit: 8192,
      lost: 0,
      backlog_wait_time: 60000,
      loginuid_immutable: 0,
    });
  });

  it('reads the audit 2 AUDIT_STATUS line', () => {
    expect(parseAuditStatus(fixture('audit', 'auditctl-s-audit2.txt'))).toMatchObject({
      enabled: 1,
      failure: 1,
      pid: 1123,
      backlog_limit: 320,
      lost: 57,
    });
  });

  it("reads this machine's disabled status", () => {
    expect(parseAuditStatus(fixture('audit', 'auditctl-s-disabled.txt'))).toMatchObject({ enabled: 0, pid: 0 });
  });

  it('rejects output without an enabled value', () => {
    expect(() => parseAuditStatus('garbage\n')).toThrow(ParseError);
  });

  it('turns "You must be root" into an inconclusive finding, never a fail', () => {
    const r = ok('', 4, 'You must be root to run this program.\n');
    expect(() => linuxParsers['auditd-kernel-status']!({ 'auditctl-status': r }, ctx)).toThrow(InconclusiveError);
    expect(() => linuxParsers['auditd-kernel-status']!({ 'auditctl-status': r }, ctx)).toThrow(/You must be root/);
  });

  it('turns a sandbox that refuses the audit netlink socket into inconclusive', () => {
    const r = ok('', 255, 'Error opening audit netlink socket (Protocol not supported)\n');
    expect(() => linuxParsers['auditd-kernel-status']!({ 'auditctl-status': r }, ctx)).toThrow(/container or sandbox/);
  });

  it('turns a sudo password prompt into inconclusive', () => {
    expect(() =>
      linuxParsers['auditd-kernel-status']!({ 'auditctl-status': failed('permission-denied', 'sudo refused') }, ctx),
    ).toThrow(InconclusiveError);
  });

  it('reports auditing off when auditctl is not installed', () => {
    const facts = linuxParsers['auditd-kernel-status']!(
      { 'auditctl-status': ok('', 127, 'sh: 1: auditctl: not found\n') },
      ctx,
    );
    expect(facts).toMatchObject({ available: false, enabled: 0 });
  });
});

describe('auditd.conf', () => {
  it('lower-cases action values and keeps the other keys', () => {
    const conf = parseAuditdConf(fixture('hosts', 'hardened', 'root', 'etc', 'audit', 'auditd.conf'));
    expect(conf).toMatchObject({
      max_log_file_action: 'keep_logs',
      disk_full_action: 'halt',
      admin_space_left_action: 'single',
      log_file: '/var/log/audit/audit.log',
    });
    expect(conf.name).toBeUndefined(); // "##name = mydomain" is a comment
  });

  it('says when the file is absent', () => {
    expect(linuxParsers['auditd-config']!({ 'auditd-conf': failed('not-found') }, ctx)).toEqual({ present: false });
  });

  it('is inconclusive when the file cannot be read', () => {
    expect(() =>
      linuxParsers['auditd-config']!(
        { 'auditd-conf': failed('permission-denied', '/etc/audit/auditd.conf: permission denied') },
        ctx,
      ),
    ).toThrow(InconclusiveError);
  });
});

describe('kernel command line', () => {
  it('reads audit= from /proc/cmdline and stops at the init arguments after --', () => {
    const args = parseCmdline('BOOT_IMAGE=/vmlinuz ro audit=1 audit_backlog_limit=8192 quiet -- --audit=0');
    expect(args).toMatchObject({ audit: '1', audit_backlog_limit: '8192', quiet: '' });
  });

  it('reads GRUB_CMDLINE_LINUX and _DEFAULT from /etc/default/grub', () => {
    const args = parseCmdline(grubCmdline(fixture('hosts', 'hardened', 'root', 'etc', 'default', 'grub')));
    expect(args.audit).toBe('1');
  });

  it('uses the running kernel when it can, the boot loader on an offline image', () => {
    const live = linuxParsers['kernel-cmdline']!(
      { 'proc-cmdline': ok(fixture('hosts', 'debian-default', 'commands', 'proc-cmdline.txt')) },
      ctx,
    );
    expect(live).toMatchObject({ audit: null, source: '/proc/cmdline' });
    const image = linuxParsers['kernel-cmdline']!(
      {
        'proc-cmdline': failed('offline'),
        'grub-default': ok(fixture('hosts', 'hardened', 'root', 'etc', 'default', 'grub')),
      },
      ctx,
    );
    expect(image).toMatchObject({ audit: '1', audit_backlog_limit: 8192, source: '/etc/default/grub' });
  });

  it('is inconclusive when neither is available', () => {
    expect(() =>
      linuxParsers['kernel-cmdline']!({ 'proc-cmdline': failed('offline'), 'grub-default': failed('not-found') }, ctx),
    ).toThrow(InconclusiveError);
  });
});

describe('service state', () => {
  it('reads units, binaries, processes and SysV links of a host without systemd (this machine)', () => {
    const state = parseServiceState(
      'init other\nunit auditd active=unknown enabled=enabled\nunit ssh active=unknown enabled=enabled\nbin ' +
        'auditd /usr/sbin/auditd\nbin auditctl /usr/sbin/auditctl\nrc S01auditd\nrc S01ssh\n',
    );
    const unit = { probe: 'service-state', text: 'unit auditd active=unknown enabled=enabled' };
    expect(daemonState(state, ['auditd'], ['auditd'], ['auditd'])).toEqual({
      installed: true,
      running: false,
      enabled: true,
      unit: 'auditd',
      at: {
        installed: [{ probe: 'service-state', text: 'bin auditd /usr/sbin/auditd' }, unit],
        running: [unit],
        enabled: [unit, { probe: 'service-state', text: 'rc S01auditd' }],
      },
    });
  });

  it('says what the service listing lacked when no line names the daemon', () => {
    const state = parseServiceState('init systemd\nunit ssh active=active enabled=enabled\nproc sshd\n');
    const named = 'named auditd/auditctl in the service listing';
    expect(daemonState(state, ['auditd'], ['auditd'], ['auditd', 'auditctl']).at).toEqual({
      installed: [{ probe: 'service-state', text: '(no auditd/auditctl binary in the service listing)' }],
      running: [{ probe: 'service-state', text: `(no systemd unit or process ${named})` }],
      enabled: [{ probe: 'service-state', text: `(no systemd unit or rc link ${named})` }],
    });
  });

  it('takes a running process as running when systemd cannot be asked', () => {
    const state = parseServiceState('init other\nbin rsyslogd /usr/sbin/rsyslogd\nproc rsyslogd\n');
    expect(daemonState(state, ['rsyslog'], ['rsyslogd'], ['rsyslogd'])).toMatchObject({
      installed: true,
      running: true,
    });
  });

  it('matches any of several unit names (chrony vs chronyd) and treats an alias as enabled', () => {
    const state = parseServiceState(fixture('hosts', 'hardened', 'commands', 'service-state.txt'));
    expect(daemonState(state, ['chrony', 'chronyd'], ['chronyd'], ['chronyd'])).toMatchObject({
      running: true,
      enabled: true,
      unit: 'chrony',
    });
    expect(daemonState(state, ['syslog-ng'], ['syslog-ng'], ['syslog-ng'])).toMatchObject({
      installed: false,
      running: false,
      enabled: false,
    });
  });

  it('auditd-service: a non-zero kernel pid means auditd runs whatever init says', () => {
    const facts = linuxParsers['auditd-service']!(
      {
        'service-state': ok('init other\nbin auditctl /usr/sbin/auditctl\n'),
        'auditctl-status': ok(fixture('audit', 'auditctl-s-debian-running.txt')),
      },
      ctx,
    );
    expect(facts).toMatchObject({ installed: true, running: true, kernel_pid: 498 });
  });

  it('auditd-service: not installed on a minimal host', () => {
    const facts = linuxParsers['auditd-service']!(
      {
        'service-state': ok(
          'init systemd\nunit auditd active=inactive enabled=unknown\nbin journalctl /usr/bin/journalctl\n',
        ),
        'auditctl-status': ok('', 127, 'sh: 1: auditctl: not found\n'),
      },
      ctx,
    );
    expect(facts).toMatchObject({ installed: false, running: false, enabled_at_boot: false });
  });
});
