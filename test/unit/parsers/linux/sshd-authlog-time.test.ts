import { describe, expect, it } from 'vitest';
import { InconclusiveError } from '../../../../src/checks/types.js';
import { parseAuthLogRecency } from '../../../../src/parsers/linux/authlog.js';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import { logLevelRank, parseSshdConfig, parseSshdT } from '../../../../src/parsers/linux/sshd.js';
import {
  durationMs,
  parseChronyTracking,
  parseNtpqPeers,
  splitToolSections,
} from '../../../../src/parsers/linux/timesync.js';
import type { ProbeResult } from '../../../../src/transport/types.js';
import { fixture, ok } from '../../../fixtures/linux/hosts.js';

const ctx = { targetId: 't', kind: 'linux' as const };
const offline: ProbeResult = {
  stdout: '',
  stderr: '',
  exitCode: null,
  truncated: false,
  durationMs: 0,
  error: { kind: 'offline', message: 'image' },
};
const notFound: ProbeResult = {
  stdout: '',
  stderr: '',
  exitCode: 1,
  truncated: false,
  durationMs: 0,
  error: { kind: 'not-found', message: 'no such file' },
};

describe('sshd', () => {
  it('reads sshd -T (real OpenSSH 9.2 output)', () => {
    const t = parseSshdT(fixture('hosts', 'debian-default', 'commands', 'sshd-effective.txt'));
    expect(t).toMatchObject({ loglevel: 'INFO', syslogfacility: 'AUTH', permitrootlogin: 'without-password' });
    expect(t.hostkey!.split('\n')).toHaveLength(3);
  });

  it('ranks log levels, DEBUG as DEBUG1', () => {
    expect([
      logLevelRank('INFO'),
      logLevelRank('verbose'),
      logLevelRank('DEBUG'),
      logLevelRank('DEBUG3'),
      logLevelRank('LOUD'),
    ]).toEqual([3, 4, 5, 7, undefined]);
  });

  it(
    'reads sshd_config with Include in place, ignoring hashed-out includes: the first value wins and Match ' +
      'blocks stay apart',
    () => {
      const files = new Map([
        ['/etc/ssh/sshd_config', fixture('sshd', 'sshd_config')],
        ['/etc/ssh/sshd_config.d/40-logging.conf', fixture('sshd', 'sshd_config.d', '40-logging.conf')],
        ['/etc/ssh/sshd_config.d/50-redhat.conf', fixture('sshd', 'sshd_config.d', '50-redhat.conf')],
        ['/etc/ssh/legacy.d/00-debug.conf', 'LogLevel DEBUG3\n'],
      ]);
      const cfg = parseSshdConfig('/etc/ssh/sshd_config', files);
      expect(cfg.settings).toMatchObject({
        loglevel: 'VERBOSE',
        syslogfacility: 'AUTHPRIV',
        permitrootlogin: 'no',
        usepam: 'yes',
      });
      expect(cfg.match_overrides.loglevel).toEqual(['DEBUG3']);
      expect(cfg.files).toEqual([
        '/etc/ssh/sshd_config',
        '/etc/ssh/sshd_config.d/40-logging.conf',
        '/etc/ssh/sshd_config.d/50-redhat.conf',
      ]);
    },
  );

  it('prefers sshd -T and falls back to the files when it cannot run (no /run/sshd, not root)', () => {
    const fromT = linuxParsers['sshd-logging']!(
      { 'sshd-effective': ok(fixture('hosts', 'hardened', 'commands', 'sshd-effective.txt')) },
      ctx,
    );
    expect(fromT).toMatchObject({ source: 'sshd -T', loglevel: 'VERBOSE', loglevel_rank: 4 });
    const fallback = linuxParsers['sshd-logging']!(
      {
        'sshd-effective': ok('Missing privilege separation directory: /run/sshd\n', 255),
        'sshd-config': ok(fixture('hosts', 'debian-default', 'root', 'etc', 'ssh', 'sshd_config')),
        'sshd-config-d': ok(''),
      },
      ctx,
    );
    expect(fallback).toMatchObject({ source: 'sshd_config', loglevel: 'INFO', loglevel_rank: 3 });
  });

  it('is not installed on an image without sshd_config, and inconclusive when the file was refused', () => {
    expect(linuxParsers['sshd-logging']!({ 'sshd-effective': offline, 'sshd-config': notFound }, ctx)).toMatchObject({
      installed: false,
    });
    const refused: ProbeResult = {
      ...notFound,
      error: { kind: 'permission-denied', message: '/etc/ssh/sshd_config: permission denied' },
    };
    expect(() =>
      linuxParsers['sshd-logging']!(
        { 'sshd-effective': ok('sshd: no hostkeys available -- exiting.\n', 1), 'sshd-config': refused },
        ctx,
      ),
    ).toThrow(InconclusiveError);
  });
});

describe('authentication log recency', () => {
  it('uses the newest of auth.log, secure and the journal, by the host clock', () => {
    const facts = parseAuthLogRecency(
      'now 1795453476\nfile /var/log/auth.log 1795000000 100\nfile /var/log/secure 1795453000 0\njournal ' +
        '1795453400.5\n',
    );
    expect(facts).toMatchObject({ exists: true, source: 'journal', newest_age_seconds: 76 });
    expect(facts.files[0]!.age_seconds).toBe(453476);
  });

  it('does not count an empty log file', () => {
    expect(parseAuthLogRecency('now 100\nfile /var/log/auth.log 90 0\n')).toMatchObject({ exists: false });
  });

  it('is inconclusive when the probe was refused', () => {
    const refused: ProbeResult = {
      ...offline,
      error: { kind: 'sudo-password-required', message: 'sudo asks for a password' },
    };
    expect(() => linuxParsers['auth-log']!({ 'auth-log-recency': refused }, ctx)).toThrow(InconclusiveError);
  });
});

describe('time synchronisation', () => {
  it('splits tool sections with their exit codes', () => {
    const s = splitToolSections(fixture('time', 'container-no-tools.txt'));
    expect(s.map((x) => [x.command, x.rc])).toEqual([
      ['timedatectl show', 1],
      ['timedatectl timesync-status', 1],
      ['chronyc -n tracking', 127],
      ['ntpq -pn', 127],
    ]);
  });

  it('reads chrony tracking (synchronised and not)', () => {
    const good = parseChronyTracking(
      splitToolSections(fixture('hosts', 'hardened', 'commands', 'time-sync.txt'))[2]!.text,
    )!;
    expect(good).toMatchObject({ synchronized: true, stratum: 3, leap_status: 'Normal' });
    expect(good.offset_ms).toBeCloseTo(-0.041235, 6);
    const bad = parseChronyTracking(splitToolSections(fixture('time', 'chrony-unsynchronised.txt'))[2]!.text)!;
    expect(bad).toMatchObject({ synchronized: false, leap_status: 'Not synchronised' });
  });

  it('reads the ntpq system peer offset in ms', () => {
    expect(parseNtpqPeers(splitToolSections(fixture('time', 'ntpd-drifting.txt'))[3]!.text)).toEqual({
      synchronized: true,
      offset_ms: -1502.77,
      peer: '192.0.2.124',
    });
  });

  it('converts timesyncd durations', () => {
    expect([durationMs('-1.842ms'), durationMs('+70us'), durationMs('1.5s')]).toEqual([-1.842, 0.07, 1500]);
  });

  it('time-sync parser: timesyncd in sync, chrony unsynchronised, ntpd drifting, no tools', () => {
    const parse = (text: string) => linuxParsers['time-sync']!({ 'time-sync': ok(text) }, ctx);
    expect(parse(fixture('hosts', 'debian-default', 'commands', 'time-sync.txt'))).toMatchObject({
      synchronized: true,
      source: 'systemd-timesyncd',
      abs_offset_ms: 1.842,
    });
    expect(parse(fixture('time', 'chrony-unsynchronised.txt'))).toMatchObject({
      synchronized: false,
      source: null,
      abs_offset_ms: 2418.7321,
    });
    expect(parse(fixture('time', 'ntpd-drifting.txt'))).toMatchObject({
      synchronized: true,
      source: 'ntpd',
      abs_offset_ms: 1502.77,
    });
    expect(parse(fixture('time', 'container-no-tools.txt'))).toMatchObject({
      synchronized: false,
      source: null,
      offset_ms: null,
    });
  });
});
