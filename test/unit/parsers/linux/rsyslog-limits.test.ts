import { describe, expect, it } from 'vitest';
import { linuxParsers } from '../../../../src/parsers/linux/index.js';
import { rsyslogMaxMessageSize, rsyslogSize } from '../../../../src/parsers/linux/rsyslog.js';
import type { ProbeResult } from '../../../../src/transport/types.js';

const file = (text: string): ProbeResult => ({
  stdout: text,
  stderr: '',
  exitCode: 0,
  truncated: false,
  durationMs: 1,
});
const glob = (files: Record<string, string>): ProbeResult =>
  file(
    Object.entries(files)
      .map(([p, t]) => `==> ${p} <==\n${t}\n`)
      .join(''),
  );
const ctx = { targetId: 'h', kind: 'linux' as const };

describe('rsyslog maxMessageSize', () => {
  it('reads sizes as rsyslog does: lower-case suffixes binary, upper-case decimal, punctuation ignored', () => {
    expect(rsyslogSize('64k')).toBe(65536);
    expect(rsyslogSize('64K')).toBe(64000);
    expect(rsyslogSize('1m')).toBe(1048576);
    expect(rsyslogSize('8,096')).toBe(8096);
    expect(rsyslogSize('lots')).toBeUndefined();
  });

  it('finds RainerScript global() and the legacy directive, the later one winning, ignoring comments', () => {
    const text =
      '# global(maxMessageSize="1m")\n$MaxMessageSize ' +
      '16k\nmodule(load="imuxsock")\nglobal(workDirectory="/var/spool/rsyslog"\n  maxMessageSize="64k")\n';
    expect(rsyslogMaxMessageSize('/etc/rsyslog.conf', text)).toEqual({
      bytes: 65536,
      value: '64k',
      file: '/etc/rsyslog.conf',
      line: 4,
    });
    expect(rsyslogMaxMessageSize('/etc/rsyslog.conf', '$MaxMessageSize 32k\n')?.bytes).toBe(32768);
    expect(rsyslogMaxMessageSize('/etc/rsyslog.conf', 'global(workDirectory="/x")\n')).toBeUndefined();
  });

  it('names the default 8096-byte truncation point and what becomes of the rest when nothing raises it', () => {
    const facts = linuxParsers['rsyslog-limits']!(
      { 'rsyslog-conf': file('$IncludeConfig /etc/rsyslog.d/*.conf\n*.* @@logs:514\n'), 'rsyslog-d': glob({}) },
      ctx,
    );
    expect(facts.max_message_size).toBe(8096);
    expect(facts.source).toBe('default');
    expect(facts.explanation).toMatch(
      new RegExp(
        String.raw`maxMessageSize is 8096 bytes \(the default.*cut at this rsyslog's input: as a sender the rest ` +
          'is dropped, as a TCP collector the rest arrives as a separate message',
      ),
    );
  });

  it('takes the value from an included drop-in and ignores a drop-in the main file does not include', () => {
    const main = file('$IncludeConfig /etc/rsyslog.d/*.conf\n');
    const raised = linuxParsers['rsyslog-limits']!(
      { 'rsyslog-conf': main, 'rsyslog-d': glob({ '/etc/rsyslog.d/00-size.conf': 'global(maxMessageSize="64k")' }) },
      ctx,
    );
    expect(raised).toMatchObject({ max_message_size: 65536, source: '/etc/rsyslog.d/00-size.conf:1' });
    const ignored = linuxParsers['rsyslog-limits']!(
      {
        'rsyslog-conf': file('*.* /var/log/syslog\n'),
        'rsyslog-d': glob({ '/etc/rsyslog.d/00-size.conf': 'global(maxMessageSize="64k")' }),
      },
      ctx,
    );
    expect(ignored.max_message_size).toBe(8096);
  });

  it('is not applicable without an rsyslog configuration', () => {
    const missing: ProbeResult = {
      stdout: '',
      stderr: '',
      exitCode: 1,
      truncated: false,
      durationMs: 1,
      error: { kind: 'not-found', message: 'no such file' },
    };
    expect(linuxParsers['rsyslog-limits']!({ 'rsyslog-conf': missing, 'rsyslog-d': glob({}) }, ctx).installed).toBe(
      false,
    );
  });
});
