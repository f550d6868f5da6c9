import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  parseDescribe,
  readFileError,
  rootedPath,
  shellQuote,
  sudoError,
  wrapCommand,
} from '../../../src/transport/shell.js';

const sh = (line: string) => execFileSync('sh', ['-c', line], { encoding: 'utf8' });

describe('shellQuote', () => {
  it.each([
    ['plain', 'plain'],
    ["it's", "it's"],
    ['$(touch /tmp/pwned) `id` $HOME', '$(touch /tmp/pwned) `id` $HOME'],
    ['a b\nc', 'a b\nc'],
    ['', ''],
    ["''", "''"],
  ])('round-trips %j through a real sh unchanged', (word, expected) => {
    expect(sh(`printf %s ${shellQuote(word)}`)).toBe(expected);
  });

  it('leaves safe words bare', () => {
    expect(shellQuote('/etc/audit/auditd.conf')).toBe('/etc/audit/auditd.conf');
  });
});

describe('wrapCommand', () => {
  it('runs the probe in sh -c under the C locale and keeps its syntax', () => {
    expect(sh(wrapCommand(`echo "$LC_ALL"; printf '%s\\n' 'a'"'"'b' | tr a-z A-Z`))).toBe("C\nA'B\n");
  });

  it('adds a remote kill timer when timeout(1) exists, and the probe still runs', () => {
    const line = wrapCommand('echo ok', { remoteTimeoutSec: 5 });
    expect(line).toContain('timeout -s KILL 5');
    expect(sh(line)).toBe('ok\n');
  });

  it('runs through non-interactive sudo -n when asked', () => {
    expect(wrapCommand('id -u', { sudo: true })).toMatch(/^exec sudo -n -- sh -c '/);
  });
});

describe('error mapping', () => {
  it('recognises sudo asking for a password', () => {
    expect(sudoError('sudo: a password is required\n', 1)?.kind).toBe('sudo-password-required');
    expect(sudoError('audit is not in the sudoers file.  This incident will be reported.\n', 1)?.kind).toBe(
      'permission-denied',
    );
    expect(sudoError('', 0)).toBeUndefined();
  });

  it('maps read errors only for failed reads', () => {
    expect(readFileError("head: cannot open '/x' for reading: No such file or directory", 1, '/x')?.kind).toBe(
      'not-found',
    );
    expect(
      readFileError("head: cannot open '/etc/shadow' for reading: Permission denied", 1, '/etc/shadow')?.kind,
    ).toBe('permission-denied');
    expect(readFileError('tail: cannot open: Operation not permitted', 1, '/p')?.kind).toBe('permission-denied');
    expect(readFileError('Permission denied', 0, '/p')).toBeUndefined();
  });
});

describe('rootedPath', () => {
  it('joins below the root and never climbs out of it', () => {
    expect(rootedPath('/etc/passwd', '/mnt/img')).toBe('/mnt/img/etc/passwd');
    expect(rootedPath('/../../etc/passwd', '/mnt/img')).toBe('/mnt/img/etc/passwd');
    expect(rootedPath('/etc/passwd')).toBe('/etc/passwd');
    // Applied twice (by a caller and by the transport) it still reads the same file.
    expect(rootedPath(rootedPath('/etc/passwd', '/mnt/img/'), '/mnt/img')).toBe('/mnt/img/etc/passwd');
  });
});

describe('parseDescribe', () => {
  it('reads hostname, PRETTY_NAME and kernel', () => {
    const out =
      'Linux\n--socready--\nweb-01\n--socready--\n6.1.0-18-amd64\n--socready--\nNAME="Debian ' +
      'GNU/Linux"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\n';
    expect(parseDescribe(out)).toEqual({
      platform: 'linux',
      hostname: 'web-01',
      os: 'Debian GNU/Linux 12 (bookworm)',
      kernel: '6.1.0-18-amd64',
    });
  });
});
