import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { plainWords, workerLine } from '../../../src/transport/ssh.js';

describe('plainWords', () => {
  it('accepts plain commands whose words the shell would not touch', () => {
    expect(plainWords('auditctl -s')).toEqual(['auditctl', '-s']);
    expect(plainWords('head -c 4194305 -- /etc/audit/auditd.conf')).toEqual([
      'head',
      '-c',
      '4194305',
      '--',
      '/etc/audit/auditd.conf',
    ]);
    expect(plainWords('  ss -tn  ')).toEqual(['ss', '-tn']);
  });

  it.each([
    'auditctl -l | grep bpf',
    'cat /etc/audit/rules.d/*.rules',
    'echo $HOME',
    'exit 3',
    'cd /',
    'FOO=1 env',
    "grep 'a b' /etc/x",
    'ls ~',
    'a; b',
    'cat < /etc/passwd',
  ])('sends %j through sh -c', (command) => {
    expect(plainWords(command)).toBeUndefined();
  });
});

describe('workerLine', () => {
  const setup =
    'SR_T=; command -v timeout >/dev/null 2>&1 && SR_T=1; sr_run() { sr_t=$1; shift; if [ -n "$SR_T" ]; then ' +
    'LC_ALL=C timeout -s KILL "$sr_t" "$@"; else LC_ALL=C "$@"; fi; }';
  const sh = (line: string) => execFileSync('sh', ['-c', `${setup}\n${line} </dev/null`], { encoding: 'utf8' });

  it('runs plain and shell commands with the same results as sh -c', () => {
    expect(sh(workerLine('echo "$LC_ALL" | tr C c', { sudo: false, remoteTimeoutSec: 5 }))).toBe('c\n');
    expect(sh(workerLine('printf %s plain', { sudo: false, remoteTimeoutSec: 5 }))).toBe('plain');
    expect(sh(`${workerLine("printf '%s' \"it's\"", { sudo: false, remoteTimeoutSec: 5 })}; echo " rc=$?"`)).toBe(
      "it's rc=0\n",
    );
  });

  it('keeps the full sudo wrapper in a subshell so the worker survives its exec', () => {
    const line = workerLine('id -u', { sudo: true, remoteTimeoutSec: 5 });
    expect(line).toMatch(/^\( exec sudo -n -- sh -c '/);
    expect(line.endsWith('\n)')).toBe(true);
  });
});
